/**
 * Line wrapping of styled text measured with the real fonts: at spaces, between Chinese and Japanese characters
 * (which have no spaces), and inside a word that is wider than a line on its own. A word may change style in the
 * middle (`**bold**ly`) and stays one word.
 * @module
 */
import { markJoins } from "../../../core/marks.ts";
import { cutAtMarks, WORD_CUT_MARK } from "../../../core/word_cuts.ts";
import { segmenter } from "../../../core/segmenters.ts";

/** Text in one style. Styles are compared by identity, so callers use one object per style. */
export interface StyledRun<S> {
  text: string;
  style: S;
}

/** The width in pixels of `text` set in `style`. */
export type MeasureRun<S> = (text: string, style: S) => number;

/** Characters written without spaces, so a line may break before or after each: Han, kana, CJK punctuation. */
const CJK_CHARACTERS =
  "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u3000-\\u303f\\uff00-\\uffef";
const CJK = new RegExp(`^[${CJK_CHARACTERS}]`, "u");
/** A word with a Chinese or Japanese character, the only words that break inside. */
const HOLDS_CJK = new RegExp(`[${CJK_CHARACTERS}]`, "u");
/** Characters a line must not start with: closing marks, small kana, the prolonged sound mark. */
const NO_BREAK_BEFORE =
  /^[、。，．・：；？！ー）」』】〕〉》〙〗〟’”〜…‥々ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ,.!?:;)\]}%]/u;
