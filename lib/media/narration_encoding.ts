/**
 * How narration is stored: AAC-LC, 48 kHz mono, encoded once per video and copied into every format.
 * @module
 */

/** The narration's sample rate: 48 kHz, what video platforms expect. */
export const NARRATION_SAMPLE_RATE = 48_000;

/**
 * ffmpeg output options that encode narration (`-aac_coder fast`: several times faster than the default coder).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NARRATION_AAC_ARGS } from "./narration_encoding.ts";
 * assert.ok(NARRATION_AAC_ARGS.includes("aac"));
 * ```
 */
export const NARRATION_AAC_ARGS: readonly string[] = [
  "-ac",
  "1",
  "-ar",
  String(NARRATION_SAMPLE_RATE),
  "-c:a",
  "aac",
  "-aac_coder",
  "fast",
  "-b:a",
  "96k",
  "-f",
  "mp4",
];

/**
 * Seconds of narration an AAC encoder takes at least when the track is encoded in parts on several encoders at once
 * (`aac_parts.ts`). Each part costs an ffmpeg start (0.15 CPU-s here) and its share of the join, paid in a batch
 * too, where no core is idle to gain from it: parts of 40 s made a batch of 98-s lessons 12% dearer a section (237
 * to 266 ms of CPU). Parts of two minutes leave lessons under four minutes whole and split the long ones, whose
 * encode a re-render waits for.
 */
export const NARRATION_PART_SECONDS = 120;
