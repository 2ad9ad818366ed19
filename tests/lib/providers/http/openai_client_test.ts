import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { ProviderError } from "../../../../lib/core/errors.ts";
import { startFakeOpenAi } from "../../../../lib/fake_api/fake_openai_server.ts";
import { callOpenAi, type HttpTarget, redactKey } from "../../../../lib/providers/http/openai_client.ts";
import {
  MAX_TRANSCRIPT_BYTES,
  transcribeAudio,
} from "../../../../lib/providers/http/openai_transcription.ts";
import { speechWav } from "../../../../lib/fake_api/_fake_media.ts";
import { tempFile } from "../../../_support/temp_dir.ts";

function target(url: string, extra: Partial<HttpTarget> = {}): HttpTarget {
  return {
    provider: "test",
    baseUrl: url,
    keyEnv: "REEL_TEST_UNSET_KEY",
    timeout: 2000,
    ...extra,
  };
}

Deno.test("callOpenAi() turns a 429 into a retryable ProviderError that carries the server's wait", async () => {
  const server = startFakeOpenAi({ rejectFirst: 1, retryAfterMs: 1500 });
  try {
    await assert.rejects(
      callOpenAi(target(server.url), { path: "/audio/speech", body: { json: { input: "hi" } } }),
      (error) => {
        assert.ok(error instanceof ProviderError);
        assert.equal(error.status, 429);
        assert.equal(error.retryAfterMs, 1500);
        assert.ok(error.retryable);
        return true;
      },
    );
    const answer = await callOpenAi(target(server.url), {
      path: "/audio/speech",
      body: { json: { input: "hi there" } },
    });
    assert.equal(new TextDecoder().decode(answer.body.subarray(0, 4)), "RIFF");
  } finally {
    await server.close();
  }
});

Deno.test("callOpenAi() fails a 4xx at once with the server's message, and a timeout as retryable", async () => {
  const server = startFakeOpenAi({ statusFor: (path) => path.endsWith("speech") ? 422 : null, hangRate: 0 });
  try {
    await assert.rejects(
      callOpenAi(target(server.url), { path: "/audio/speech", body: { json: { input: "x" } } }),
      (error) =>
        error instanceof ProviderError && !error.retryable &&
        /answered 422: Forced status 422/.test(error.message),
    );
  } finally {
    await server.close();
  }
  const hanging = startFakeOpenAi({ hangRate: 1 });
  try {
    await assert.rejects(
      callOpenAi(target(hanging.url, { timeout: 100 }), { path: "/images/generations", body: { json: {} } }),
      (error) =>
        error instanceof ProviderError && error.retryable && /no answer within 100 ms/.test(error.message),
    );
  } finally {
    await hanging.close();
  }
});

Deno.test("callOpenAi() without a key refuses to call the hosted API", async () => {
  await assert.rejects(
    callOpenAi(target("https://api.openai.com/v1"), { path: "/audio/speech", body: { json: {} } }),
    /no API key: set REEL_TEST_UNSET_KEY/,
  );
});

Deno.test("callOpenAi() on a 401 says the key variable is not set when it is not, and to check it when it is", async () => {
  const server = startFakeOpenAi({ statusFor: (path) => path.endsWith("speech") ? 401 : null });
  const call = (keyEnv: string) =>
    callOpenAi(target(server.url, { keyEnv }), { path: "/audio/speech", body: { json: { input: "x" } } });
  Deno.env.set("REEL_TEST_SET_KEY", "sk-test-0123456789");
  try {
    await assert.rejects(call("REEL_TEST_UNSET_KEY"), /answered 401: .*\(REEL_TEST_UNSET_KEY is not set\)$/);
    await assert.rejects(
      call("REEL_TEST_SET_KEY"),
      /answered 401: .*\(check the key in REEL_TEST_SET_KEY\)$/,
    );
  } finally {
    Deno.env.delete("REEL_TEST_SET_KEY");
    await server.close();
  }
});

