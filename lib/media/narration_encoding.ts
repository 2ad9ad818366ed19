/**
 * How narration is stored: AAC, 48 kHz mono, encoded once and copied into every clip.
 * @module
 */

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
  "48000",
  "-c:a",
  "aac",
  "-aac_coder",
  "fast",
  "-b:a",
  "96k",
  "-f",
  "mp4",
];
