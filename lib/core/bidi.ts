/**
 * Text in right-to-left scripts (Arabic, Hebrew…) mixed with left-to-right text: the direction a paragraph is
 * written in, and the order in which a line's stretches are drawn, by the Unicode Bidirectional Algorithm (UAX #9,
 * through bidi-js). A renderer that shapes each stretch on its own (resvg, with a left-to-right paragraph) is given
 * the stretches left to right, each marked right-to-left or not.
 * @module
 */
import type { Bidi } from "bidi-js";
// Its ES module build, not the CommonJS one the package names: a worker that loads no other CommonJS module paid
// about 35 ms for the CommonJS loader (as opentype.js's, see `_fonts.ts`).
import bidiFactory from "bidi-js/dist/bidi.mjs";
import { segmenter } from "./segmenters.ts";

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

/** The scripts whose letters join. */
const JOINING_SCRIPTS = ["Arabic", "Syriac", "Nko", "Mongolian", "Adlam", "Mandaic", "Hanifi_Rohingya"];

/**
 * A letter of a script whose letters join (Arabic, Syriac, N'Ko, Mongolian, Adlam…), or the tatweel that stretches
 * a join: a word of them must be drawn in one font, whole, or its letters do not join (an Urdu word whose ہ only a
 * fallback font has was drawn in pieces, its letters apart, nw2).
 */
export const JOINING_LETTER: RegExp = new RegExp(
  `[${JOINING_SCRIPTS.map((script) => `\\p{Script=${script}}`).join("")}\\u0640]`,
  "u",
);

/**
 * A word of joining letters: such letters, with the marks set on them (Arabic's vowel marks belong to no script of
 * their own: rv19) and the joiners between them. Global: for `replace` and `matchAll`.
 */
export const JOINING_WORD: RegExp = new RegExp(
  `${JOINING_LETTER.source}(?:${JOINING_LETTER.source}|[\\p{M}\\u200c\\u200d])*`,
  "gu",
);

/** Characters of the scripts written right to left, and the marks that start right-to-left text. */
const RIGHT_TO_LEFT =
  /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

let algorithm: Bidi | null = null;
/** bidi-js, made on first use: its tables are built then (a few milliseconds), not when a module loads. */
function bidi(): Bidi {
  // The build has no types of its own: the package's describe the factory.
  algorithm ??= (bidiFactory as () => Bidi)();
  return algorithm;
}

/**
 * The direction most of `text`'s words are written in (a word's is its first letter's), its first word's on a tie;
 * text inside an isolate (U+2066–U+2069) is passed over. Unicode's rules P2 and P3 take the first letter's alone: an
 * Arabic line that opens with a product name ("Python لغة برمجة سهلة.") was then set left to right, its full stop
 * on the right (nw2).
 *
 * @param text A paragraph, or every paragraph of a slide.
 * @returns Its direction, or null when it has no letter (digits, marks, emoji only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textDirection } from "./bidi.ts";
 * assert.equal(textDirection("Hello"), "ltr");
 * assert.equal(textDirection("1. كيف يتكون المطر؟"), "rtl");
 * assert.equal(textDirection("Python لغة برمجة سهلة."), "rtl");
 * assert.equal(textDirection("The word שלום means peace."), "ltr");
 * assert.equal(textDirection("(2024)"), null);
 * ```
 */
export function textDirection(text: string): Direction | null {
  if (!RIGHT_TO_LEFT.test(text)) return /\p{L}/u.test(text) ? "ltr" : null;
  const words = wordDirections(text);
  const balance = words.reduce((sum, direction) => sum + (direction === "rtl" ? 1 : -1), 0);
  return balance === 0 ? words[0] ?? null : balance > 0 ? "rtl" : "ltr";
}

/**
 * The direction of a paragraph inside text written in `context` (a slide's, a video's captions'): the context's
 * when the paragraph has a word written so (a Hebrew bullet that names Deno and its runtime reads from the right on
 * a Hebrew slide), else its own (an English bullet there reads left to right), else the context's.
 *
 * @param text The paragraph.
 * @param context The direction of the text around it.
 * @returns Its direction.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { directionIn } from "./bidi.ts";
 * assert.equal(directionIn("שלום Deno runtime עולם.", "rtl"), "rtl");
 * assert.equal(directionIn("English, set left to right.", "rtl"), "ltr");
 * assert.equal(directionIn("The word שלום means peace.", "ltr"), "ltr");
 * assert.equal(directionIn("123", "rtl"), "rtl");
 * ```
 */
