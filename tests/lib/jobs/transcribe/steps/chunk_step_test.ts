/**
 * Which stored chunk values the chunk step serves: a text-only model's words stored before chunks said they have
 * no times would be merged by spread times, so such a value is heard again.
 */
import assert from "node:assert/strict";
import type { Json } from "../../../../../lib/core/json.ts";
import { chunkStep } from "../../../../../lib/jobs/transcribe/steps/chunk_step.ts";

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
