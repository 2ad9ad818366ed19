/**
 * The name a misspelled word most likely meant, for "did you mean" in messages.
 * @module
 */

/**
 * The candidate a misspelled word most likely meant: the nearest by edit distance, within a third of the word's
 * length (at least 2).
 *
 * @param word What was written.
 * @param candidates The names it may have meant.
 * @returns The nearest, or null when none is near.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closestName } from "./closest_name.ts";
 * assert.equal(closestName("shufle", ["web", "shuffle"]), "shuffle");
 * assert.equal(closestName("zzz", ["web", "shuffle"]), null);
 * assert.equal(closestName("x", ["a", "b"]), null);
 * ```
 */
export function closestName(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    // A guess shares something with the word: not every letter of the shorter one changed ("x" is not "a").
    if (distance >= Math.min(word.length, candidate.length)) continue;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The guess of {@linkcode closestName} as a message says it, ` (did you mean "espeak"?)`, or nothing.
 *
 * @param word The word that named nothing.
 * @param candidates The names it may have meant.
 * @returns The words to put after the word, or "".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { didYouMean } from "./closest_name.ts";
 * assert.equal(didYouMean("espek", ["flite", "espeak"]), ' (did you mean "espeak"?)');
 * assert.equal(didYouMean("zzz", ["flite", "espeak"]), "");
 * ```
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closestName(word, candidates);
  return guess === null ? "" : ` (did you mean "${guess}"?)`;
}