Deno.test("redactKey() removes the key and any long piece of it", () => {
  const key = "sk-proj-ABCDEFGHIJKLMNOP";
  assert.equal(
    redactKey(`bad key ${key} and again ${key.slice(4, 20)}`, key),
    "bad key [redacted] and again [redacted]",
  );
  assert.equal(redactKey("nothing here", key), "nothing here");
  // A short key whole (before: one under eight characters was printed, in the 401's message and the report).
  assert.equal(
    redactKey("Incorrect API key provided: sk-abc1.", "sk-abc1"),
    "Incorrect API key provided: [redacted].",
  );
  assert.equal(redactKey("key abcd given", "abcd"), "key [redacted] given");
  // Where it stands alone only: not inside a file name or a host (the review).
  assert.equal(redactKey("the file test.wav is not audio", "test"), "the file test.wav is not audio");
  assert.equal(redactKey("see https://fake.test/docs", "fake"), "see https://fake.test/docs");
  // Three characters are no secret a message can be searched for: every "the" would go.
  assert.equal(redactKey("the key", "the"), "the key");
});

Deno.test("transcribeAudio() sends the file as multipart and reads verbose_json segments", async () => {
  const server = startFakeOpenAi({ transcription: "fixed" });
  const file = await tempFile(".wav");
  try {
    await Deno.writeFile(file, speechWav("one two three four five six seven eight", 1));
    const transcript = await transcribeAudio(target(server.url), { file, model: "whisper-1" });
    assert.equal(transcript.text, "fake transcript");
    assert.ok(transcript.duration > 2.5 && transcript.duration < 3.5, String(transcript.duration));
    assert.deepEqual(transcript.segments.map((segment) => segment.start), [0]);
    assert.equal(server.stats.log[0]?.path, "/v1/audio/transcriptions");
    assert.ok(server.stats.log[0]?.subject.endsWith(".wav"));
  } finally {
    await server.close();
    await Deno.remove(file);
  }
});