export function directionIn(text: string, context: Direction): Direction {
  if (!RIGHT_TO_LEFT.test(text)) return context === "ltr" || !/\p{L}/u.test(text) ? context : "ltr";
  const words = wordDirections(text);
  return words.includes(context) ? context : words[0] ?? context;
}

/** The direction of each word of `text` outside isolates, in order: its first strongly directed letter's. */
function wordDirections(text: string): Direction[] {
  const words: Direction[] = [];
  let isolated = 0;
  let inWord = false;
  for (const char of text) {
    const type = bidi().getBidiCharTypeName(char);
    if (type === "LRI" || type === "RLI" || type === "FSI") isolated++;
    else if (type === "PDI") isolated = Math.max(0, isolated - 1);
    const strong = isolated === 0 && (type === "L" || type === "R" || type === "AL");
    if (strong && !inWord) words.push(type === "L" ? "ltr" : "rtl");
    inWord = strong || (inWord && type === "NSM");
  }
  return words;
}

/** Options for {@linkcode visualOrder}. */
export interface VisualOrderOptions<S> {
  /**
   * Whether runs in `style` read left to right on their own, whatever surrounds them (code: `print()` inside Arabic
   * stays `print()`), as inside U+2066 … U+2069. @default none
   */
  leftToRight?: (style: S) => boolean;
}

/**
 * A line's runs in the order they are drawn, left to right: split where the direction changes, and reordered by
 * the algorithm's rule L2 (a right-to-left paragraph's stretches from the right; a left-to-right word inside it
 * keeps its own order). Each stretch keeps its text in reading order: a stretch marked `rtl` is drawn from its
 * right end, and has no space at either end (its spaces are stretches of their own).
 *
 * @param line The line's runs, in reading order (one line: wrap first).
 * @param base The direction of the paragraph the line belongs to.
 * @param options Runs that read left to right whatever surrounds them.
 * @returns The stretches, left to right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { visualOrder } from "./bidi.ts";
 * const [bold, plain] = [{ bold: true }, { bold: false }];
 * // "شرح **Deno** runtime مرة.": the English words keep their order inside the Arabic, read from the right.
 * const line = [
 *   { text: "شرح ", style: plain },
 *   { text: "Deno", style: bold },
 *   { text: " runtime مرة.", style: plain },
 * ];
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
export function visualOrder<S>(
  line: readonly StyledText<S>[],
  base: Direction,
  options: VisualOrderOptions<S> = {},
): DirectedText<S>[] {
  if (base === "ltr" && !line.some((run) => RIGHT_TO_LEFT.test(run.text))) {
    return line.map((run) => ({ ...run, rtl: false }));
  }
  const levels = lineLevels(line, { base, leftToRight: options.leftToRight ?? (() => false) });
  const stretches: (DirectedText<S> & { level: number })[] = [];
  let offset = 0;
  for (const run of line) {
    for (let start = 0; start < run.text.length;) {
      const level = levels[offset + start]!;
      let end = start + 1;
      // A surrogate pair's halves stay together.
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
 * them the text is set right to left. Both draw the marks as nothing where the font has them.
 */
export const RTL_EMBEDDING = ["\u202b", "\u202c"] as const;
/** The marks that embed text as left to right (U+202A … U+202C). */
export const LTR_EMBEDDING = ["\u202a", "\u202c"] as const;
/** The Arabic letter mark (U+061C): a right-to-left letter of no ink. */
const ALM = "\u061c";
/**
 * How a renderer is told a line's direction: `embedding`, each line inside {@linkcode RTL_EMBEDDING} (or its
 * left-to-right twin, where a left-to-right line holds right-to-left words: for libass, which otherwise takes a
 * line's first letter's direction), or `ends`, for a font without those marks (`drawtext` drew them in Noto Sans
 * Arabic as boxes, and its right-to-left mark as a mark: nw3): a right-to-left line's marks at its ends are moved to
 * where a left-to-right paragraph draws the other end's (a closing `!` first, an opening `«` last, mirrored), so
 * that a line of one right-to-left script reads as in a right-to-left paragraph.
 */
export type DirectionMarks = "embedding" | "ends";

/**
 * `text` marked so that a renderer that sets every line left to right (or in its first letter's direction) draws
 * it in its own direction: each line in the direction of the whole (see {@linkcode textDirection}, or
 * {@linkcode directionIn} given the direction of the text around it; an embedding ends at a line break).
 *
 * @param text A caption or an overlay, its lines separated by `\n`.
 * @param options The direction of the text around it (a video's other captions), if any, the marks to use
 *   (`embedding` unless said), and, for `ends`, whether the font has the Arabic letter mark to open a line that opens
 *   with a number (true unless said; without it, such a number stays on the left).
 * @returns The text to give the renderer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inOwnDirection } from "./bidi.ts";
 * assert.equal(inOwnDirection("Hello."), "Hello.");
 * assert.equal(inOwnDirection("שלום.\nPython עולם"), "\u202bשלום.\u202c\n\u202bPython עולם\u202c");
 * assert.equal(inOwnDirection("Say שלום to them", { context: "ltr" }), "\u202aSay שלום to them\u202c");
 * assert.equal(inOwnDirection("«یہ کتاب ہے!»", { marks: "ends" }), "«!یہ کتاب ہے»");
 * ```
 */
