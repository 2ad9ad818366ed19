/**
 * The primary slide fonts: DejaVu Sans regular and bold for text, DejaVu Sans Mono regular and bold for code (all
 * four in fonts-dejavu-core). Raw bytes for resvg and parsed fonts for measuring text.
 * @module
 */
import { isMissing, pathTrouble } from "../../../core/exists.ts";
import { InputError } from "../../../core/errors.ts";

/** The four primary faces: text and code, each regular and bold. Italic is drawn slanted from these. */
export type FaceName = "sans" | "sansBold" | "mono" | "monoBold";

/** The faces in a fixed order. */
export const FACE_NAMES: readonly FaceName[] = ["sans", "sansBold", "mono", "monoBold"];

/** The primary fonts' files, in the folder {@linkcode ../../../media/font_dirs.ts} names, in {@linkcode FACE_NAMES} order. */
export const PRIMARY_FILES = [
  "DejaVuSans.ttf",
  "DejaVuSans-Bold.ttf",
  "DejaVuSansMono.ttf",
  "DejaVuSansMono-Bold.ttf",
] as const;

/** The weight of each face, 400 or 700. */
export const FACE_WEIGHTS: Readonly<Record<FaceName, number>> = {
  sans: 400,
  sansBold: 700,
  mono: 400,
  monoBold: 700,
};

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

/**
 * One primary face: its family name for the SVG, its file and bytes, and the parsed font. The font is parsed when
 * `font` or `family` is first read, and throws then when the file cannot be parsed.
 */
export interface PrimaryFace {
  /** The family name to put in the SVG, read from the font (`DejaVu Sans`, `DejaVu Sans Mono`). */
  readonly family: string;
  /** The font file's path. */
  readonly path: string;
  /** The raw font file, for resvg. */
  readonly buffer: Uint8Array;
  /** The parsed font. */
  readonly font: PrimaryFont;
}

/** The primary faces by name. */
export type SlideFonts = Readonly<Record<FaceName, PrimaryFace>>;

const loaded = new Map<string, Promise<SlideFonts>>();
const FALLBACK_FAMILIES: Readonly<Record<FaceName, string>> = {
  sans: "DejaVu Sans",
  sansBold: "DejaVu Sans",
  mono: "DejaVu Sans Mono",
  monoBold: "DejaVu Sans Mono",
};

/**
 * Loads the primary fonts once per folder. A failed load is forgotten, so a later call tries again; a face whose
 * file cannot be parsed throws the same {@linkcode InputError} (naming the file) each time it is used.
 *
 * @throws {InputError} When a font file is missing (the first missing one in {@linkcode PRIMARY_FILES} order).
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
  // opentype.js is loaded with the first fonts read, not with this module: planning a render that finds its
  // slides stored never parses a font, and the parser costs every start about 55 ms. Its ES module build, not the
  // CommonJS one the package names first: the same code, loaded ~35 ms sooner (no CommonJS wrapper in a worker).
  const [{ default: opentype }, read] = await Promise.all([
    import("opentype.js/dist/opentype.module.js"),
    Promise.allSettled(PRIMARY_FILES.map((file) => readFont(dir, file))),
  ]);
  const failed = read.find((result) => result.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  const faces = FACE_NAMES.map((name, index) => {
    const file = PRIMARY_FILES[index]!;
    const buffer = (read[index] as PromiseFulfilledResult<Uint8Array>).value;
    // Each face is parsed when its text is first measured or named: a slide without code never parses the two
    // mono faces (about 25 ms each, in every worker that fits or draws slides).
    let parsed: { font: ReturnType<typeof parseFont> } | { error: unknown } | undefined;
    const parse = () => {
      if (parsed === undefined) {
        try {
          parsed = { font: parseFont(opentype, { dir, file, bytes: buffer }) };
        } catch (error) {
          // The same bytes fail the same way: a broken face is not parsed again at every slide.
          parsed = { error };
        }
      }
      if ("error" in parsed) throw parsed.error;
      return parsed.font;
    };
    const face: PrimaryFace = {
      get family() {
        const family: unknown = parse().names?.fontFamily?.en;
        return typeof family === "string" && family !== "" ? family : FALLBACK_FAMILIES[name];
      },
      path: `${dir}/${file}`,
      buffer,
      get font() {
        return parse();
      },
    };
    return [name, face] as const;
  });
  return Object.fromEntries(faces) as Record<FaceName, PrimaryFace>;
}

async function readFont(dir: string, file: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(`${dir}/${file}`);
  } catch (error) {
    const trouble = pathTrouble(error, `${dir}/${file}`);
    if (trouble === null) throw error;
    // Named by REEL_FONT_DIR (nt17: told to set it, when it was set and wrong).
    const named = (Deno.env.get("REEL_FONT_DIR") ?? "") !== "";
    // One there that cannot be read (a loop of links, another user's: fi22, Deno's words and a trace) says why.
    const found = isMissing(error) ? "find" : "read";
    throw new InputError(
      `Cannot ${found} the slide font ${file} in ${dir}${named ? ", which REEL_FONT_DIR names" : ""}${
        isMissing(error) ? "" : ` (${trouble})`
      }`,
      {
        where: `${dir}/${file}`,
        hint: named
          ? `Point REEL_FONT_DIR at a folder holding ${PRIMARY_FILES.join(", ")}, or unset it to use ` +
            "fonts-dejavu-core's"
          : `Install it with sudo apt-get install fonts-dejavu-core, or set REEL_FONT_DIR to a folder holding ` +
            `${PRIMARY_FILES.join(", ")}`,
        cause: error,
      },
    );
  }
}

/** Texts whose glyphs a font keeps (see {@linkcode measuringOnce}): a worker's whole batch of slides, bounded. */
const MEASURED_TEXTS = 20_000;

