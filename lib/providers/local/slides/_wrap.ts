/**
 * Line wrapping measured with the real fonts: at spaces, between Chinese and Japanese characters (which have no
 * spaces), and inside a word that is wider than a line on its own.
 * @module
 */
import type { MeasuringFont } from "./_fonts.ts";

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Characters written without spaces, so a line may break before or after each: Han, kana, CJK punctuation. */
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
/** Characters a line must not start with: closing marks, small kana, the prolonged sound mark. */
const NO_BREAK_BEFORE =
  /^[、。，．・：；？！ー）」』】〕〉》〙〗〟’”〜…‥々ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ,.!?:;)\]}%]/u;
/** Characters a line must not end with: opening marks. */
const NO_BREAK_AFTER = /[（「『【〔〈《〘〖〝‘“([{]$/u;

/**
 * Splits `text` into lines no wider than `maxWidth` pixels at `fontSize`; runs of whitespace collapse to one
 * space. Chinese and Japanese text breaks between characters, except before closing punctuation and after opening
 * punctuation. A word wider than a line is cut between characters. Empty text gives no lines.
 */
export function wrapText(text: string, font: MeasuringFont, fontSize: number, maxWidth: number): string[] {
  const width = (part: string) => font.getAdvanceWidth(part, fontSize);
  const lines: string[] = [];
  let line = "";
  for (const { piece, spaced } of pieces(text)) {
    const candidate = line === "" ? piece : `${line}${spaced ? " " : ""}${piece}`;
    if (width(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = "";
    for (const part of breakWord(piece, width, maxWidth)) {
      if (line !== "") lines.push(line);
      line = part;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * Shortens `line` until it and an ellipsis fit in `maxWidth`, for the last line shown when text is cut.
 */
export function ellipsize(line: string, font: MeasuringFont, fontSize: number, maxWidth: number): string {
  const clusters = Array.from(graphemes.segment(line), ({ segment }) => segment);
  while (clusters.length > 0) {
    const candidate = `${clusters.join("").trimEnd()}…`;
    if (font.getAdvanceWidth(candidate, fontSize) <= maxWidth) return candidate;
    clusters.pop();
  }
  return "…";
}

/** The unbreakable pieces of `text`, each saying whether a space comes before it. */
function* pieces(text: string): Generator<{ piece: string; spaced: boolean }> {
  for (const [index, word] of text.split(/\s+/).filter((part) => part !== "").entries()) {
    let spaced = index > 0;
    let piece = "";
    let previous = "";
    for (const { segment } of graphemes.segment(word)) {
      const breakable = piece !== "" && (CJK.test(previous) || CJK.test(segment)) &&
        !NO_BREAK_BEFORE.test(segment) && !NO_BREAK_AFTER.test(previous);
      if (breakable) {
        yield { piece, spaced };
        spaced = false;
        piece = "";
      }
      piece += segment;
      previous = segment;
    }
    if (piece !== "") yield { piece, spaced };
  }
}

/** Cuts one word into pieces that each fit, at least one character per piece. */
function breakWord(word: string, width: (part: string) => number, maxWidth: number): string[] {
  if (width(word) <= maxWidth) return [word];
  const parts: string[] = [];
  let part = "";
  for (const { segment } of graphemes.segment(word)) {
    if (part !== "" && width(part + segment) > maxWidth) {
      parts.push(part);
      part = "";
    }
    part += segment;
  }
  if (part !== "") parts.push(part);
  return parts;
}
