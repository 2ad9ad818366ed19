/**
 * A minimal reader of TrueType and OpenType fonts and collections (`.ttf`, `.otf`, `.ttc`): for each face, its
 * family, weight and style, which characters it has and their advance widths. It reads only the small tables it
 * needs (`head`, `hhea`, `OS/2`, `name`, `cmap`, `hmtx`), never the glyphs, so checking a 20 MB collection costs a
 * few hundred kilobytes.
 * @module
 */
import { readFull } from "../../../core/read_full.ts";
import { InputError } from "../../../core/errors.ts";

/** One face of a font file, as far as choosing and measuring fallback text needs. */
export interface SfntFace {
  /** The font file. */
  path: string;
  /** The face's position in a collection; 0 in a single font file. */
  index: number;
  /** The family name resvg matches `font-family` against (name ID 16, else 1). */
  family: string;
  /** The weight class, 100 to 900 (400 regular, 700 bold). */
  weight: number;
  italic: boolean;
  /** Whether the glyphs are outlines (`glyf`, `CFF `, `CFF2`) that resvg draws; bitmap-only colour fonts are not. */
  outlines: boolean;
  unitsPerEm: number;
  /**
   * The height libass sets to a caption's font size, in font units: `OS/2`'s usWinAscent + usWinDescent (as VSFilter
   * did), else `hhea`'s ascender − descender. DejaVu Sans's is 1.16 em, Noto Sans Arabic's 2.11.
   */
  lineHeight: number;
  /** The glyph of a code point, 0 when the face lacks it. */
  glyphOf(codePoint: number): number;
  /** A glyph's advance width, in font units. */
  advanceOf(glyph: number): number;
}

interface TableRecord {
  offset: number;
  length: number;
}

/**
 * Reads every face of the font file at `path`.
 *
 * @throws {InputError} When the file is not a whole TrueType or OpenType font or collection.
 */
export async function readSfntFaces(path: string): Promise<SfntFace[]> {
  using file = await Deno.open(path);
  const { size } = await file.stat();
  const cache = new Map<string, Promise<DataView>>();
  const read = (offset: number, length: number): Promise<DataView> => {
    if (offset < 0 || length < 0 || offset + length > size) {
      return Promise.reject(
        new RangeError(`a table at ${offset} (${length} bytes) lies past the file's end`),
      );
    }
    const key = `${offset}:${length}`;
    let bytes = cache.get(key);
    if (bytes === undefined) {
      bytes = readAt(file, offset, length);
      cache.set(key, bytes);
    }
    return bytes;
  };
  try {
    const head = await read(0, Math.min(size, 12));
    if (head.byteLength < 12) throw new RangeError("the file is too short");
    if (head.getUint32(0) !== TTCF) return [await readFace(path, 0, 0, read)];
    const count = head.getUint32(8);
    const offsets = await read(12, count * 4);
    const faces: SfntFace[] = [];
    for (let index = 0; index < count; index++) {
      faces.push(await readFace(path, index, offsets.getUint32(index * 4), read));
    }
    return faces;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(`Cannot read the font ${path}: ${error.message}`, { where: path, cause: error });
  }
}

/** `ttcf`, the tag that starts a collection. */
const TTCF = 0x74746366;
const VERSIONS = new Set([0x00010000, 0x4f54544f, /* OTTO */ 0x74727565 /* true */]);