/**
 * The font with `getAdvanceWidth` looking up each text's glyphs and kerning once: opentype.js runs its tokenizer and
 * substitutions at every call, most of a slide's layout time, and layout measures the same words at several sizes.
 * The width is summed as opentype.js sums it, term by term at the size asked, so each is the same to the last bit.
 */
// deno-lint-ignore no-explicit-any -- opentype.js ships no types
function measuringOnce(font: any): any {
  const measure = font.getAdvanceWidth.bind(font);
  // Per text: each glyph's advance and the kerning after it, in font units (integers: exact at a scale of 1).
  const terms = new Map<string, number[]>();
  font.getAdvanceWidth = (text: string, fontSize: number, options?: unknown): number => {
    const unit = font.unitsPerEm;
    // Options (kerning off, letter spacing), opentype.js's default size, or a scale that is not 1 at the em.
    if (options !== undefined || fontSize === undefined || 1 / unit * unit !== 1) {
      return measure(text, fontSize, options);
    }
    let units = terms.get(text);
    if (units === undefined) {
      const starts: number[] = [];
      const advances: number[] = [];
      const total: number = font.forEachGlyph(
        text,
        0,
        0,
        unit,
        undefined,
        (glyph: { advanceWidth?: number }, x: number) => {
          starts.push(x);
          advances.push(glyph.advanceWidth || 0);
        },
      );
      units = starts.flatMap((start, i) => [advances[i]!, (starts[i + 1] ?? total) - start - advances[i]!]);
      if (terms.size >= MEASURED_TEXTS) terms.clear();
      terms.set(text, units);
    }
    // As opentype.js's forEachGlyph: the advance where there is one, the kerning between glyphs.
    const fontScale = 1 / unit * fontSize;
    let x = 0;
    for (let i = 0; i < units.length; i += 2) {
      if (units[i]) x += units[i]! * fontScale;
      if (i + 2 < units.length) x += units[i + 1]! * fontScale;
    }
    return x;
  };
  return font;
}

function parseFont(
  // deno-lint-ignore no-explicit-any -- opentype.js ships no types
  opentype: { parse(buffer: ArrayBufferLike, options: { lowMemory: boolean }): any },
  { dir, file, bytes }: { dir: string; file: string; bytes: Uint8Array },
  // deno-lint-ignore no-explicit-any -- as above
): PrimaryFont & { names?: any } {
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    // lowMemory: glyphs are read when text needs them (about 60 MB less a process for the four faces).
    return measuringOnce(opentype.parse(buffer, { lowMemory: true }));
  } catch (error) {
    // opentype.js quotes the bytes it found as characters, garbage and control characters too: they are given in hex.
    const message = String((error as Error).message);
    const said = message.startsWith("Unsupported OpenType signature")
      ? `it starts with the bytes ${
        [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, "0")).join(" ")
      }`
      : message.replace(/[^\x20-\x7e]/g, "?");
    throw new InputError(
      `Cannot read the slide font ${dir}/${file}: not a font file (${said.slice(0, 80)})`,
      {
        where: `${dir}/${file}`,
        cause: error,
      },
    );
  }
}

const shapingFonts = new Map<string, Promise<MeasuringFont>>();

/**
 * A fallback font file parsed by opentype.js, which measures text as resvg shapes it (Arabic letters in their
 * joined forms: an Urdu word in Noto Sans Arabic is about two thirds of its letters' own widths), once a process.
 *
 * @param path A font file holding one face (`.ttf`, `.otf`).
 * @returns The font.
 * @throws {InputError} When opentype.js cannot read it.
 */
export function loadShapingFont(path: string): Promise<MeasuringFont> {
  let font = shapingFonts.get(path);
  if (font === undefined) {
    font = (async () => {
      const [{ default: opentype }, bytes] = await Promise.all([
        import("opentype.js/dist/opentype.module.js"),
        Deno.readFile(path),
      ]);
      const slash = path.lastIndexOf("/");
      return parseFont(opentype, { dir: path.slice(0, slash), file: path.slice(slash + 1), bytes });
    })();
    shapingFonts.set(path, font);
    font.catch(() => shapingFonts.delete(path));
  }
  return font;
}