export function inOwnDirection(
  text: string,
  options: { context?: Direction; marks?: DirectionMarks; letterMark?: boolean } = {},
): string {
  const { context, marks = "embedding", letterMark = true } = options;
  const direction = context === undefined ? textDirection(text) : directionIn(text, context);
  return text.split("\n").map((line) => {
    if (direction === "rtl") {
      return marks === "ends" ? endsMoved(line, letterMark) : `${RTL_EMBEDDING[0]}${line}${RTL_EMBEDDING[1]}`;
    }
    return marks === "embedding" && RIGHT_TO_LEFT.test(line)
      ? `${LTR_EMBEDDING[0]}${line}${LTR_EMBEDDING[1]}`
      : line;
  }).join("\n");
}

/** Bidirectional classes of the marks {@linkcode endsMoved} moves: other neutrals, spaces, separators. */
const MOVED = new Set(["ON", "WS", "S", "CS", "ES"]);

/**
 * A right-to-left line's neutral marks at either end, moved to the other, each run in the order and the form (a
 * bracket mirrored) a right-to-left paragraph draws it in; a line that opens with a number (`۱۹۴۷ میں…`) opens with
 * the Arabic letter mark too, or a left-to-right paragraph would set the number apart on the left (rv20). A
 * left-to-right paragraph then draws the line as a right-to-left one would.
 */
function endsMoved(line: string, letterMark: boolean): string {
  const chars = [...line];
  const moved = (char: string) => MOVED.has(bidi().getBidiCharTypeName(char));
  // Reversed by grapheme cluster: an emoji's skin tone stays after it.
  const drawn = (run: string[]) =>
    Array.from(
      segmenter("grapheme").segment(run.map((char) => bidi().getMirroredCharacter(char) ?? char).join("")),
    )
      .map(({ segment }) => segment).reverse().join("");
  let start = 0;
  while (start < chars.length && moved(chars[start]!)) start++;
  let end = chars.length;
  while (end > start && moved(chars[end - 1]!)) end--;
  // Marks alone: read from the right.
  if (start === end) return drawn(chars);
  const core = chars.slice(start, end).join("");
  const opensWithNumber = ["EN", "AN", "ET"].includes(bidi().getBidiCharTypeName(chars[start]!));
  return `${drawn(chars.slice(end))}${opensWithNumber && letterMark ? ALM : ""}${core}${
    drawn(chars.slice(0, start))
  }`;
}

/** Left-to-right isolate (U+2066) and pop directional isolate (U+2069). */
const [LRI, PDI] = ["\u2066", "\u2069"];
/** A character of each bidirectional class below U+10000, to stand in for characters above it. */
const STAND_INS: Readonly<Record<string, string>> = {
  L: "a",
  R: "\u05d0",
  AL: "\u0627",
  EN: "0",
  ES: "+",
  ET: "$",
  AN: "\u0660",
  CS: ",",
  NSM: "\u0300",
  BN: "\u200b",
  WS: " ",
};

/**
 * The embedding level of each UTF-16 unit of a line. bidi-js is given a stand-in of the line: each character above
 * U+FFFF as two of a character of its class below it (bidi-js types each UTF-16 unit alone, and took both halves
 * of one for a letter written left to right: an emoji between two Arabic words reversed them, rv18), and each run
 * in a left-to-right style inside U+2066 … U+2069.
 */
function lineLevels<S>(
  line: readonly StyledText<S>[],
  options: { base: Direction; leftToRight: (style: S) => boolean },
): number[] {
  const { base, leftToRight } = options;
  let text = "";
  const at: number[] = [];
  for (const run of line) {
    const isolated = leftToRight(run.style);
    if (isolated) text += LRI;
    for (const char of run.text) {
      if (char.length === 1) {
        at.push(text.length);
        text += char;
        continue;
      }
      const standIn = STAND_INS[bidi().getBidiCharTypeName(char)] ?? "!";
      at.push(text.length, text.length + 1);
      text += standIn + standIn;
    }
    if (isolated) text += PDI;
  }
  const { levels } = bidi().getEmbeddingLevels(text, base);
  return at.map((index) => levels[index]!);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
