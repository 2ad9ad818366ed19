/**
 * A narration as it is said and captioned: markdown's emphasis, inline code and links as their words, as slide
 * text reads them (nt15: `**bold**` and `[link](http://x.org)` were in the captions as written, and flite said
 * "asterisk" for each mark). Emphasis is read as CommonMark reads it, between a mark after a space and one before
 * a space or a stop: `2**8`, `snake_case`, `*args and **kwargs` and a URL's `_a_` are kept; code and escaped marks
 * (`\*`) are kept as written (rv27).
 * @module
 */

/**
 * The words of a narration written with markdown's inline marks.
 *
 * @param text The narration as the workflow writes it.
 * @returns It as it is said and captioned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spokenText } from "./spoken_text.ts";
 * assert.equal(spokenText("See **this** _now_ in [the notes](http://x.org), snake_case."), "See this now in the notes, snake_case.");
 * assert.equal(spokenText("Call `__init__` with `x**2`, *args and **kwargs; 2**8 is 256."), "Call __init__ with x**2, *args and **kwargs; 2**8 is 256.");
 * assert.equal(spokenText("An \\*escaped\\* star, [Foo](https://x.org/Foo_(bar)) and https://x.org/_a_/b."), "An *escaped* star, Foo and https://x.org/_a_/b.");
 * ```
 */
export function spokenText(text: string): string {
  const kept: string[] = [];
  const keep = (literal: string) => `\uE000${kept.push(literal) - 1}\uE001`;
  let said = text
    .replace(/\\([\\`*_[\]()#+\-.!])/g, (_, mark: string) => keep(mark))
    .replace(/`([^`]+)`/g, (_, code: string) => keep(code))
    // A link's words; its address may hold parentheses (`…/Foo_(bar)`).
    .replace(/!?\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)/g, "$1");
  for (const mark of ["\\*\\*", "__", "\\*", "_"]) {
    const emphasis = new RegExp(
      `(^|[\\s(\\["'])${mark}(?=\\S)(.+?)(?<=\\S)${mark}(?=[\\s.,;:!?)\\]"']|$)`,
      "g",
    );
    said = said.replace(emphasis, "$1$2");
  }
  return said.replace(/\uE000(\d+)\uE001/g, (_, index: string) => kept[Number(index)]!);
}
