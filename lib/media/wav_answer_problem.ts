/**
 * What is wrong with a WAV file a speech API answered, before it is decoded: a sample rate no speech has (ffmpeg
 * keeps it, and 24,000 samples at 8 Hz make a 50-minute narration), or floating-point samples that are not numbers
 * (ffmpeg turns NaN into a loud constant: a thump where the speech should be).
 * @module
 */

/** The sample rates speech comes at: 8 kHz telephone speech to 192 kHz studio files. */
const RATES = { min: 8000, max: 192_000 };

/**
 * Checks a WAV file's format chunk and, when its samples are floats, that every one is a finite number.
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
  const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || text(0) !== "RIFF" || text(8) !== "WAVE") return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let float: { bits: number } | null = null;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = text(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt " && offset + 24 <= bytes.length) {
      let tag = view.getUint16(offset + 8, true);
      const rate = view.getUint32(offset + 12, true);
      const bits = view.getUint16(offset + 22, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of its sub-format GUID.
      if (tag === 0xfffe && offset + 34 <= bytes.length) tag = view.getUint16(offset + 32, true);
      if (rate < RATES.min || rate > RATES.max) {
        return `is sampled at ${rate} Hz (speech comes at ${RATES.min / 1000} to ${RATES.max / 1000} kHz)`;
      }
      if (tag === 3 && (bits === 32 || bits === 64)) float = { bits };
    }
    if (id === "data") {
      if (float === null) return null;
      const end = Math.min(bytes.length, offset + 8 + size);
      const step = float.bits / 8;
      for (let at = offset + 8; at + step <= end; at += step) {
        const sample = float.bits === 32 ? view.getFloat32(at, true) : view.getFloat64(at, true);
        if (!Number.isFinite(sample)) return "has samples that are not numbers (NaN or infinite)";
      }
      return null;
    }
    offset += 8 + size + (size % 2);
  }
  return null;
}
