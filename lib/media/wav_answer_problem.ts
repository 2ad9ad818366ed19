/**
 * What is wrong with a WAV file a speech API answered, before it is decoded: a sample rate no speech has (ffmpeg
 * keeps it, and 24,000 samples at 8 Hz make a 50-minute narration), or floating-point samples that are not numbers
 * (ffmpeg turns NaN into a loud constant: a thump where the speech should be).
 * @module
 */
import { wavChunks } from "./wav_pcm.ts";

/** The sample rates speech comes at: 8 kHz telephone speech to 192 kHz studio files. */
const RATES = { min: 8000, max: 192_000 };

/**
 * Checks a WAV file's format chunk and, when its samples are floats, that every one is a finite number (an answer
 * cut short is `wavCutShort`'s to tell).
 *
 * @param bytes The whole file.
 * @returns What is wrong, as a phrase (`has samples that are not numbers`), or null when nothing is found (also
 * for a file that is not a WAV, or whose chunks cannot be followed: ffmpeg judges those).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wavAnswerProblem } from "./wav_answer_problem.ts";
 * import { pcmWav } from "./wav_pcm.ts";
 * assert.equal(wavAnswerProblem(pcmWav(new Uint8Array(64), { sampleRate: 24_000 })), null);
 * assert.match(wavAnswerProblem(pcmWav(new Uint8Array(64), { sampleRate: 8 }))!, /8 Hz/);
 * ```
 */
export function wavAnswerProblem(bytes: Uint8Array): string | null {
  const chunks = wavChunks(bytes);
  if (chunks === null || chunks.format === null) return null;
  const { format, data } = chunks;
  if (format.sampleRate < RATES.min || format.sampleRate > RATES.max) {
    return `is sampled at ${format.sampleRate} Hz (speech comes at ${RATES.min / 1000} to ${
      RATES.max / 1000
    } kHz)`;
  }
  const bits = format.bitsPerSample;
  if (data === null || format.tag !== 3 || (bits !== 32 && bits !== 64)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(bytes.length, data.offset + data.size);
  const step = bits / 8;
  for (let at = data.offset; at + step <= end; at += step) {
    const sample = bits === 32 ? view.getFloat32(at, true) : view.getFloat64(at, true);
    if (!Number.isFinite(sample)) return "has samples that are not numbers (NaN or infinite)";
  }
  return null;
}
