/**
 * A count with its noun, in the plural unless it is one; names as a list.
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

/**
 * Writes names as a list: `a`, `a and b`, `a, b and c` (or `a, b or c`).
 *
 * @param names The names, in order.
 * @param last The word before the last name. @default "and"
 * @returns The list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listed } from "./plural.ts";
 * assert.equal(listed(["a"]), "a");
 * assert.equal(listed(["a", "b", "c"]), "a, b and c");
 * assert.equal(listed(["a", "b"], "or"), "a or b");
 * ```
 */
export function listed(names: readonly string[], last = "and"): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} ${last} ${names.at(-1)}`;
}
