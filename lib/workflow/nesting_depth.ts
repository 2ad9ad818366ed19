/**
 * How deeply a YAML workflow's maps and sequences nest (the limit and the other checks are `nesting_limit.ts`'s):
 * the parser reads 100,000 levels, but the schema's checks and messages recurse through the value, and the stack
 * ran out (a crash with a stack trace, not a message). No workflow needs ten levels.
 * @module
 */
import { isMap, isPair, isSeq } from "yaml";
import { MAX_NESTING_DEPTH } from "./nesting_limit.ts";

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
