/**
 * Text segmenters, made on first use and shared: the first `Intl.Segmenter` of a process costs about 15 ms (ICU's
 * data), which every CLI start paid at module load though a render's main thread segments nothing.
 * @module
 */

import process from "node:process";

const made = new Map<"grapheme" | "word", Intl.Segmenter>();

/**
 * What cuts text into words and characters here, for the keys of steps whose bytes follow the cuts (cues, drawn
 * captions): ICU's version, as a new ICU may cut Thai or Chinese otherwise (kr2). Not Deno's: most Deno releases
 * keep their ICU.
 */
export const TEXT_SEGMENTATION = `icu:${process.versions.icu}`;

/**
 * The shared segmenter of a granularity, in a fixed locale: the words do not depend on the host's (ICU's
 * dictionaries cut Chinese, Japanese and Thai alike).
 *
 * @param granularity `grapheme` (user-perceived characters) or `word`.
 * @returns The segmenter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { segmenter } from "./segmenters.ts";
 * assert.deepEqual([...segmenter("grapheme").segment("e\u0301a")].map((s) => s.segment), ["e\u0301", "a"]);
 * assert.equal(segmenter("word"), segmenter("word"));
 * ```
 */
export function segmenter(granularity: "grapheme" | "word"): Intl.Segmenter {
  let found = made.get(granularity);
  if (found === undefined) {
    found = new Intl.Segmenter("en", { granularity });
    made.set(granularity, found);
  }
  return found;
}
