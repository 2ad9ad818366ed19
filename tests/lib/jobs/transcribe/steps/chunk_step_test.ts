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

/** A transcription server that hears as a CPU does: 0.1 s per second of audio, so 1 s for the 10-s chunk. */
function slowServer() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.formData();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return Response.json({
      text: "rain",
      duration: 10,
      segments: [{ start: 1, end: 1.5, text: "rain", avg_logprob: 0 }],
      words: [{ word: "rain", start: 1, end: 1.5 }],
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** Hears a 10-s chunk (its upload a few bytes the server does not read) with a 200 ms timeout. */
async function hear(url: string, timeoutPerSecond: number): Promise<unknown> {
  const dir = await tempDir("reel-chunk-step-");
  await Deno.writeFile(`${dir}/uploads.bin`, new Uint8Array([1, 2, 3, 4]));
  return await runStepKind(chunkStep, {
    params: { engine: "openai", model: "whisper-1", language: "en", prompt: null, timestamps: true },
    inputs: [],
    outputPath: `${dir}/unused`,
    scratchDir: `${dir}/scratch`,
    runtime: {
      from: 0,
      to: 160_000,
      sampleRate: 16_000,
      start: 0,
      end: 10,
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
