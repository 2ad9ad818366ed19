/**
 * The rules captions follow, as common broadcast practice writes them: short lines, at most two of them, cues long
 * enough to read and short enough to follow the speech.
 * @module
 */

/** How captions are cut and timed. */
export interface CaptionRules {
  /** The most characters a line holds (a single longer word gets a line of its own, never split). @default 42 */
  maxLineLength: number;
  /** The most lines a cue shows. @default 2 */
  maxLines: number;
  /** The shortest a cue stays on screen, in seconds. @default 1 */
  minDuration: number;
  /** The longest a cue stays on screen, in seconds. @default 7 */
  maxDuration: number;
  /** The fastest a reader is asked to read, in characters a second (spaces counted). @default 20 */
  maxCharsPerSecond: number;
}

/**
 * The default rules: 42 characters a line, 2 lines, 1–7 s a cue, 20 characters a second.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_CAPTION_RULES } from "./caption_rules.ts";
 * assert.equal(DEFAULT_CAPTION_RULES.maxLineLength, 42);
 * ```
 */
export const DEFAULT_CAPTION_RULES: Readonly<CaptionRules> = Object.freeze({
  maxLineLength: 42,
  maxLines: 2,
  minDuration: 1,
  maxDuration: 7,
  maxCharsPerSecond: 20,
});

/**
 * The length of a text as a reader counts it: characters (code points), spaces included.
 *
 * @param text The text.
 * @returns Its length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textLength } from "./caption_rules.ts";
 * assert.equal(textLength("Café — ok"), 9);
 * ```
 */
export function textLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
