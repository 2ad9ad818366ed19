/**
 * A narration as it is said and captioned: markdown's emphasis, inline code and links as their words, as slide
 * text reads them (nt15: `**bold**` and `[link](http://x.org)` were in the captions as written, and flite said
 * "asterisk" for each mark). Emphasis is read as CommonMark reads it, between a mark after a space and one before
 * a space or a stop: `2**8`, `snake_case`, `*args and **kwargs` and a URL's `_a_` are kept; code and escaped marks
 * (`\*`) are kept as written (rv27).
 * @module
 */

// Before the opening mark: no letter, digit, accent, mark or slash (the start, a space, a bracket, any quote, a dash:
// `“*Hot*”`, `«*mot*»`; not `2**8`, `snake_case`, a path's `/_a_/`; rv40). After the closing one: no letter, digit,
// accent or mark, or stops that end the word (`*hot*.`, `*hot*.”`, not `*README*.md`).
const BEFORE = `(?<![\\p{L}\\p{N}\\p{M}*_\\\\/])`;
const AFTER = `(?=[^\\p{L}\\p{N}\\p{M}.,;:!?…*_]|[.,;:!?…]+(?![\\p{L}\\p{N}\\p{M}])|$)`;
/**
 * Strong and emphasis together (`***both***`) first, then strong marks before emphasis, stars before underscores;
 * across lines too (`s`): a YAML narration's block keeps its line breaks. Made once: each is compiled at its first
 * use, about half a millisecond (12 sections, 7 ms).
 */
const EMPHASIS: readonly RegExp[] = ["\\*\\*\\*", "___", "\\*\\*", "__", "\\*", "_"].map((mark) =>
  new RegExp(`${BEFORE}${mark}(?=\\S)((?:(?!${mark}).)+?)(?<=\\S)${mark}${AFTER}`, "gsu")
);

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
 * const said = (text: string) => spokenText(text);
 * assert.equal(said("See **this** _now_ in [the notes](http://x.org)."), "See this now in the notes.");
 * assert.equal(said("Call `__init__` with `x**2`; *args, 2**8"), "Call __init__ with x**2; *args, 2**8");
 * assert.equal(said("An \\*escaped\\* star, [Foo](x.org/F_(b)), x/_a_/b"), "An *escaped* star, Foo, x/_a_/b");
 * // A mark before a stop closes only where the stop ends a word (rv38: "_config.yml" lost its mark).
 * assert.equal(said("Open *README*.md, _config.yml, *hot*… *hot*."), "Open *README*.md, _config.yml, hot… hot.");
 * assert.equal(said("“It is *the best*.” *Hot*—really, **no**.*"), "“It is the best.” Hot—really, no.*");
 * assert.equal(said("“*Hot*” she said, «*mot*», ¿*Qué*?"), "“Hot” she said, «mot», ¿Qué?");
 * assert.equal(said("***Both*** and _**both**_, **a *b* c**"), "Both and both, a b c");
 * ```
 */
export function spokenText(text: string): string {
  const kept: string[] = [];
  const keep = (literal: string) => `\uE000${kept.push(literal) - 1}\uE001`;
  let said = text
    // The private-use characters that hold a kept literal's place, written in the narration itself, are kept too.
    .replace(/[\uE000\uE001]/g, keep)
    .replace(/\\([\\`*_[\]()#+\-.!])/g, (_, mark: string) => keep(mark))
    .replace(/`([^`]+)`/g, (_, code: string) => keep(code))
    // A link's words; its address may hold parentheses (`…/Foo_(bar)`).
    .replace(/!?\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)/g, "$1");
  // Until none is left: marks inside others' (`_**both**_`, `**a *b* c**`), whatever their order above. Each
  // round drops two marks at least, so it ends.
  for (let before = ""; before !== said;) {
    before = said;
    for (const emphasis of EMPHASIS) said = said.replace(emphasis, "$1");
  }
  return said.replace(/\uE000(\d+)\uE001/g, (_, index: string) => kept[Number(index)]!);
}
