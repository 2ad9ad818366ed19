/**
 * Text in right-to-left scripts (Arabic, Hebrew…) mixed with left-to-right text: the direction a paragraph is
 * written in, and the order in which a line's stretches are drawn, by the Unicode Bidirectional Algorithm (UAX #9,
 * through bidi-js). A renderer that shapes each stretch on its own (resvg, with a left-to-right paragraph) is given
 * the stretches left to right, each marked right-to-left or not.
 * @module
 */
import bidiFactory, { type Bidi } from "bidi-js";

/** The direction a paragraph is written in. */
export type Direction = "ltr" | "rtl";

/** Text in one style (a run of a slide's line). */
export interface StyledText<S> {
  text: string;
  style: S;
}

/** A stretch of a line in one style and one direction, with its text in reading order. */
export interface DirectedText<S> extends StyledText<S> {
  /** Read right to left: its characters are drawn from the right. */
  rtl: boolean;
}

/** Characters of the scripts written right to left, and the marks that start right-to-left text. */
const RIGHT_TO_LEFT =
  /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

let algorithm: Bidi | null = null;
/** bidi-js, made on first use: its tables are built then (a few milliseconds), not when a module loads. */
function bidi(): Bidi {
  // Its types declare an ES module's default export; Deno loads its CommonJS build, whose export is the factory.
  algorithm ??= (bidiFactory as unknown as () => Bidi)();
  return algorithm;
}

/**
 * The direction of `text`'s first strongly directed character (a letter), as Unicode's rules P2 and P3 find a
 * paragraph's: text inside an isolate (U+2066–U+2069) is passed over.
 *
 * @param text A paragraph.
 * @returns Its direction, or null when it has no letter (digits, marks, emoji only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textDirection } from "./bidi.ts";
 * assert.equal(textDirection("Hello"), "ltr");
 * assert.equal(textDirection("1. كيف يتكون المطر؟"), "rtl");
 * assert.equal(textDirection("(2024)"), null);
 * ```
 */
export function textDirection(text: string): Direction | null {
  if (!RIGHT_TO_LEFT.test(text)) return /\p{L}/u.test(text) ? textDirectionOf(text) : null;
  return textDirectionOf(text);
}

function textDirectionOf(text: string): Direction | null {
  let isolated = 0;
  for (const char of text) {
    const type = bidi().getBidiCharTypeName(char);
    if (type === "LRI" || type === "RLI" || type === "FSI") isolated++;
    else if (type === "PDI") isolated = Math.max(0, isolated - 1);
    else if (isolated === 0 && type === "L") return "ltr";
    else if (isolated === 0 && (type === "R" || type === "AL")) return "rtl";
  }
  return null;
}

/**
 * A line's runs in the order they are drawn, left to right: split where the direction changes, and reordered by
 * the algorithm's rule L2 (a right-to-left paragraph's stretches from the right; a left-to-right word inside it
 * keeps its own order). Each stretch keeps its text in reading order: a stretch marked `rtl` is drawn from its
 * right end, and has no space at either end (its spaces are stretches of their own).
 *
 * @param line The line's runs, in reading order (one line: wrap first).
 * @param base The direction of the paragraph the line belongs to.
 * @returns The stretches, left to right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { visualOrder } from "./bidi.ts";
 * const bold = { bold: true };
 * const plain = { bold: false };
 * // "شرح **Deno** runtime مرة.": the English words keep their order inside the Arabic, read from the right.
 * const line = [{ text: "شرح ", style: plain }, { text: "Deno", style: bold }, { text: " runtime مرة.", style: plain }];
 * assert.deepEqual(visualOrder(line, "rtl"), [
 *   { text: "مرة.", style: plain, rtl: true },
 *   { text: " ", style: plain, rtl: true },
 *   { text: "Deno", style: bold, rtl: false },
 *   { text: " runtime", style: plain, rtl: false },
 *   { text: " ", style: plain, rtl: true },
 *   { text: "شرح", style: plain, rtl: true },
 * ]);
 * assert.deepEqual(visualOrder([{ text: "Hello", style: plain }], "ltr"), [
 *   { text: "Hello", style: plain, rtl: false },
 * ]);
 * ```
 */
export function visualOrder<S>(line: readonly StyledText<S>[], base: Direction): DirectedText<S>[] {
  if (base === "ltr" && !line.some((run) => RIGHT_TO_LEFT.test(run.text))) {
    return line.map((run) => ({ ...run, rtl: false }));
  }
  const { levels } = bidi().getEmbeddingLevels(line.map((run) => run.text).join(""), base);
  const stretches: (DirectedText<S> & { level: number })[] = [];
  let offset = 0;
  for (const run of line) {
    for (let start = 0; start < run.text.length;) {
      const level = levels[offset + start]!;
      let end = start + 1;
      // A surrogate pair's halves stay together, whatever levels they were given.
      while (
        end < run.text.length &&
        (levels[offset + end] === level || isLowSurrogate(run.text.charCodeAt(end)))
      ) end++;
      stretches.push({ text: run.text.slice(start, end), style: run.style, rtl: level % 2 === 1, level });
      start = end;
    }
    offset += run.text.length;
  }
  // Rule L2: from the highest level down to the lowest odd one, every sequence at that level or higher reversed.
  const highest = Math.max(...stretches.map((stretch) => stretch.level));
  const lowestOdd = Math.min(...stretches.map((stretch) => stretch.level | 1));
  for (let level = highest; level >= lowestOdd; level--) {
    for (let start = 0; start < stretches.length;) {
      if (stretches[start]!.level < level) {
        start++;
        continue;
      }
      let end = start;
      while (end < stretches.length && stretches[end]!.level >= level) end++;
      stretches.splice(start, end - start, ...stretches.slice(start, end).reverse());
      start = end;
    }
  }
  // A right-to-left stretch's spaces at either end are stretches of their own, on their side: a renderer that sets
  // the stretch in a left-to-right paragraph puts its trailing space at the right end (rule L1), against the next
  // word (an Arabic word drawn against the English one after it).
  return stretches.flatMap(({ text, style, rtl }): DirectedText<S>[] => {
    if (!rtl) return [{ text, style, rtl }];
    const [, lead, core, trail] = /^(\s*)(.*?)(\s*)$/su.exec(text)!;
    return [trail!, core!, lead!].filter((part) => part !== "").map((part) => ({ text: part, style, rtl }));
  });
}

/**
 * The marks that embed text as right to left (U+202B … U+202C): resvg and ffmpeg's `drawtext` set a text as one
 * left-to-right paragraph, which ends an Arabic sentence's full stop on the right and turns its brackets; inside
 * them the text is set right to left. Both draw the marks as nothing.
 */
export const RTL_EMBEDDING = ["\u202b", "\u202c"] as const;

/**
 * `text` as a renderer that sets every text left to right draws it in its own direction: inside
 * {@linkcode RTL_EMBEDDING} when its first letter is written right to left, else as it is.
 *
 * @param text One line or paragraph.
 * @returns The text to give the renderer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inOwnDirection } from "./bidi.ts";
 * assert.equal(inOwnDirection("Hello."), "Hello.");
 * assert.equal(inOwnDirection("שלום."), "\u202bשלום.\u202c");
 * ```
 */
export function inOwnDirection(text: string): string {
  return textDirection(text) === "rtl" ? `${RTL_EMBEDDING[0]}${text}${RTL_EMBEDDING[1]}` : text;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
