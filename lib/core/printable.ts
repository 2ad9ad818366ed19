/**
 * Text safe to print on a terminal.
 * @module
 */

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print on a terminal: a control character a message quotes from a file (a NUL, an escape that would
 * move the cursor or change colours, a C1 control, a bidi mark or override that reorders the line, a Unicode line
 * or paragraph separator) is written as its code, `\x1b` or `\u202e`; line breaks and tabs stay.
 *
 * @param text What is to be printed.
 * @returns The text with its control characters written as codes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printable } from "./printable.ts";
 * assert.equal(printable("a\x1b[2Jb\n\tc"), "a\\x1b[2Jb\n\tc");
 * assert.equal(printable("a\u202eb\u2028c"), "a\\u202eb\\u2028c");
 * ```
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