/** Characters a line must not end with: opening marks. */
const NO_BREAK_AFTER = /[（「『【〔〈《〘〖〝‘“([{]$/u;

/** An unbreakable stretch of the text, `[start, end)`, and whether a space comes before it. */
interface Piece {
  start: number;
  end: number;
  spaced: boolean;
}

/** The text and the style of each of its UTF-16 code units. */
interface Flat<S> {
  text: string;
  styles: S[];
}

/**
 * Splits styled text into lines no wider than `maxWidth` pixels; runs of whitespace collapse to one space, set in
 * the style of the whitespace's first character. Chinese and Japanese text breaks between characters, except before
 * closing punctuation and after opening punctuation. A word wider than a line is cut after the last `/`, `.`, `-`,
 * `_`, `?`, `&`, `=` or `#` that fits (a web address, a compound), else between characters (see
 * {@linkcode breaksWord}: a layout shrinks its text before it lets this happen). Text with nothing but whitespace
 * gives no lines.
 */
export function wrapRuns<S>(
  runs: readonly StyledRun<S>[],
  measure: MeasureRun<S>,
  maxWidth: number,
): StyledRun<S>[][] {
  const flat = flatten(runs);
  const lines: StyledRun<S>[][] = [];
  let line: StyledRun<S>[] = [];
  const queue = [...pieces(flat.text)];
  for (let piece = queue.shift(); piece !== undefined; piece = queue.shift()) {
    const text = slice(flat, piece.start, piece.end);
    const candidate = line.length === 0 ? text : [
      ...line,
      ...piece.spaced ? [{ text: " ", style: flat.styles[piece.start - 1]! }] : [],
      ...text,
    ];
    if (runsWidth(candidate, measure) <= maxWidth) {
      line = merge(candidate);
      continue;
    }
    if (line.length > 0) lines.push(line);
    line = [];
    // A mark held to its word that cannot share a line with it is set apart again, at its space.
    const apart = wordsOf(flat.text, piece);
    if (apart.length > 1 && runsWidth(slice(flat, piece.start, piece.end), measure) > maxWidth) {
      queue.unshift(...apart);
      continue;
    }
    for (const part of breakWord(flat, piece, measure, maxWidth)) {
      if (line.length > 0) lines.push(line);
      line = part;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** The width of a line: the sum of its runs' widths. */
export function runsWidth<S>(line: readonly StyledRun<S>[], measure: MeasureRun<S>): number {
  let width = 0;
  for (const run of line) width += measure(run.text, run.style);
  return width;
}

/**
 * Shortens `line` until it and an ellipsis (in the style of the last character kept) fit in `maxWidth`, for the
 * last line shown when text is cut.
 */
export function ellipsizeRuns<S>(
  line: readonly StyledRun<S>[],
  measure: MeasureRun<S>,
  maxWidth: number,
): StyledRun<S>[] {
  const clusters = line.flatMap((run) =>
    Array.from(
      segmenter("grapheme").segment(run.text),
      ({ segment }) => ({ text: segment, style: run.style }),
    )
  );
  const first = line[0];
  if (first === undefined) return [];
  while (clusters.length > 0) {
    while (clusters.length > 0 && /^\s+$/u.test(clusters.at(-1)!.text)) clusters.pop();
    const candidate = merge([...clusters, { text: "…", style: (clusters.at(-1) ?? first).style }]);
    if (runsWidth(candidate, measure) <= maxWidth || clusters.length === 0) return candidate;
    clusters.pop();
  }
  return [{ text: "…", style: first.style }];
}

/** The runs' text and each code unit's style, every run of white space one space in its first character's style. */
function flatten<S>(runs: readonly StyledRun<S>[]): Flat<S> {
  const styles: S[] = [];
  let text = "";
  for (const run of runs) {
    for (const char of run.text.split("")) {
      const blank = /\s/u.test(char);
      if (blank && text.endsWith(" ")) continue;
      text += blank ? " " : char;
      styles.push(run.style);
    }
  }
  return { text, styles };
}

/** The runs of `[start, end)`, split where the style changes. */
function slice<S>(flat: Flat<S>, start: number, end: number): StyledRun<S>[] {
  const runs: StyledRun<S>[] = [];
  for (let index = start; index < end;) {
    const style = flat.styles[index]!;
    let stop = index + 1;
    while (stop < end && flat.styles[stop] === style) stop++;
    runs.push({ text: flat.text.slice(index, stop), style });
    index = stop;
  }
  return runs;
}

/** Joins neighbouring runs of one style. */
function merge<S>(runs: readonly StyledRun<S>[]): StyledRun<S>[] {
  const merged: StyledRun<S>[] = [];
  for (const run of runs) {
    const last = merged.at(-1);
    if (last !== undefined && last.style === run.style) last.text += run.text;
    else if (run.text !== "") merged.push({ ...run });
  }
  return merged;
}

/** The unbreakable pieces of `text`: its words, a mark set apart held to its word (see `markJoins`). */
function* pieces(text: string): Generator<Piece> {
  const found = [...text.matchAll(/\S+/gu)];
  const joins = markJoins(found.map((word) => word[0]));
  const words: { index: number; text: string }[] = [];
  for (const [i, word] of found.entries()) {
    const last = words.at(-1);
    if (last !== undefined && (joins[i] === "before" || joins[i - 1] === "after")) {
      last.text = text.slice(last.index, word.index + word[0].length);
    } else words.push({ index: word.index, text: word[0] });
  }
  let first = true;
  for (const word of words) {
    let spaced = !first;
    first = false;
    // Most words: none of their characters is one to break at, so they are not cut into graphemes to look.
    if (!HOLDS_CJK.test(word.text)) {
      yield { start: word.index, end: word.index + word.text.length, spaced };
      continue;
    }
    let start = word.index;
    let previous = "";
    for (const { segment, index } of segmenter("grapheme").segment(word.text)) {
      const at = word.index + index;
      // Not at a space inside a word holding a mark (`テキスト ！`): that stays whole.
      const breakable = at > start && (CJK.test(previous) || CJK.test(segment)) &&
        !NO_BREAK_BEFORE.test(segment) && !NO_BREAK_AFTER.test(previous) && !/\s/u.test(segment + previous);
      if (breakable) {
        yield { start, end: at, spaced };
        spaced = false;
        start = at;
      }
      previous = segment;
    }
    yield { start, end: word.index + word.text.length, spaced };
  }
}

/**
 * Whether {@linkcode wrapRuns} would cut a word of `runs` at `maxWidth`: one of its unbreakable stretches is wider
 * than a line.
 */
export function breaksWord<S>(
  runs: readonly StyledRun<S>[],
  measure: MeasureRun<S>,
  maxWidth: number,
): boolean {
  const flat = flatten(runs);
  // A mark held to its word is set apart at its space rather than cut (see `wrapRuns`).
  for (const piece of [...pieces(flat.text)].flatMap((piece) => wordsOf(flat.text, piece))) {
    // A word cut after its marks (a web address) into parts that each fit is not cut between letters.
    let start = piece.start;
    for (const part of cutAtMarks(flat.text.slice(piece.start, piece.end))) {
      if (runsWidth(slice(flat, start, start + part.length), measure) > maxWidth) return true;
      start += part.length;
    }
  }
  return false;
}

/** The words of a piece that holds marks to a word (`photosynthèse ?`), each a piece; a plain word alone. */
function wordsOf(text: string, piece: Piece): Piece[] {
  const words = [...text.slice(piece.start, piece.end).matchAll(/\S+/gu)];
  return words.map((word, i) => ({
    start: piece.start + word.index,
    end: piece.start + word.index + word[0].length,
    spaced: i === 0 ? piece.spaced : true,
  }));
}

/** Cuts one piece into parts that each fit, at least one character per part, after a `/`, `.`, `-`… where one fits. */
function breakWord<S>(
  flat: Flat<S>,
  piece: Piece,
  measure: MeasureRun<S>,
  maxWidth: number,
): StyledRun<S>[][] {
  const whole = slice(flat, piece.start, piece.end);
  if (runsWidth(whole, measure) <= maxWidth) return [whole];
  const parts: StyledRun<S>[][] = [];
  let start = piece.start;
  // The end of the last grapheme after which this part may be cut at a mark (a `/`), past its start.
  let mark = start;
  for (const { segment, index } of segmenter("grapheme").segment(flat.text.slice(piece.start, piece.end))) {
    const at = piece.start + index;
    const end = at + segment.length;
    if (at > start && runsWidth(slice(flat, start, end), measure) > maxWidth) {
      // At the mark when what follows it still fits with this grapheme, else here.
      const cut = mark > start && runsWidth(slice(flat, mark, end), measure) <= maxWidth ? mark : at;
      parts.push(slice(flat, start, cut));
      start = cut;
    }
    if (WORD_CUT_MARK.test(segment)) mark = end;
  }
  parts.push(slice(flat, start, piece.end));
  return parts;
}
