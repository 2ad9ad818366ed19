/**
 * The font file that draws a line of text whole, for tools that draw with one font a line (ffmpeg's `drawtext`): the
 * given font when it has every character, else the first installed fallback font (the slides' search: Noto, then
 * Symbola) that has them all.
 * @module
 */
import { fileDigest } from "../../../media/file_digests.ts";
import { slideFontDirs } from "../../../media/font_dirs.ts";
import { findFallbackFace } from "./_fallback_fonts.ts";
import { readSfntFaces } from "./_sfnt.ts";

/** A font file chosen for a text, and what keys it (the digest of its bytes, as the slides' fonts). */
export interface TextFont {
  path: string;
  identity: string;
}

/**
 * Finds the font that draws `text`.
 *
 * @param text The text (whitespace and control characters need no glyph).
 * @param primary The font tried first.
 * @returns `primary` when it draws every character; else a fallback's file (its first face has every character,
 * as `drawtext` draws a collection's first face); else the first character the font that draws the most lacks,
 * and whether another installed font draws it (then no one font draws them all).
 * @throws {InputError} When `primary` is not a font file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fontForText } from "./font_for_text.ts";
 * const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
 * assert.equal(await fontForText("Café", dejavu), dejavu);
 * ```
 */
export async function fontForText(
  text: string,
  primary: string,
): Promise<string | { missing: string; installed: boolean }> {
  const chars = [...new Set([...text].filter((char) => !/[\s\p{Cc}\p{Cf}]/u.test(char)))];
  const codePoints = chars.map((char) => char.codePointAt(0)!);
  const [face] = await readSfntFaces(primary);
  if (face !== undefined && codePoints.every((codePoint) => face.glyphOf(codePoint) !== 0)) return primary;
  const fallback = await findFallbackFace(chars.join(""), {
    weight: 400,
    dirs: slideFontDirs().fallbacks,
    excludeFiles: [primary],
    excludeFamily: face?.family ?? "",
  });
  const first = fallback === null ? undefined : (await readSfntFaces(fallback.path))[0];
  const lacking = (drawn: typeof first) => chars.find((char) => drawn?.glyphOf(char.codePointAt(0)!) === 0);
  if (first !== undefined && lacking(first) === undefined) return first.path;
  const missing =
    (first === undefined
      ? chars.find((char) => face?.glyphOf(char.codePointAt(0)!) === 0)
      : lacking(first)) ?? chars[0]!;
  // Installed in a font without the others (Symbola's emoji beside Noto CJK's characters): installing is no help.
  const elsewhere = await findFallbackFace(missing, {
    weight: 400,
    dirs: slideFontDirs().fallbacks,
    excludeFiles: [],
    excludeFamily: "",
  });
  return { missing, installed: elsewhere !== null };
}

/**
 * What keys a font file: the digest of its bytes (see {@linkcode fileDigest}; read only when it has changed since
 * it was last read).
 *
 * @param path The font file.
 * @returns 16 hexadecimal digits.
 * @throws {Deno.errors.NotFound} When there is no such file.
 */
export function textFontIdentity(path: string): string {
  const digest = fileDigest(path);
  if (digest === null) throw new Deno.errors.NotFound(`No font file at ${path}`);
  return digest;
}

/**
 * Says why no one installed font draws a text that `drawtext` draws in one font (what {@linkcode fontForText}
 * returned when it found none).
 *
 * @param what What the text is, for the message: `caption`, `text`.
 * @param text The text.
 * @param found The character the font that draws the most lacks, and whether another installed font draws it.
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noOneFontMessage } from "./font_for_text.ts";
 * assert.match(noOneFontMessage("caption", "漢 🎉", { missing: "🎉", installed: true }), /none has "🎉"/);
 * ```
 */
export function noOneFontMessage(
  what: string,
  text: string,
  found: { missing: string; installed: boolean },
): string {
  // The fonts are there and none has all of them (CJK and an emoji): installing is no help (newcomer trial).
  const fix = found.installed
    ? `write the ${what} without it, or with only characters one font has`
    : `install fonts-noto-cjk or fonts-symbola, or write the ${what} without it`;
  return `No installed font draws every character of the ${what} "${text}" (a ${what} is drawn in one font; ` +
    `none has "${found.missing}" beside the others): ${fix}`;
}

/**
 * How wide `text` is (its widest line) in the first face of `font`, in ems (its advance widths summed, no kerning: what
 * `drawtext` lays out, within a few per cent): a line is `ems × fontsize` pixels wide.
 *
 * @param text The text.
 * @param font The font file.
 * @returns The width in ems.
 * @throws {InputError} When `font` is not a font file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textEms } from "./font_for_text.ts";
 * const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
 * const [one, two] = [await textEms("ab", dejavu), await textEms("abab", dejavu)];
 * assert.ok(one > 0.5 && Math.abs(two - 2 * one) < 1e-9);
 * ```
 */
export async function textEms(text: string, font: string): Promise<number> {
  const [face] = await readSfntFaces(font);
  if (face === undefined) return 0;
  const widths = text.split(/\r?\n/).map((line) => {
    let units = 0;
    for (const char of line) units += face.advanceOf(face.glyphOf(char.codePointAt(0)!));
    return units;
  });
  return Math.max(...widths) / face.unitsPerEm;
}
