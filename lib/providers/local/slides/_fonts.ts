/**
 * The slide fonts (DejaVu Sans regular and bold): raw bytes for resvg and parsed fonts for measuring text.
 * @module
 */
import opentype from "opentype.js";
import { InputError } from "../../../errors.ts";

/** The folder the fonts are read from unless `REEL_FONT_DIR` names another. */
const SYSTEM_FONT_DIR = "/usr/share/fonts/truetype/dejavu";
const REGULAR_FILE = "DejaVuSans.ttf";
const BOLD_FILE = "DejaVuSans-Bold.ttf";

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

/** Both weights of the slide font. */
export interface SlideFonts {
  /** The family name to put in the SVG, read from the regular font. */
  family: string;
  /** Raw font files for resvg: regular then bold. */
  buffers: Uint8Array[];
  /** The regular weight, for bullets. */
  regular: MeasuringFont;
  /** The bold weight, for the title. */
  bold: MeasuringFont;
}

const loaded = new Map<string, Promise<SlideFonts>>();

/**
 * Identifies the font files slides are drawn with: their paths, sizes and modification times (cheap to read at
 * every plan; a changed font or another font folder changes it).
 *
 * @param fontDir The folder, else `REEL_FONT_DIR`, else the system's DejaVu folder.
 * @returns A short text, or `missing` parts for files that are not there (rendering then fails clearly).
 */
export async function slideFontsIdentity(fontDir: string | null = null): Promise<string> {
  const dir = fontDir ?? Deno.env.get("REEL_FONT_DIR") ?? SYSTEM_FONT_DIR;
  const parts = [];
  for (const file of [REGULAR_FILE, BOLD_FILE]) {
    try {
      const info = await Deno.stat(`${dir}/${file}`);
      parts.push(`${dir}/${file}:${info.size}:${info.mtime?.getTime() ?? 0}`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      parts.push(`${dir}/${file}:missing`);
    }
  }
  return parts.join(",");
}

/**
 * Loads the slide fonts once per folder: `fontDir`, else `REEL_FONT_DIR`, else the system's DejaVu folder.
 * A failed load is forgotten, so a later call tries again.
 *
 * @throws {InputError} When a font file is missing.
 */
export function loadSlideFonts(fontDir: string | null = null): Promise<SlideFonts> {
  const dir = fontDir ?? Deno.env.get("REEL_FONT_DIR") ?? SYSTEM_FONT_DIR;
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
function parseFont(dir: string, file: string, bytes: Uint8Array): MeasuringFont & { names?: any } {
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
