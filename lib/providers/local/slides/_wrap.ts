/**
 * Word wrapping measured with the real font, breaking words that are wider than a line on their own.
 * @module
 */
import type { MeasuringFont } from "./_fonts.ts";

/**
 * Splits `text` into lines no wider than `maxWidth` pixels at `fontSize`; runs of whitespace collapse to one
 * space. A word wider than a line is cut between characters. Empty text gives no lines.
 */
export function wrapText(text: string, font: MeasuringFont, fontSize: number, maxWidth: number): string[] {
  const width = (part: string) => font.getAdvanceWidth(part, fontSize);
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((part) => part !== "")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (width(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = "";
    for (const piece of breakWord(word, width, maxWidth)) {
      if (line !== "") lines.push(line);
      line = piece;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * Shortens `line` until it and an ellipsis fit in `maxWidth`, for the last line shown when text is cut.
 */
export function ellipsize(line: string, font: MeasuringFont, fontSize: number, maxWidth: number): string {
  const chars = Array.from(line);
  while (chars.length > 0) {
    const candidate = `${chars.join("").trimEnd()}…`;
    if (font.getAdvanceWidth(candidate, fontSize) <= maxWidth) return candidate;
    chars.pop();
  }
  return "…";
}

/** Cuts one word into pieces that each fit, at least one character per piece. */
function breakWord(word: string, width: (part: string) => number, maxWidth: number): string[] {
  if (width(word) <= maxWidth) return [word];
  const pieces: string[] = [];
  let piece = "";
  for (const char of word) {
    if (piece !== "" && width(piece + char) > maxWidth) {
      pieces.push(piece);
      piece = "";
    }
    piece += char;
  }
  if (piece !== "") pieces.push(piece);
  return pieces;
}