async function readFace(
  path: string,
  index: number,
  start: number,
  read: (offset: number, length: number) => Promise<DataView>,
): Promise<SfntFace> {
  const header = await read(start, 12);
  if (!VERSIONS.has(header.getUint32(0))) throw new RangeError("it is not a TrueType or OpenType font");
  const count = header.getUint16(4);
  const records = await read(start + 12, count * 16);
  const tables = new Map<string, TableRecord>();
  for (let at = 0; at < count * 16; at += 16) {
    const tag = String.fromCharCode(...[0, 1, 2, 3].map((i) => records.getUint8(at + i)));
    tables.set(tag, { offset: records.getUint32(at + 8), length: records.getUint32(at + 12) });
  }
  const table = (tag: string): Promise<DataView> => {
    const record = tables.get(tag);
    if (record === undefined) throw new RangeError(`it has no ${tag.trim()} table`);
    return read(record.offset, record.length);
  };
  // One table at a time: the reads share the file's position.
  const head = await table("head");
  const hhea = await table("hhea");
  const maxp = await table("maxp");
  const cmap = await table("cmap");
  const name = await table("name");
  const os2 = tables.has("OS/2") ? await table("OS/2") : null;
  const metrics = hhea.getUint16(34);
  const glyphs = maxp.getUint16(4);
  const hmtx = tables.has("hmtx") ? await table("hmtx") : null;
  const advances = new Uint16Array(glyphs);
  let last = 0;
  for (let glyph = 0; glyph < glyphs; glyph++) {
    if (hmtx !== null && glyph < metrics && glyph * 4 + 2 <= hmtx.byteLength) {
      last = hmtx.getUint16(glyph * 4);
    }
    advances[glyph] = last;
  }
  const macStyle = head.getUint16(44);
  const fsSelection = os2 !== null && os2.byteLength >= 64 ? os2.getUint16(62) : 0;
  return {
    path,
    index,
    family: familyName(name) ?? path.replace(/^.*\//, "").replace(/\.[^.]*$/, ""),
    weight: os2 !== null ? os2.getUint16(4) : (macStyle & 1) !== 0 ? 700 : 400,
    italic: (fsSelection & 1) !== 0 || (macStyle & 2) !== 0,
    outlines: tables.has("glyf") || tables.has("CFF ") || tables.has("CFF2"),
    unitsPerEm: head.getUint16(18),
    lineHeight: os2 !== null && os2.byteLength >= 78 && os2.getUint16(74) + os2.getUint16(76) > 0
      ? os2.getUint16(74) + os2.getUint16(76)
      : hhea.getInt16(4) - hhea.getInt16(6),
    glyphOf: parseCmap(cmap),
    advanceOf: (glyph) => advances[glyph] ?? last,
  };
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<DataView> {
  const bytes = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  if (await readFull(file, bytes) < length) throw new RangeError(`the file ends inside a table at ${offset}`);
  return new DataView(bytes.buffer);
}

/** The typographic family (name ID 16), else the family (ID 1), preferring US English Windows names. */
function familyName(name: DataView): string | null {
  const count = name.getUint16(2);
  const strings = name.getUint16(4);
  let best: { rank: number; value: string } | null = null;
  for (let at = 6; at < 6 + count * 12; at += 12) {
    const [platform, encoding, language, id, length, offset] = [0, 2, 4, 6, 8, 10].map((field) =>
      name.getUint16(at + field)
    ) as [number, number, number, number, number, number];
    if (id !== 16 && id !== 1) continue;
    const windows = platform === 3 && (encoding === 1 || encoding === 10);
    const mac = platform === 1 && encoding === 0 && language === 0;
    if (!windows && !mac) continue;
    const rank = (id === 16 ? 0 : 4) + (windows ? (language === 0x409 ? 0 : 1) : 2);
    if (best !== null && best.rank <= rank) continue;
    const bytes = new Uint8Array(name.buffer, name.byteOffset + strings + offset, length);
    const value = windows ? utf16be(bytes) : String.fromCharCode(...bytes);
    if (value !== "") best = { rank, value };
  }
  return best?.value ?? null;
}

function utf16be(bytes: Uint8Array): string {
  const units: number[] = [];
  for (let at = 0; at + 1 < bytes.length; at += 2) units.push(bytes[at]! << 8 | bytes[at + 1]!);
  return String.fromCharCode(...units);
}

/** The lookup of a Unicode `cmap` subtable (format 12 preferred, else 4); one that maps nothing without either. */
function parseCmap(cmap: DataView): (codePoint: number) => number {
  const count = cmap.getUint16(2);
  let format4: number | null = null;
  let format12: number | null = null;
  for (let at = 4; at < 4 + count * 8; at += 8) {
    const platform = cmap.getUint16(at);
    const encoding = cmap.getUint16(at + 2);
    const offset = cmap.getUint32(at + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = cmap.getUint16(offset);
    if (format === 12) format12 ??= offset;
    if (format === 4) format4 ??= offset;
  }
  if (format12 !== null) return format12Lookup(cmap, format12);
  if (format4 !== null) return format4Lookup(cmap, format4);
  return () => 0;
}

function format12Lookup(cmap: DataView, offset: number): (codePoint: number) => number {
  const groups = cmap.getUint32(offset + 12);
  const table = new Uint32Array(groups * 3);
  for (let group = 0; group < groups; group++) {
    for (let field = 0; field < 3; field++) {
      table[group * 3 + field] = cmap.getUint32(offset + 16 + group * 12 + field * 4);
    }
  }
  return (codePoint) => {
    let low = 0;
    let high = groups - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const first = table[middle * 3]!;
      if (codePoint < first) high = middle - 1;
      else if (codePoint > table[middle * 3 + 1]!) low = middle + 1;
      else return table[middle * 3 + 2]! + codePoint - first;
    }
    return 0;
  };
}

function format4Lookup(cmap: DataView, offset: number): (codePoint: number) => number {
  const segments = cmap.getUint16(offset + 6) / 2;
  const ends = offset + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const ranges = deltas + segments * 2;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    let low = 0;
    let high = segments - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (codePoint > cmap.getUint16(ends + middle * 2)) low = middle + 1;
      else if (codePoint < cmap.getUint16(starts + middle * 2)) high = middle - 1;
      else {
        const delta = cmap.getUint16(deltas + middle * 2);
        const range = cmap.getUint16(ranges + middle * 2);
        if (range === 0) return (codePoint + delta) & 0xffff;
        const at = ranges + middle * 2 + range + (codePoint - cmap.getUint16(starts + middle * 2)) * 2;
        if (at + 2 > cmap.byteLength) return 0;
        const glyph = cmap.getUint16(at);
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
    }
    return 0;
  };
}