Deno.test("transcribeAudio() refuses an answer whose times are not times, naming the provider and what is wrong", async () => {
  // Before: a duration of -1 made captions at -1:-1:-1, segments that were not a list made no words at all, and a
  // JSON null failed with "Cannot read properties of null".
  let body = "";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const url = `http://127.0.0.1:${server.addr.port}/v1`;
  const file = await tempFile(".wav");
  try {
    await Deno.writeFile(file, speechWav("one two", 1));
    const cases: [unknown, RegExp][] = [
      [null, /^test: returned JSON that is not a transcription object$/],
      [
        { text: "hi", duration: -1 },
        /^test: returned a transcription whose duration is not a length in seconds \(-1\)$/,
      ],
      [{ text: "hello world", segments: "nope" }, /segments are not a list/],
      [{ text: "hello world", words: "nope" }, /words are not a list/],
      [
        { text: "hi", segments: [{ start: 0, end: 1, text: "hi" }, { start: 2, end: 1, text: "x" }] },
        /^test: returned a transcription whose segment 2 \("x"\) ends at 1 s, before its start at 2 s$/,
      ],
      // Each wrong time named with its word and value (before: "has no start and end in seconds (end after start)
      // and word", for any of them).
      [
        { text: "hi", words: [{ word: "hi", start: 0, end: 0.5 }, { word: "x", start: "0" }] },
        /^test: returned a transcription whose word 2 \("x"\) has start "0", not a time in seconds$/,
      ],
      // More than a second before the audio: no rounding (a word a little before its start is taken from 0).
      [
        { text: "hi", words: [{ word: " rain", start: -1.5, end: 0.5 }] },
        /whose word 1 \("rain"\) has start -1.5, not a time in seconds$/,
      ],
      [
        { text: "hi", words: [{ word: "rain", start: 0.5, end: null }] },
        /word 1 \("rain"\) has end null, not a time/,
      ],
      [{ text: "hi", words: [{ start: 0, end: 0.5 }] }, /whose word 1 has no text in "word"$/],
      [{ text: "hi", words: [7] }, /whose word 1 is 7, not an object$/],
      // An error answered with status 200: its words (before: "returned JSON without text").
      [
        { error: { message: "quota exceeded" } },
        /^test: answered with an error instead of a transcription: quota exceeded$/,
      ],
    ];
    for (const [answer, message] of cases) {
      body = JSON.stringify(answer);
      await assert.rejects(transcribeAudio(target(url), { file, model: "whisper-1" }), (error) => {
        assert.ok(error instanceof ProviderError, String(error));
        assert.match(error.message, message);
        assert.equal(error.retryable, false);
        return true;
      });
    }
    // A time too large for a number, named as JSON reads it (before: "has start null", fi14).
    body = '{"text":"x","words":[{"word":"x","start":1e999,"end":1e999}]}';
    await assert.rejects(
      transcribeAudio(target(url), { file, model: "whisper-1" }),
      /whose word 1 \("x"\) has start Infinity, not a time in seconds$/,
    );
    // A whole answer that is not JSON (a proxy's page): named with what it is, not asked again (an upload paid each
    // time before).
    body = "<html><body>Gateway</body></html>";
    await assert.rejects(transcribeAudio(target(url), { file, model: "whisper-1" }), (error) => {
      assert.ok(error instanceof ProviderError, String(error));
      assert.match(error.message, /^test: returned a transcription that is not JSON \(.*<html>.*\)$/);
      assert.equal(error.retryable, false);
      return true;
    });
    // A word a server could not align (no times) is left out, as before; the others are read.
    body = JSON.stringify({
      text: "one 2 three",
      words: [{ word: "one", start: 0, end: 0.4 }, { word: "2" }, { word: "three", start: 0.9, end: 1.3 }],
    });
    const aligned = await transcribeAudio(target(url), { file, model: "whisper-1" });
    assert.deepEqual(aligned.words.map((word) => word.text), ["one", "three"]);
    assert.equal(aligned.timed, true);
    // A word a server rounds to start a little before the audio starts there (before: the chunk failed, and with it
    // the recording).
    body = JSON.stringify({
      text: "one two",
      words: [{ word: "one", start: -0.15, end: 0.4 }, { word: "two", start: 0.5, end: 0.9 }],
    });
    const early = await transcribeAudio(target(url), { file, model: "whisper-1" });
    assert.deepEqual(early.words.map((word) => [word.text, word.start]), [["one", 0], ["two", 0.5]]);
    // A text-only answer is still read: its words spread over the audio the request names, and said to have no
    // times of their own (the merge then joins chunks by their words).
    body = JSON.stringify({ text: "hello world", segments: null });
    const spread = await transcribeAudio(target(url), { file, model: "whisper-1", duration: 2 });
    assert.deepEqual(spread.words.map((word) => word.text), ["hello", "world"]);
    assert.equal(spread.words.at(-1)?.end, 2);
    assert.equal(spread.timed, false);
    // Words spread over their segments are timed by them.
    body = JSON.stringify({ text: "hello world", segments: [{ start: 0.5, end: 1.5, text: "hello world" }] });
    const segmented = await transcribeAudio(target(url), { file, model: "whisper-1", duration: 2 });
    assert.deepEqual(segmented.words.map((word) => [word.start, word.end]), [[0.5, 1], [1, 1.5]]);
    assert.equal(segmented.timed, true);
    // Times past the end of the audio sent: a word at 50 s of 20 made a caption there, exit 0. Up to a second past
    // its end is the end (servers round the last span up).
    for (
      const [answer, message] of [
        [
          { text: "a b", words: [{ word: "a", start: 1, end: 2 }, { word: "b", start: 50, end: 51 }] },
          /word 2 ends at 51 s, after the end of the 20\.00 s of audio it was sent/,
        ],
        [{ text: "a", segments: [{ start: 0, end: 100, text: "a" }] }, /segment 1 ends at 100 s/],
      ] as const
    ) {
      body = JSON.stringify(answer);
      await assert.rejects(
        transcribeAudio(target(url), { file, model: "whisper-1", duration: 20 }),
        (error) => {
          assert.ok(error instanceof ProviderError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    }
    body = JSON.stringify({
      text: "a b",
      segments: [{ start: 0, end: 20.6, text: "a b" }],
      words: [{ word: "a", start: 1, end: 2 }, { word: "b", start: 19.5, end: 20.4 }],
    });
    const rounded = await transcribeAudio(target(url), { file, model: "whisper-1", duration: 20 });
    assert.deepEqual(rounded.words.map((word) => [word.start, word.end]), [[1, 2], [19.5, 20]]);
    assert.equal(rounded.segments[0]?.end, 20);
  } finally {
    await server.shutdown();
    await Deno.remove(file);
  }
});

Deno.test("transcribeAudio() refuses an answer larger than a transcript can be, before reading it", async () => {
  // Before: read up to 256 MB (fi14: 410 MB of memory for a 5 s chunk's answer of noise).
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    return new Response(new Uint8Array(MAX_TRANSCRIPT_BYTES + 1), {
      headers: { "content-type": "application/json" },
    });
  });
  const file = await tempFile(".wav");
  try {
    await Deno.writeFile(file, speechWav("one", 1));
    await assert.rejects(
      transcribeAudio(target(`http://127.0.0.1:${server.addr.port}/v1`), { file, model: "whisper-1" }),
      /the answer is larger than 32 MB/,
    );
  } finally {
    await server.shutdown();
    await Deno.remove(file);
  }
});

Deno.test("callOpenAi() refuses a base URL that is not http or https at once, not retryable", async () => {
  await assert.rejects(
    callOpenAi(target("ftp://127.0.0.1/v1"), { path: "/audio/speech", body: { json: { input: "hi" } } }),
    (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.retryable, false);
      assert.equal(error.message, "test: cannot call ftp: URLs, only http: and https:");
      return true;
    },
  );
});

