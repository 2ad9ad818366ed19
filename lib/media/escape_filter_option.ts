/**
 * Escaping a value for an ffmpeg filtergraph option, e.g. a file path in `flite=textfile=<path>`.
 * @module
 */

const SAFE = /[A-Za-z0-9/._-]/;

/**
 * Escapes `value` so that it reaches a filter option unchanged: once for the option parser (`:` separates
 * options) and once for the filtergraph parser (`,;[]` separate filters). Every character outside `[A-Za-z0-9/._-]`
 * gets a backslash at each level, which ffmpeg's tokenizer accepts for any character.
 *
 * @param value The raw value, e.g. a path.
 * @returns The escaped value, to put after `option=` in a filtergraph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeFilterOption } from "./escape_filter_option.ts";
 * assert.equal(escapeFilterOption("/tmp/a b.txt"), "/tmp/a\\\\\\ b.txt");
 * ```
 */
export function escapeFilterOption(value: string): string {
  return escapeLevel(escapeLevel(value));
}

function escapeLevel(value: string): string {
  let escaped = "";
  for (const character of value) escaped += SAFE.test(character) ? character : `\\${character}`;
  return escaped;
}
