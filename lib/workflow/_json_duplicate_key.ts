/**
 * Finding a key written twice in one JSON object: `JSON.parse` keeps the last silently, so a workflow's
 * `"formats"` written twice would drop the first without a word. YAML files refuse it already (`uniqueKeys`).
 * @module
 */

/**
 * The first key written twice in one object of a JSON text that parses.
 *
 * @param text JSON text that `JSON.parse` accepts.
 * @returns The key and the offset of its second writing, or null when every object's keys differ.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duplicateJsonKey } from "./_json_duplicate_key.ts";
 * assert.deepEqual(duplicateJsonKey('{"a": 1, "b": {"a": 2}, "a": 3}'), { key: "a", offset: 24 });
 * assert.equal(duplicateJsonKey('[{"a": 1}, {"a": 2}]'), null);
 * assert.deepEqual(duplicateJsonKey('{"\\u0061": 1, "a": 2}'), { key: "a", offset: 14 });
 * ```
 */
export function duplicateJsonKey(text: string): { key: string; offset: number } | null {
  // One set of keys for each object open at this point; null for an array.
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "{") open.push(new Set());
    else if (char === "[") open.push(null);
    else if (char === "}" || char === "]") open.pop();
    else if (char === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const keys = open.at(-1);
      // A string is a key when the next character that is not blank is a colon.
      let next = i + 1;
      while (/\s/.test(text[next] ?? "")) next++;
      if (keys === undefined || keys === null || text[next] !== ":") continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (keys.has(key)) return { key, offset: start };
      keys.add(key);
    }
  }
  return null;
}
