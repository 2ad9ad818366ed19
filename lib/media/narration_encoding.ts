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
 * (`aac_parts.ts`): an ffmpeg costs about a tenth of a CPU-second to start, a minute of speech about half a second
 * to encode, so a part of 40 s keeps that cost near a tenth while a lesson of a few minutes has cores' worth of parts.
 */
export const NARRATION_PART_SECONDS = 40;
