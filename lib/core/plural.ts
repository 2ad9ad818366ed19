/**
 * A count with its noun, in the plural unless it is one.
 * @module
 */

/**
 * Writes a count with its noun: `1 section`, `2 sections`.
 *
 * @param count How many.
 * @param word The noun, singular.
 * @param many Its plural. @default word + "s"
 * @returns The count and the noun.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plural } from "./plural.ts";
 * assert.equal(plural(1, "worker"), "1 worker");
 * assert.equal(plural(0, "step"), "0 steps");
 * assert.equal(plural(2, "entry", "entries"), "2 entries");
 * ```
 */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
