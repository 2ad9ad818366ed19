/**
 * Word error rate: how far a transcript is from the text that was spoken, in word edits per reference word.
 * @module
 */

/** The word edits between a reference and a hypothesis. */
export interface WordErrorCount {
  /** Substitutions, deletions and insertions in the cheapest alignment. */
  errors: number;
  /** Words in the normalized reference. */
  referenceWords: number;
}

/**
 * Splits text into normalized words: lower case, accents dropped, hyphens and punctuation as spaces, apostrophes
 * kept inside words (`don't`) and dropped at their edges.
 *
 * @param text Any text.
 * @returns Its words, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeWords } from "./word_error_rate.ts";
 * assert.ok(normalizeWords("Don't panic, it's well-known!").join(" ") === "don't panic it's well known");
 * ```
 */
export function normalizeWords(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, " ")
    .split(" ")
    .map((word) => word.replace(/^'+|'+$/g, ""))
    .filter((word) => word !== "");
}

/**
 * Counts the word edits (Levenshtein distance over normalized words) that turn `reference` into `hypothesis`.
 *
 * @param reference The text that was spoken.
 * @param hypothesis The text a recognizer heard.
 * @returns The edits and the number of reference words; sum both over sentences for a corpus WER.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countWordErrors } from "./word_error_rate.ts";
 * const count = countWordErrors("the cat sat", "the bat sat down");
 * assert.ok(count.errors === 2 && count.referenceWords === 3);
 * ```
 */
export function countWordErrors(reference: string, hypothesis: string): WordErrorCount {
  const expected = normalizeWords(reference);
  const heard = normalizeWords(hypothesis);
  let previous = Array.from({ length: heard.length + 1 }, (_, column) => column);
  for (let row = 1; row <= expected.length; row++) {
    const current = [row];
    for (let column = 1; column <= heard.length; column++) {
      const substitution = (previous[column - 1] ?? 0) + (expected[row - 1] === heard[column - 1] ? 0 : 1);
      const deletion = (previous[column] ?? 0) + 1;
      const insertion = (current[column - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return { errors: previous[heard.length] ?? 0, referenceWords: expected.length };
}

/**
 * The word error rate of `hypothesis` against `reference`: word edits divided by reference words. 0 is perfect;
 * it can exceed 1 when the hypothesis holds many extra words.
 *
 * @param reference The text that was spoken; must hold at least one word.
 * @param hypothesis The text a recognizer heard.
 * @returns Edits per reference word.
 * @throws {RangeError} When the reference has no words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wordErrorRate } from "./word_error_rate.ts";
 * assert.ok(wordErrorRate("Hello, world!", "hello word") === 0.5);
 * ```
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const { errors, referenceWords } = countWordErrors(reference, hypothesis);
  if (referenceWords === 0) {
    throw new RangeError("Cannot compute a word error rate: the reference has no words");
  }
  return errors / referenceWords;
}
