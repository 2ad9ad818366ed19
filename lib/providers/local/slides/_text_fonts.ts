/**
 * The fonts of one slide's text: the primary font for what it has and, for each other character, the fallback face
 * that has it. Splits text into runs of one font each, which both measuring and the SVG use, and names the
 * characters that no font has.
 * @module
 */
import { JOINING_LETTER } from "../../../core/bidi.ts";
import { findFallbackFace } from "./_fallback_fonts.ts";
import {
  FACE_NAMES,
  FACE_WEIGHTS,
  type FaceName,
  loadShapingFont,
  type MeasuringFont,
  type PrimaryFace,
  type PrimaryFont,
  type SlideFonts,
} from "./_fonts.ts";
import type { SfntFace } from "./_sfnt.ts";
import { segmenter } from "../../../core/segmenters.ts";

/** A stretch of a line drawn with one font, starting `x` pixels after the line's start. */
export interface TextRun {
  text: string;
  /** The family to name in the SVG, or null for the primary font. */
  family: string | null;
  x: number;
}

/** One weight of a slide's text fonts: measures text like the primary font, and splits it into runs. */
export interface TextFont extends MeasuringFont {
  /** Splits `text` into runs of one font each, placed for `fontSize` pixels. */
  runs(text: string, fontSize: number): TextRun[];
}

/** A slide's text fonts by face, with what resvg needs to load and what no font has. */
export interface SlideTextFonts {
  /** Each face, with its fallbacks for the characters it lacks. */
  faces: Readonly<Record<FaceName, TextFont>>;
  /** The fallback font files the text uses, each once. */
  files: string[];
  /** Characters (grapheme clusters) that no font has, each once, in order of appearance. */
  missing: string[];
}

/** Where fallback fonts are searched. */
export interface ResolveTextFontsOptions {
  /** The primary fonts. */
  primary: SlideFonts;
  /** The folders searched for fallback fonts. */
  fallbackDirs: readonly string[];
}

/** Code points that need no glyph of their own: joiners, variation selectors, soft hyphens. */
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const BLANK = /^\s+$/u;
/** Control characters, which the SVG leaves out. */
const CONTROL = /^\p{Cc}$/u;
/** Text the primary font draws on its own, checked before segmenting anything. */
const PLAIN = /^[\x20-\x7e]*$/;
/**
 * The text's units of font choice: its grapheme clusters, except that a word of letters that join is one unit: each
 * grapheme that starts with such a letter (see `JOINING_LETTER`; an emoji joined by a zero-width joiner is no letter,
 * rv19).
 *
 * @param text The text.
 */
function* fontUnits(text: string): Generator<string> {
  let word = "";
  for (const { segment } of segmenter("grapheme").segment(text)) {
    if (JOINING_LETTER.test(String.fromCodePoint(segment.codePointAt(0)!))) {
      word += segment;
      continue;
    }
    if (word !== "") yield word;
    word = "";
    yield segment;
  }
  if (word !== "") yield word;
}

/**
 * The width of `text` as `font` (opentype.js) shapes it, or null where it cannot: it throws on substitutions it
 * cannot read (Noto Nastaliq Urdu's, rv19: the slide failed), and such text is measured by its letters' advances.
 */
function shapedWidth(font: MeasuringFont | undefined, at: { text: string; fontSize: number }): number | null {
  if (font === undefined) return null;
  try {
    return font.getAdvanceWidth(at.text, at.fontSize);
  } catch (error) {
    // opentype.js's own words (`lookupType: 5 - substFormat: 1 is not yet supported`): not a failure of the slide.
    if (error instanceof Error && /not yet supported|unsupported/i.test(error.message)) return null;
    throw error;
  }
}

/** A piece of a slide's text and the face it is set in. */
export interface FacedText {
  face: FaceName;
  text: string;
}

/**
 * Chooses a font for every character of each text, in its face: the primary face when it has the character, else
 * the fallback face (of about the same weight) that has it. Fallback fonts are looked for only for characters the
 * primary face lacks, so plain text reads no other font file.
 *
 * @param texts The slide's texts in reading order, which is the order `missing` names characters in.
 */
