/**
 * `transcribe` through an OpenAI-compatible API (the fake server, which hears each upload with pocketsphinx and
 * answers real word times) under rate and concurrency limits, with injected 500s; and a recording whose chunk
 * keeps failing fails alone, its time range named.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { foreseeSpawnedWork, planResolved } from "../../lib/run/load_plan.ts";
import { renderLoaded } from "../../lib/run/render_workflows.ts";
import { resolveWorkflow } from "../../lib/workflow/resolve_workflow.ts";
import { runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import {
  HAS_POCKETSPHINX,
  readTranscript,
  singlePass,
  testCorpus,
  wordsOf,
} from "../_support/transcription.ts";

Deno.test({
  name:
    "transcribe through an API with rate and concurrency limits and failures: no failure, no limit passed, words in place",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const corpus = await testCorpus();
    const dir = await tempDir("reel-transcribe-api-");
    // Each chunk's first upload is answered 500: every chunk is retried.
    const seen = new Set<string>();
    const server = startFakeOpenAi({
      rpm: 40,
      // One request of slack: this process measures arrivals, and under load its own event loop can stamp one late,
      // making the next look early. The spacing reel keeps is checked below from the arrivals themselves.
      burst: 2,
      concurrency: 2,
      statusFor: (_path, body) => {
        const upload = body.upload instanceof Uint8Array ? body.upload : new Uint8Array();
        const digest = `${upload.length}:${upload.slice(-64).join(",")}`;
        if (seen.has(digest)) return null;
        seen.add(digest);
        return 500;
      },
    });
    try {
      const run = await runCli([
        "transcribe",
        corpus.path,
        "--engine",
        "asr",
        "--base-url",
        server.url,
        "--rpm",
        "40",
        "--concurrency",
        "2",
        "--chunk",
        "15",
        "--out",
        `${dir}/out`,
        "--cache",
        `${dir}/cache`,
        "--quiet",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const stats = server.stats;
      assert.equal(stats.byStatus["500"], stats.byStatus["200"]);
      assert.equal(
        stats.rateLimited,
        0,
        JSON.stringify(stats.log.map((r) => [r.status, Math.round(r.arrived), Math.round(r.at)])),
      );
      assert.ok(stats.maxInFlight <= 2, `${stats.maxInFlight} in flight`);
      const arrivals = stats.log.map((request) => request.arrived).sort((a, b) => a - b);
      // 40 a minute: 1.5 s apart, the first one free. A request this busy process stamped late makes the next gap
      // look short by as much: each gap is at least half of 1.5 s, and each two together at least 3 s (less 100 ms
      // of jitter). Two requests at once fail both.
      for (let i = 1; i < arrivals.length; i++) {
        const gap = arrivals[i]! - arrivals[i - 1]!;
        assert.ok(gap >= 750, `requests ${i - 1} and ${i}: ${gap} ms apart`);
        if (i >= 2) assert.ok(arrivals[i]! - arrivals[i - 2]! >= 2_900, `requests ${i - 2} to ${i}`);
      }
      const words = wordsOf(await readTranscript(`${dir}/out/corpus.json`));
      for (let i = 1; i < words.length; i++) assert.ok(words[i]!.start >= words[i - 1]!.start);
      // Times are absolute: each word is where one pass over the whole recording heard it.
      const single = await singlePass(corpus.path);
      const middle = (word: { start: number; end: number }) => (word.start + word.end) / 2;
      const offsets = words.flatMap((word) => {
        const match = single.find((other) =>
          other.text === word.text && Math.abs(middle(other) - middle(word)) < 0.5
        );
        return match === undefined ? [] : [Math.abs(middle(match) - middle(word))];
      }).sort((a, b) => a - b);
      assert.ok(offsets.length >= words.length * 0.85, `${offsets.length} of ${words.length} words placed`);
      assert.ok(
        offsets[Math.floor(offsets.length / 2)]! < 0.1,
        `median offset ${offsets[Math.floor(offsets.length / 2)]}`,
      );
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "a chunk that keeps failing fails its recording, naming its time range; the other recording finishes",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const corpus = await testCorpus();
    const dir = await tempDir("reel-transcribe-fail-");
    const short = `${dir}/short.wav`;
    await runFfmpeg(await findFfmpeg(), ["-i", corpus.path, "-t", "4", short]);
    // Every upload of the short recording (its one chunk is under 4 s: under 20 kB compact) answers 500.
    const server = startFakeOpenAi({
      statusFor: (_path, body) =>
        body.upload instanceof Uint8Array && body.upload.length < 20_000 ? 500 : null,
    });
    try {
      const workflow = await resolveWorkflow({
        providers: {
          asr: { api: "openai", baseUrl: server.url, retries: 2, backoff: { base: 10, cap: 20 } },
        },
        transcribe: [
          { id: "short", input: short, engine: "asr" },
          { id: "long", input: corpus.path, engine: "asr", chunk: 40 },
        ],
      }, { file: "t.ts", moduleUrl: `file://${dir}/t.ts` });
      const plan = await planResolved([workflow]);
      const { run } = await renderLoaded({ plan, workflows: [workflow] }, {
        outDir: `${dir}/out`,
        cacheDir: `${dir}/cache`,
      });
      assert.equal(run.ok, false);
      assert.deepEqual([...run.errors.keys()], ["short/split/chunk#0"]);
      assert.match(
        run.errors.get("short/split/chunk#0")!,
        /^Chunk 0:00\.0–0:04\.0 of short\.wav: asr answered 500/,
      );
      assert.equal(run.states.get("short/merge"), "skipped");
      assert.ok(wordsOf(await readTranscript(`${dir}/out/long.json`)).length > 150);
      assert.equal(server.stats.byStatus["500"], 3);
      // What `estimate` foresaw of the long recording's chunks, before anything ran: the calls the server answered,
      // give or take one (the cuts move to silences).
      const foreseen = await foreseeSpawnedWork([workflow]);
      assert.deepEqual(foreseen.map((work) => work.template), ["short/split/chunk", "long/split/chunk"]);
      assert.equal(foreseen[0]!.calls, 1);
      const answered = server.stats.byStatus["200"]!;
      assert.ok(
        answered >= 2 && Math.abs(foreseen[1]!.calls - answered) <= 1,
        `${foreseen[1]!.calls} ~ ${answered}`,
      );
    } finally {
      await server.close();
    }
  },
});

Deno.test("a refused key fails one chunk's call; the others, not sent, name it, and the summary lists them in order", async () => {
  const dir = await tempDir("reel-transcribe-refused-");
  await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=d=40", "-ac", "1", `${dir}/long.wav`]);
  const server = startFakeOpenAi({ key: "sk-the-right-key-0000000000" });
  try {
    const args = ["--engine", "asr", "--base-url", server.url, "--chunk", "10", "--concurrency", "1"];
    const run = await runCli([
      "transcribe",
      `${dir}/long.wav`,
      ...args,
      "--out",
      `${dir}/out`,
      "--cache",
      `${dir}/cache`,
      "--quiet",
    ]);
    // A key refused is bad input: exit 2 (before, 1).
    assert.equal(run.code, 2, run.stderr);
    assert.equal(server.stats.requests, 1);
    const failures = [
      ...run.stderr.matchAll(/^ {2}✖ long\/split\/chunk#(\d+) \(transcribe-chunk(, bad input)?\): (.*)$/gm),
    ];
    // In the chunks' order (before: the order they failed in).
    const numbers = failures.map((match) => Number(match[1]));
    assert.ok(numbers.length >= 4, run.stderr);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
    const refused = failures.filter((match) => !match[3]!.startsWith("Not sent: "));
    assert.equal(refused.length, 1, run.stderr);
    // The refused key is what makes the exit code 2, and is marked so.
    const [, number, bad, said] = refused[0]!;
    assert.equal(bad, ", bad input");
    assert.match(said!, /^Chunk \S+ of long\.wav: asr answered 401: .*\(OPENAI_API_KEY is not set\)$/);
    // fi9: each said the refused chunk's time range as its own.
    for (const [, other, , text] of failures.filter((match) => match !== refused[0])) {
      assert.notEqual(other, number);
      assert.equal(text, `Not sent: long/split/chunk#${number} was refused: ${said}`);
    }
  } finally {
    await server.close();
  }
});
