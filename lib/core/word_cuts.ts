/**
 * Where a word wider than a line is best cut, for captions and slides alike: after a run of the marks a web address
 * or a compound is made of (`/`, `.`, `-`, `_`, `?`, `&`, `=`, `#`), never inside such a run (`https:/` / `/`).
 * @module
 */

/** The marks after whose run a long word may be cut. */
export const WORD_CUT_MARK = /[/.\-_?&=#]/u;

/**
 * Splits a word after each run of {@linkcode WORD_CUT_MARK}s.
 *
 * @param word A word (no white space).
 * @returns Its pieces, in order: joined, the word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cutAtMarks } from "./word_cuts.ts";
 * assert.deepEqual(cutAtMarks("https://a.b/c-d"), ["https://", "a.", "b/", "c-", "d"]);
 * assert.deepEqual(cutAtMarks("word"), ["word"]);
 * ```
 */
export function cutAtMarks(word: string): string[] {
  return word.split(/(?<=[/.\-_?&=#])(?=[^/.\-_?&=#])/u);
}