Deno.test("callOpenAi() names a binary error body by its size and type, never printing its bytes", async () => {
  const body = new Uint8Array(2345).map((_, i) => (i * 7) % 256);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.arrayBuffer();
    return new Response(body, { status: 502, headers: { "content-type": "application/octet-stream" } });
  });
  try {
    await assert.rejects(
      callOpenAi(target(`http://127.0.0.1:${server.addr.port}`), {
        path: "/audio/speech",
        body: { json: { input: "hi" } },
      }),
      (error) => {
        assert.ok(error instanceof ProviderError);
        assert.equal(error.message, "test answered 502: 2,345 bytes of application/octet-stream");
        return true;
      },
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("callOpenAi() tells a server that closed the connection from one that is not there, both retryable", async () => {
  // Takes each connection and closes it at once, answering nothing.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closing = (async () => {
    for await (const connection of listener) connection.close();
  })();
  const { port } = listener.addr as Deno.NetAddr;
  // One speech call to the port: it fails retryable, with a message that matches `message`.
  const failsWith = (message: RegExp) =>
    assert.rejects(
      callOpenAi(target(`http://127.0.0.1:${port}/v1`), {
        path: "/audio/speech",
        body: { json: { input: "hi" } },
      }),
      (error) => {
        assert.ok(error instanceof ProviderError && error.retryable);
        assert.match(error.message, message);
        return true;
      },
    );
  try {
    await failsWith(new RegExp(`127\\.0\\.0\\.1:${port} closed the connection without answering`));
  } finally {
    listener.close();
    await closing.catch(() => {});
  }
  // Nothing listens there now.
  await failsWith(new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}: connection refused`));
});

Deno.test("callOpenAi() refuses an answer larger than its bound at once, not retryable, whether its length is declared or streamed", async () => {
  // fi3: 600 MB of "speech" held each attempt of its step for its whole timeout, with 2 GB in memory.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const declared = new URL(request.url).pathname.endsWith("declared");
    // Endless: a client that read it to its end would never end.
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(1000)),
    });
    return new Response(declared ? new Uint8Array(5000) : body, {
      headers: { "content-type": "audio/wav", ...declared ? { "content-length": "5000" } : {} },
    });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    for (const path of ["/audio/speech/declared", "/audio/speech/streamed"]) {
      await assert.rejects(
        callOpenAi(target(url), { path, body: { json: { input: "hi" } }, maxBytes: 4000 }),
        (error) =>
          error instanceof ProviderError && !error.retryable &&
          /the answer is larger than 4,000 bytes, far more than a speech, an image or a transcript/.test(
            error.message,
          ),
        path,
      );
    }
    const answer = await callOpenAi(target(url), {
      path: "/audio/speech/declared",
      body: { json: { input: "hi" } },
      maxBytes: 5000,
    });
    assert.equal(answer.body.length, 5000);
  } finally {
    await server.shutdown();
  }
});

Deno.test("callOpenAi() reads a compressed answer whole, whether longer or shorter inflated than the length it says", async () => {
  // Its content-length is the compressed one. A large one, read into an array of that length, overflowed; `{}`
  // gzipped is 22 bytes, inflated 2, and was told "cut off after 2 of 22 bytes".
  for (const json of [JSON.stringify({ data: [{ b64_json: "A".repeat(100_000) }] }), "{}"]) {
    const body = new Uint8Array(gzipSync(new TextEncoder().encode(json)));
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        new Response(body, {
          headers: {
            "content-type": "application/json",
            "content-encoding": "gzip",
            "content-length": `${body.length}`,
          },
        }),
    );
    try {
      const answer = await callOpenAi(target(`http://127.0.0.1:${server.addr.port}`), {
        path: "/images/generations",
        body: { json: {} },
      });
      assert.equal(new TextDecoder().decode(answer.body), json);
    } finally {
      await server.shutdown();
    }
  }
});

