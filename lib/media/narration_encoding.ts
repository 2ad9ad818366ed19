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
