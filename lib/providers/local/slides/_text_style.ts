/**
 * How slide text is set: a face and whether it is slanted, one shared object per combination so that wrapping can
 * compare styles by identity; and slide text with its markdown turned into runs of those styles.
 * @module
 */
import type { FaceName } from "./_fonts.ts";
import { parseInline } from "./_markdown.ts";
import type { StyledRun } from "./_wrap.ts";

/** A face and a slant. Italic is drawn as the upright face slanted by {@linkcode ITALIC_SKEW} degrees. */
export interface TextStyle {
  readonly face: FaceName;
  readonly italic: boolean;
}

/** The slant of italic text, in degrees (DejaVu Sans Oblique's is about 11). */
export const ITALIC_SKEW = 12;

const STYLES = new Map<string, TextStyle>();

/** The one style object for a face and slant. */
export function styleOf(face: FaceName, italic = false): TextStyle {
  const key = `${face}/${italic}`;
  let style = STYLES.get(key);
  if (style === undefined) {
    style = { face, italic };
    STYLES.set(key, style);
  }
  return style;
}

/** Runs of styled text. */
export type RichText = StyledRun<TextStyle>[];

/**
 * Slide text with its markdown applied: bold in the bold face, code in the mono face (bold in a bold context),
 * italic slanted.
 *
 * @param text The text as written.
 * @param bold Whether the whole text is bold (titles).
 */
export function richText(text: string, bold: boolean): RichText {
  return parseInline(text).map((span) => {
    const heavy = bold || span.bold;
    const face: FaceName = span.code ? (heavy ? "monoBold" : "mono") : heavy ? "sansBold" : "sans";
    return { text: span.text, style: styleOf(face, span.italic) };
  });
}

/** Code as runs: one line of the mono face. */
export function codeText(line: string): RichText {
  return line === "" ? [] : [{ text: line, style: styleOf("mono") }];
}
