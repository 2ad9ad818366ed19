/**
 * The font file that draws a line of text whole, for tools that draw with one font a line (ffmpeg's `drawtext`): the
 * given font when it has every character, else the first installed fallback font (the slides' search: Noto, then
 * Symbola) that has them all.
 * @module
 */
import { inOwnDirection, JOINING_WORD, LTR_EMBEDDING, RTL_EMBEDDING } from "../../../core/bidi.ts";
import type { WordFont } from "../../../media/ass_subtitles.ts";
import { fileDigest } from "../../../media/file_digests.ts";
import { slideFontDirs } from "../../../media/font_dirs.ts";
import { findFallbackFace } from "./_fallback_fonts.ts";
import { readSfntFaces, type SfntFace } from "./_sfnt.ts";

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
  const face = await firstFace(primary);
  if (face !== undefined && codePoints.every((codePoint) => face.glyphOf(codePoint) !== 0)) return primary;
  const fallback = await findFallbackFace(chars.join(""), {
    weight: 400,
    dirs: slideFontDirs().fallbacks,
    excludeFiles: [primary],
    excludeFamily: face?.family ?? "",
  });
  const first = fallback === null ? undefined : await firstFace(fallback.path);
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
  const face = await firstFace(font);
  if (face === undefined) return 0;
  const widths = text.split(/\r?\n/).map((line) => {
    let units = 0;
    for (const char of line) units += face.advanceOf(face.glyphOf(char.codePointAt(0)!));
    return units;
  });
  return Math.max(...widths) / face.unitsPerEm;
}

/**
 * The font each word of joining letters (see `JOINING_WORD`) of `texts` is to be drawn in where `primary` lacks one
 * of its letters: the first fallback font (the slides' search) that has them all. libass looks for a font for each
 * letter apart, and drew an Urdu word's ہ and ے, which DejaVu Sans lacks, as boxes (nw2).
 *
 * @param texts The texts (captions).
 * @param primary The font file they are drawn in.
 * @returns The font of each word that needs one, by the word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joiningWordFonts } from "./font_for_text.ts";
 * const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
 * const fonts = await joiningWordFonts(["یہ مشین ہے۔ Hello"], dejavu);
 * assert.equal(fonts.get("مشین"), undefined);
 * assert.match(fonts.get("ہے۔")?.family ?? "", /^Noto /);
 * ```
 */
export async function joiningWordFonts(
  texts: readonly string[],
  primary: string,
): Promise<Map<string, WordFont>> {
  const fonts = new Map<string, WordFont>();
  const words = texts.flatMap((text) => [...text.matchAll(JOINING_WORD)].map((match) => match[0]));
  // Text without such a word (most captions) reads no font.
  if (words.length === 0) return fonts;
  const face = await firstFace(primary);
  for (const word of words) {
    const chars = [...new Set(word)].filter((char) => !/\p{Cf}/u.test(char));
    if (fonts.has(word) || chars.every((char) => face?.glyphOf(char.codePointAt(0)!))) continue;
    const fallback = await findFallbackFace(chars.join(""), {
      weight: 400,
      dirs: slideFontDirs().fallbacks,
      excludeFiles: [primary],
      excludeFamily: face?.family ?? "",
    });
    if (fallback === null || !chars.every((char) => fallback.glyphOf(char.codePointAt(0)!))) continue;
    const height = (font: SfntFace) => font.lineHeight / font.unitsPerEm;
    fonts.set(word, {
      family: fallback.family,
      scale: face === undefined ? 1 : height(fallback) / height(face),
    });
  }
  return fonts;
}

/**
 * `text` for ffmpeg's `drawtext` in `font`, each line marked to read in the text's direction (see `inOwnDirection`):
 * with the embedding marks where the font has them, else by its end marks moved (Noto Sans Arabic lacks the
 * embedding marks, and `drawtext` drew them as boxes: nw3; see `DirectionMarks`).
 *
 * @param text The caption or overlay.
 * @param font The font file `drawtext` draws it in.
 * @returns The text to write in its text file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawtextText } from "./font_for_text.ts";
 * const arabic = "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf";
 * assert.equal(await drawtextText("یہ کتاب ہے!", arabic), "!یہ کتاب ہے");
 * ```
 */
export async function drawtextText(text: string, font: string): Promise<string> {
  const face = await firstFace(font);
  const has = (char: string) => face !== undefined && face.glyphOf(char.codePointAt(0)!) !== 0;
  const embeds = [...RTL_EMBEDDING, ...LTR_EMBEDDING].every(has);
  // The Arabic letter mark opens a line that opens with a number, where the font has it (Noto Naskh Arabic has not:
  // rv21, a box).
  return inOwnDirection(text, { marks: embeds ? "embedding" : "ends", letterMark: has("\u061c") });
}

/** The first faces read, by file and its size and time (a font rewritten is read again). */
const firstFaces = new Map<string, Promise<SfntFace | undefined>>();

/** The first face of a font file (`drawtext` draws a collection's first face), read once per file a process. */
async function firstFace(font: string): Promise<SfntFace | undefined> {
  const info = await Deno.stat(font);
  const key = `${font}:${info.size}:${info.mtime?.getTime()}`;
  let face = firstFaces.get(key);
  if (face === undefined) {
    face = readSfntFaces(font).then((faces) => faces[0]);
    firstFaces.set(key, face);
    // A failed read is not kept: the next call reads again.
    face.catch(() => firstFaces.delete(key));
  }
  return await face;
}

/**
 * The font size at which text `ems` wide fits in `room` pixels: `size` where it fits, else the largest that does,
 * `least` at the smallest (`drawtext` draws a line past the frame's edge, cut: before, text too long was drawn so).
 *
 * @param ems How wide the text is, in ems (see {@linkcode textEms}; 0: unknown, drawn at `size`).
 * @param bounds The size wanted, the room, and the smallest size drawn.
 * @returns The size, and whether the text fits at it (false where even `least` is too wide).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fittedTextSize } from "./font_for_text.ts";
 * assert.deepEqual(fittedTextSize(15, { size: 18, room: 152, least: 8 }), { size: 10, fits: true });
 * assert.deepEqual(fittedTextSize(40, { size: 18, room: 152, least: 8 }), { size: 8, fits: false });
 * ```
 */
export function fittedTextSize(
  ems: number,
  bounds: { size: number; room: number; least: number },
): { size: number; fits: boolean } {
  const widest = ems > 0 ? Math.floor(bounds.room / ems) : Infinity;
  const size = Math.max(bounds.least, Math.min(bounds.size, widest));
  return { size, fits: size <= widest };
}