Deno.test("callOpenAi() gives up on an answer whose body stalls after its headers, retryable, before the timeout", async () => {
  // fi14: a server that sent its headers and a few bytes, then nothing, held each attempt for the whole timeout.
  const stalled = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("RIFF"));
      },
      cancel() {
        stalled.resolve();
      },
    });
    return new Response(body, { headers: { "content-type": "audio/wav" } });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    await assert.rejects(
      callOpenAi(target(url, { timeout: 60_000 }), {
        path: "/audio/speech",
        body: { json: { input: "x" } },
        stallMs: 50,
      }),
      (error) =>
        error instanceof ProviderError && error.retryable &&
        error.message === "test: the answer stalled: nothing came for 0.05 s after 4 bytes",
    );
    // The server's body was let go, not left open.
    await stalled.promise;
  } finally {
    await server.shutdown();
  }
});

Deno.test("callOpenAi() waits for a body's first byte as long as the timeout, and reads a slow but steady body whole", async () => {
  // rv32: a server may send its headers at once and make the answer after; a steady trickle is no stall.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // The server's own pace: 150 ms before the first byte, then a byte every 20 ms.
        await new Promise((resolve) => setTimeout(resolve, sent === 0 ? 150 : 20));
        controller.enqueue(new Uint8Array([65 + sent]));
        if (++sent === 10) controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain" } });
  });
  try {
    const answer = await callOpenAi(target(`http://127.0.0.1:${server.addr.port}`, { timeout: 60_000 }), {
      path: "/audio/speech",
      body: { json: { input: "x" } },
      stallMs: 100,
    });
    assert.equal(new TextDecoder().decode(answer.body), "ABCDEFGHIJ");
  } finally {
    await server.shutdown();
  }
});
