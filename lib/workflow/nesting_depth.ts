/**
 * How deeply a data workflow's objects and lists may nest: `JSON.parse` reads 100,000 brackets, but the schema's
 * checks and messages recurse through the value, and the stack ran out (a crash with a stack trace, not a
 * message). No workflow needs ten levels.
 * @module
 */
import { isMap, isPair, isSeq } from "yaml";

import { MAX_NESTING_DEPTH } from "./nesting_limit.ts";

export { MAX_NESTING_DEPTH, TOO_DEEP_MESSAGE } from "./nesting_limit.ts";

/**
 * The first bracket of a JSON text that opens a level deeper than {@linkcode MAX_NESTING_DEPTH}. Brackets inside
 * strings are not counted; the text need not be valid JSON (it is checked before it is parsed).
 *
 * @param text The text.
 * @returns The bracket's offset, or null when no level is too deep.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tooDeepInJson } from "./nesting_depth.ts";
 * assert.equal(tooDeepInJson(`{"a": ${"[".repeat(99)}${"]".repeat(99)}}`), null);
 * assert.equal(tooDeepInJson(`{"a": ${"[".repeat(100)}`), 105);
 * assert.equal(tooDeepInJson(`{"a": "${"[".repeat(100)}"}`), null);
 * ```
 */
export function tooDeepInJson(text: string): number | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "{" || char === "[") {
      if (++depth > MAX_NESTING_DEPTH) return i;
    } else if (char === "}" || char === "]") depth = Math.max(0, depth - 1);
    else if (char === '"') {
      // Past the string (and its escapes): brackets inside it do not nest.
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") i++;
      }
    }
  }
  return null;
}

/**
 * The first map or sequence of a parsed YAML document that opens a level deeper than
 * {@linkcode MAX_NESTING_DEPTH}, found without recursion.
 *
 * @param contents The document's contents.
 * @returns Its offset in the source, or null when no level is too deep.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDocument } from "yaml";
 * import { tooDeepInYaml } from "./nesting_depth.ts";
 * assert.equal(tooDeepInYaml(parseDocument(`a: ${"[".repeat(99)}${"]".repeat(99)}`).contents), null);
 * assert.equal(tooDeepInYaml(parseDocument(`a: ${"[".repeat(100)}${"]".repeat(100)}`).contents), 102);
 * ```
 */
export function tooDeepInYaml(contents: unknown): number | null {
  const pending: { node: unknown; depth: number }[] = [{ node: contents, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_NESTING_DEPTH) return node.range?.[0] ?? 0;
    // Last first, so the first item is looked at first.
    for (const item of [...node.items].reverse()) {
      if (isPair(item)) {
        pending.push({ node: item.value, depth: depth + 1 }, { node: item.key, depth: depth + 1 });
      } else pending.push({ node: item, depth: depth + 1 });
    }
  }
  return null;
}
