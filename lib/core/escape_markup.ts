/**
 * Escaping text for markup: SVG (slides) and HTML (the run report) alike, in element content and in quoted
 * attribute values.
 * @module
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Replaces `& < > " '` with entities and drops the control characters XML cannot hold, so any text (a title, a
 * step id, an error message) reads as text.
 *
 * @param text The text.
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMarkup } from "./escape_markup.ts";
 * assert.equal(escapeMarkup(`Fish & "chips" <b>\u0007`), "Fish &amp; &quot;chips&quot; &lt;b&gt;");
 * ```
 */
export function escapeMarkup(text: string): string {
  // deno-lint-ignore no-control-regex -- these are exactly the characters XML 1.0 forbids
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
