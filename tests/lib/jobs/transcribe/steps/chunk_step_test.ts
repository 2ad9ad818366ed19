/**
 * The chunk step: which stored chunk values it serves (a text-only model's words stored before chunks said they have
 * no times would be merged by spread times, so such a value is heard again), and over HTTP a call's timeout that
 * grows with the chunk's audio when the provider's is the default, used as written when the workflow sets it.
 */
import assert from "node:assert/strict";
import { ProviderError } from "../../../../../lib/core/errors.ts";
import type { Json } from "../../../../../lib/core/json.ts";
import { chunkStep } from "../../../../../lib/jobs/transcribe/steps/chunk_step.ts";
import { runStepKind } from "../../../../_support/step_runner.ts";
import { tempDir } from "../../../../_support/temp_dir.ts";

const runtime = { from: 0, to: 80_000, sampleRate: 16_000, start: 0, end: 5, recording: "talk.wav" };
const words = [{ text: "rain", start: 0.2, end: 0.6, confidence: null }];
const openai = (timestamps: boolean): Json => ({
  engine: "openai",
  model: timestamps ? "whisper-1" : "gpt-4o-transcribe",
  language: "en",
  prompt: null,
  timestamps,
  params: {},
});

Deno.test("the chunk step hears again a text-only model's stored words that do not say they have no times", () => {
  const problem = (value: Json, params: Json) => chunkStep.storedProblem!({ value, params, runtime });
  assert.equal(
    problem({ duration: 5, words }, openai(false)),
    "Chunk 0:00.0–0:05.0 of talk.wav: its words do not say they have no times of their own (stored by an older reel)",
  );
  assert.equal(problem({ duration: 5, words, timed: false }, openai(false)), null);
  // Word-timed models' stored values, older ones included, are served as they are.
  assert.equal(problem({ duration: 5, words }, openai(true)), null);
  assert.equal(problem({ duration: 5, words }, { engine: "pocketsphinx", language: "en", params: {} }), null);
});

const RAIN = {
  text: "rain",
  duration: 10,
  segments: [{ start: 1, end: 1.5, text: "rain", avg_logprob: 0 }],
  words: [{ word: "rain", start: 1, end: 1.5 }],
};

/** A transcription server that hears as a CPU does: 0.1 s per second of audio, so 1 s for the 10-s chunk. */
function slowServer() {
  return answering(RAIN, { delay: 1_000 });
}

/** A transcription server that answers `answer` after `delay` ms. */
function answering(answer: unknown, options: { delay: number }) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.formData();
    if (options.delay > 0) await new Promise((resolve) => setTimeout(resolve, options.delay));
    return Response.json(answer);
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** Hears a chunk (10 s unless `samples` says; its upload a few bytes the server does not read), 200 ms timeout. */
async function hear(url: string, timeoutPerSecond: number, samples = 160_000): Promise<unknown> {
  const dir = await tempDir("reel-chunk-step-");
  await Deno.writeFile(`${dir}/uploads.bin`, new Uint8Array([1, 2, 3, 4]));
  return await runStepKind(chunkStep, {
    params: { engine: "openai", model: "whisper-1", language: "en", prompt: null, timestamps: true },
    inputs: [],
    outputPath: `${dir}/unused`,
    scratchDir: `${dir}/scratch`,
    runtime: {
      from: 0,
      to: samples,
      sampleRate: 16_000,
      start: 0,
      end: samples / 16_000,
      recording: "talk.wav",
      parentArtifact: `${dir}/uploads.bin`,
      upload: { offset: 0, length: 4 },
      provider: "asr",
      baseUrl: url,
      keyEnv: "REEL_TEST_UNSET_KEY",
      timeout: 200,
      timeoutPerSecond,
    },
  }).catch((error: unknown) => error);
}

Deno.test("chunk step: a default timeout grows with the chunk's audio, so a server that hears slowly answers in time", async () => {
  const server = slowServer();
  try {
    // 200 ms + 1 s per second of the 10-s chunk: the server's 1 s is in time (before: 200 ms, failed).
    assert.deepEqual(await hear(server.url, 1_000), {
      duration: 10,
      words: [{ text: "rain", start: 1, end: 1.5, confidence: 1 }],
      timed: true,
    });
  } finally {
    await server.close();
  }
});

Deno.test("chunk step: a timeout the workflow sets is used as written", async () => {
  const server = slowServer();
  try {
    const error = await hear(server.url, 0);
    assert.ok(error instanceof ProviderError, String(error));
    assert.match(error.message, /^Chunk 0:00\.0–0:10\.0 of talk\.wav: asr: no answer within 200 ms$/);
  } finally {
    await server.close();
  }
});

Deno.test("chunk step: a word a server puts past the chunk's end is stored a frame inside it, and no time rounds past the end", async () => {
  // 48.8125625 s of audio; "again" starts 0.3 s past its end (within the second a server may run over).
  const server = answering({
    text: "rain again",
    duration: 48.81,
    segments: [{ start: 47, end: 49.3, text: "rain again", avg_logprob: 0 }],
    words: [{ word: "rain", start: 47, end: 48.8125625 }, { word: "again", start: 49.1, end: 49.3 }],
  }, { delay: 0 });
  try {
    assert.deepEqual(await hear(server.url, 0, 781_001), {
      duration: 48.8125625,
      words: [
        { text: "rain", start: 47, end: 48.812, confidence: 1 },
        { text: "again", start: 48.802, end: 48.812, confidence: 1 },
      ],
      timed: true,
    });
  } finally {
    await server.close();
  }
});
