/**
 * Punctuation written apart from its word (French sets `!`, `?`, `;`, `:` and `« »` so; a dialogue's dash; `30 %`):
 * which written words of a text hold to the word before them or after them, so that neither a caption nor a slide
 * starts a line with a lone `?` or ends one with a lone `«`.
 * @module
 */

/** Marks that may close a sentence or a clause after its full stop or comma (quotes, brackets), and spaces. */
export const CLOSERS = `"'”’)\\]」』»\\s`;
/** A sentence's end: its full stop, question or exclamation mark, then closing marks. */
export const SENTENCE_END: RegExp = new RegExp(`[.!?…。！？؟।۔][${CLOSERS}]*$`);
/** A written word of marks that close what comes before them (`!`, `?`, `;`, `»`, `)`, `%`), not `§` or `•`. */
const CLOSING = /^[\p{Pe}\p{Pf}!?.,;:…%‰‱؟،؛۔。、，；：！？"']+$/u;
/** A written word of marks that open what follows them (`«`, `(`, `¿`, `„`). */
const OPENING = /^[\p{Ps}\p{Pi}¿¡"']+$/u;
const DASH = /^(?:—|–|-|--)$/;
/** The marks that close each opening quotation mark: German's `„` closes with `“`. */
const CLOSES: Readonly<Record<string, string>> = {
  "„": "“”",
  "‚": "‘’",
  "«": "»",
  "“": "”",
  "‘": "’",
  "‹": "›",
  '"': '"',
  "'": "'",
};

/** How a written word holds to its neighbours: to the word `before` it, the word `after` it, or to `neither`. */
export type MarkJoin = "before" | "after" | "neither";

/**
 * How each written word (a run without white space) of a paragraph holds to its neighbours: a word of closing marks
 * to the word before it, a word of opening marks to the word after it, a quotation mark that closes the one last
 * opened to the word before it (`„ Ja “`: the `“` closes), a lone dash to the word before it inside a sentence and
 * to the word after it where a sentence starts (a dialogue's `— Oui`), a hyphen before a number and after none (a
 * minus) to the number. Marks at the paragraph's edge with no word on their side hold to the other.
 *
 * @param tokens The paragraph's written words, in order.
 * @returns One join a word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markJoins } from "./marks.ts";
 * const french = markJoins(["Bonjour", "!", "«", "Oui", "»"]);
 * assert.deepEqual(french, ["neither", "before", "after", "neither", "before"]);
 * const dialogue = markJoins(["—", "Oui,", "dit-il.", "—", "Non"]);
 * assert.deepEqual(dialogue, ["after", "neither", "neither", "after", "neither"]);
 * assert.deepEqual(markJoins(["Er", "sagte", "„", "Ja", "“", "und"]).slice(2, 5), ["after", "neither", "before"]);
 * ```
 */
export function markJoins(tokens: readonly string[]): MarkJoin[] {
  const open: string[] = [];
  const joins = tokens.map((token, i): MarkJoin => {
    // A word of marks one of which closes the quotation last opened (German's `“` is an opening mark elsewhere;
    // `."` closes too).
    if (
      open.length > 0 && /^\p{P}+$/u.test(token) &&
      [...token].some((char) => CLOSES[open.at(-1)!]!.includes(char))
    ) {
      open.pop();
      return "before";
    }
    // A hyphen before a number and not after one is a minus (`- 5`, not `10 - 20`): it holds to the number.
    if (token === "-" && /^\p{Nd}/u.test(tokens[i + 1] ?? "") && !/\p{Nd}$/u.test(tokens[i - 1] ?? "")) {
      return "after";
    }
    // A dash that starts a sentence (a dialogue's reply) holds to what follows, one inside it to what precedes.
    if (DASH.test(token)) return i === 0 || SENTENCE_END.test(tokens[i - 1]!) ? "after" : "before";
    if (OPENING.test(token)) {
      for (const char of token) if (char in CLOSES) open.push(char);
      return "after";
    }
    return CLOSING.test(token) ? "before" : "neither";
  });
  // Marks with no word on their side hold to the other one.
  for (let i = 0; i < joins.length && joins[i] === "before"; i++) joins[i] = "after";
  for (let i = joins.length - 1; i >= 0 && joins[i] === "after"; i--) joins[i] = "before";
  return joins;
}
