/**
 * The primary slide fonts (DejaVu Sans regular and bold): raw bytes for resvg and parsed fonts for measuring text.
 * @module
 */
import opentype from "opentype.js";
import { InputError } from "../../../core/errors.ts";

/** The primary font's files, in the folder {@linkcode ./_font_dirs.ts} names. */
export const PRIMARY_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] as const;
const [REGULAR_FILE, BOLD_FILE] = PRIMARY_FILES;

/** The part of an opentype.js font that layout uses. */
export interface MeasuringFont {
  /** Units per em of the font's coordinates. */
  unitsPerEm: number;
  /** Ascender, in font units (positive). */
  ascender: number;
  /** Descender, in font units (negative). */
  descender: number;
  /** The advance width of `text` at `fontSize` pixels, kerning included. */
  getAdvanceWidth(text: string, fontSize: number): number;
}

/** A parsed primary font: measures text and says which characters it has. */
export interface PrimaryFont extends MeasuringFont {
  /** The glyph of the first character of `char`, 0 when the font lacks it. */
  charToGlyphIndex(char: string): number;
}

/** Both weights of the slide font. */
export interface SlideFonts {
  /** The family name to put in the SVG, read from the regular font. */
  family: string;
  /** The font files' paths: regular then bold. */
  paths: string[];
  /** Raw font files for resvg: regular then bold. */
  buffers: Uint8Array[];
  /** The regular weight, for bullets. */
  regular: PrimaryFont;
  /** The bold weight, for the title. */
  bold: PrimaryFont;
}

const loaded = new Map<string, Promise<SlideFonts>>();

/**
 * Loads the primary fonts once per folder. A failed load is forgotten, so a later call tries again.
 *
 * @throws {InputError} When a font file is missing.
 */
export function loadSlideFonts(dir: string): Promise<SlideFonts> {
  let fonts = loaded.get(dir);
  if (fonts === undefined) {
    fonts = readFonts(dir);
    loaded.set(dir, fonts);
    fonts.catch(() => loaded.delete(dir));
  }
  return fonts;
}

async function readFonts(dir: string): Promise<SlideFonts> {
  const [regular, bold] = await Promise.all([readFont(dir, REGULAR_FILE), readFont(dir, BOLD_FILE)]);
  const regularFont = parseFont(dir, REGULAR_FILE, regular);
  const family: unknown = regularFont.names?.fontFamily?.en;
  return {
    family: typeof family === "string" && family !== "" ? family : "DejaVu Sans",
    paths: PRIMARY_FILES.map((file) => `${dir}/${file}`),
    buffers: [regular, bold],
    regular: regularFont,
    bold: parseFont(dir, BOLD_FILE, bold),
  };
}

async function readFont(dir: string, file: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(`${dir}/${file}`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new InputError(`Cannot find the slide font ${file}`, {
      where: `${dir}/${file}`,
      hint:
        `Install it with sudo apt-get install fonts-dejavu-core, or set REEL_FONT_DIR to a folder holding ` +
        `${REGULAR_FILE} and ${BOLD_FILE}`,
      cause: error,
    });
  }
}

// deno-lint-ignore no-explicit-any -- opentype.js ships no types
function parseFont(dir: string, file: string, bytes: Uint8Array): PrimaryFont & { names?: any } {
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return opentype.parse(buffer);
  } catch (error) {
    throw new InputError(`Cannot read the slide font ${file}: ${(error as Error).message}`, {
      where: `${dir}/${file}`,
      cause: error,
    });
  }
}