export async function resolveTextFonts(
  texts: readonly FacedText[],
  options: ResolveTextFontsOptions,
): Promise<SlideTextFonts> {
  const { primary, fallbackDirs } = options;
  const files = new Set<string>();
  const missing = new Set<string>();
  const excludeFiles = FACE_NAMES.map((name) => primary[name].path);
  const chosen = new Map<FaceName, Map<string, SfntFace>>(FACE_NAMES.map((name) => [name, new Map()]));
  const shaping = new Map<SfntFace, MeasuringFont>();
  for (const { face: name, text } of texts) {
    if (PLAIN.test(text)) continue;
    const { font, family } = primary[name];
    const faces = chosen.get(name)!;
    for (const segment of fontUnits(text)) {
      if (faces.has(segment)) continue;
      const needed = [...segment].filter((char) => !IGNORABLE.test(char) && !CONTROL.test(char));
      const lacking = needed.findIndex((char) => font.charToGlyphIndex(char) === 0);
      if (lacking === -1) continue;
      // The character the primary font lacks first, so a face that has only that one still draws it.
      const chars = [needed[lacking]!, ...needed.filter((_, index) => index !== lacking)].join("");
      const face = await findFallbackFace(chars, {
        weight: FACE_WEIGHTS[name],
        dirs: fallbackDirs,
        excludeFiles,
        excludeFamily: family,
      });
      // A character no font has is named alone, not the word it is in.
      for (const { segment: grapheme } of segmenter("grapheme").segment(segment)) {
        const lacks = (char: string) =>
          !IGNORABLE.test(char) && !CONTROL.test(char) &&
          (face === null ? font.charToGlyphIndex(char) === 0 : face.glyphOf(char.codePointAt(0)!) === 0);
        if ([...grapheme].some(lacks)) missing.add(grapheme);
      }
      if (face === null) continue;
      faces.set(segment, face);
      files.add(face.path);
      // A word of joining letters is measured as resvg draws it, its letters joined (see `shapedWidth`).
      if (JOINING_LETTER.test(segment) && !shaping.has(face) && /\.(ttf|otf)$/i.test(face.path)) {
        shaping.set(face, await loadShapingFont(face.path));
      }
    }
  }
  const faces = FACE_NAMES.map((name) =>
    [name, textFont(primary[name], { faces: chosen.get(name)!, shaping })] as const
  );
  return {
    faces: Object.fromEntries(faces) as Record<FaceName, TextFont>,
    files: [...files],
    missing: [...missing],
  };
}

/**
 * A font that draws each unit (see {@linkcode fontUnits}) in `faces` with that face and everything else with the
 * primary face, whose font is read (and so parsed) only when this font measures or is measured. A face in `shaping`
 * measures by its shaping font, the others by their glyphs' advances.
 */
function textFont(
  primaryFace: PrimaryFace,
  fallbacks: { faces: ReadonlyMap<string, SfntFace>; shaping: ReadonlyMap<SfntFace, MeasuringFont> },
): TextFont {
  const { faces, shaping } = fallbacks;
  const layout = (text: string, fontSize: number): { runs: TextRun[]; width: number } => {
    const primary: PrimaryFont = primaryFace.font;
    const has = (font: SfntFace | null, char: string) =>
      font === null ? primary.charToGlyphIndex(char) !== 0 : font.glyphOf(char.codePointAt(0)!) !== 0;
    // A piece of a word of joining letters that the primary font cannot draw (cut to fit a line, or before an
    // ellipsis) is drawn in the word's face (rv19: it fell to the primary font, its letters missing).
    const faceOf = (unit: string): SfntFace | null =>
      faces.get(unit) ??
        (JOINING_LETTER.test(unit) && [...unit].some((char) => !has(null, char) && !IGNORABLE.test(char))
          ? [...faces].find(([word]) => word.includes(unit))?.[1] ?? null
          : null);
    if (PLAIN.test(text) || faces.size === 0) {
      const drawn = PLAIN.test(text) ? text : drawable(text, (char) => has(null, char));
      return { runs: [{ text: drawn, family: null, x: 0 }], width: primary.getAdvanceWidth(drawn, fontSize) };
    }
    const runs: TextRun[] = [];
    let width = 0;
    let face: SfntFace | null = null;
    let run = "";
    const flush = () => {
      if (run === "") return;
      runs.push({ text: run, family: face?.family ?? null, x: width });
      width += face === null
        ? primary.getAdvanceWidth(run, fontSize)
        : shapedWidth(shaping.get(face), { text: run, fontSize }) ?? faceWidth(face, run, fontSize);
      run = "";
    };
    for (const segment of fontUnits(text)) {
      // A space the current font has keeps its run going, so runs break only where the characters need it.
      const keep = run !== "" && BLANK.test(segment) && [...segment].every((char) => has(face, char));
      const next: SfntFace | null = keep ? face : faceOf(segment);
      if (next !== face) flush();
      face = next;
      run += drawable(segment, (char) => has(next, char));
    }
    flush();
    return { runs, width };
  };
  return {
    get unitsPerEm() {
      return primaryFace.font.unitsPerEm;
    },
    get ascender() {
      return primaryFace.font.ascender;
    },
    get descender() {
      return primaryFace.font.descender;
    },
    getAdvanceWidth: (text, fontSize) => layout(text, fontSize).width,
    runs: (text, fontSize) => layout(text, fontSize).runs,
  };
}

/**
 * The text without the ignorable code points (joiners, variation selectors) its font lacks: resvg would look for
 * another font for them and, finding one that has the whole run, draw all of the run with it.
 */
function drawable(text: string, has: (char: string) => boolean): string {
  let kept = "";
  for (const char of text) if (!IGNORABLE.test(char) || has(char)) kept += char;
  return kept;
}

/** The width of `text` in a fallback face: the sum of its glyphs' advances (no kerning, no ligatures). */
function faceWidth(face: SfntFace, text: string, fontSize: number): number {
  let units = 0;
  for (const char of text) units += face.advanceOf(face.glyphOf(char.codePointAt(0)!));
  return units * fontSize / face.unitsPerEm;
}
