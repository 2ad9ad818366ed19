/**
 * The rules captions follow, as common broadcast practice writes them: short lines, at most two of them, cues long
 * enough to read and short enough to follow the speech.
 * @module
 */

/** How captions are cut and timed. */
export interface CaptionRules {
  /** The most characters a line holds (see `textLength`; a longer word is cut into pieces that fit). @default 42 */
  maxLineLength: number;
  /** The most lines a cue shows. @default 2 */
  maxLines: number;
  /** The shortest a cue stays on screen, in seconds. @default 1 */
  minDuration: number;
  /** The longest a cue stays on screen, in seconds. @default 7 */
  maxDuration: number;
  /**
   * The fastest a reader is asked to read, in characters a second as `textLength` counts them (spaces counted; a
   * Chinese or Japanese character as two: about 10 of them a second, as subtitlers of those languages allow).
   * @default 20
   */
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

/** Characters as wide as two letters: Chinese, Japanese and Korean, full-width forms, emoji. */
const WIDE = new RegExp(
  `[${["Han", "Hiragana", "Katakana", "Hangul"].map((name) => `\\p{Script=${name}}`).join("")}` +
    "\\u3000-\\u303f\\uff01-\\uff60\\uffe0-\\uffe6\\p{Emoji_Presentation}]",
  "u",
);
/**
 * Characters that take no room of their own: marks set on the letter before (not the spacing vowel signs of Hindi
 * or Tamil, which take room), format characters (joiners), variation selectors.
 */
const NO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\ufe0e\ufe0f]/u;

/**
 * The length of a text as a line holds it: characters (code points), spaces included, a wide one (Chinese,
 * Japanese, Korean, full-width forms, emoji) counted as two and a combining mark or a joiner as none, as a
 * terminal or a subtitle editor counts columns.
 *
 * @param text The text.
 * @returns Its length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textLength } from "./caption_rules.ts";
 * assert.equal(textLength("Café — ok"), 9);
 * assert.equal(textLength("你好, ok"), 8);
 * assert.equal(textLength("Cafe\u0301"), 4);
 * assert.equal(textLength("हिंदी"), 4); // its vowel signs take room, its nasal mark none
 * ```
 */
export function textLength(text: string): number {
  let length = 0;
  for (const character of text) length += NO_WIDTH.test(character) ? 0 : WIDE.test(character) ? 2 : 1;
  return length;
}
