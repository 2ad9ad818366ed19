/**
 * What keeps a slide's renderer from drawing a PNG whose chunks are all whole: resvg (through @resvg/resvg-wasm
 * 2.6.2) decodes PNGs with the Rust `png` crate 0.17.5, which refuses some malformed side chunks (a second pHYs, a
 * gAMA of 1 byte, a tEXt without a keyword…), and resvg then leaves the image out of the slide without a word.
 * The rules here are that crate's, measured against the renderer: it reads the chunks up to the image data and no
 * further, skips the empty ones, and ignores those it does not know (sBIT, bKGD, tIME, eXIf, private ones…).
 * @module
 */
import { constants, inflateSync } from "node:zlib";

/** A PNG chunk: its four-letter type and its data. */
export interface PngChunk {
  /** The chunk's type, e.g. `gAMA`. */
  type: string;
  /** The chunk's data (without its length, type and checksum). */
  data: Uint8Array;
}

/** The longest chunk before the image data the decoder reads (its buffer stops growing at 1 MiB). */
const MAX_CHUNK_BYTES = 1 << 20;
/** The most an iCCP profile may inflate to: 8,000,000 bytes past the 32 KiB window the decoder holds back. */
const MAX_PROFILE_BYTES = 8_000_000 + 32 * 1024;
/** The longest keyword of a text chunk. */
const MAX_KEYWORD_BYTES = 79;
/** Colour types (IHDR's 10th byte) by name. */
const GREY = 0, RGB = 2, PALETTE = 3, GREY_ALPHA = 4, RGBA = 6;
/** The chunks that may come once, and the fewest bytes each must hold (the decoder ignores bytes past them). */
const ONCE: ReadonlyMap<string, number> = new Map([
  ["PLTE", 1],
  ["tRNS", 1],
  ["pHYs", 9],
  ["cHRM", 32],
  ["gAMA", 4],
  ["sRGB", 1],
  ["iCCP", 1],
]);
/** The fewest bytes of the other chunks the decoder reads, where their data is fixed. */
const FIXED: ReadonlyMap<string, number> = new Map([["acTL", 8], ["fcTL", 26]]);

/**
 * Why a slide cannot draw a PNG whose chunks are whole (in bounds, checksums right, IHDR first, IEND last), or
 * null when its renderer decodes them.
 *
 * @param chunks The PNG's chunks, IHDR first.
 * @returns Null, or what is wrong in the user's words (`its gAMA chunk holds 1 byte, not 4`, `it has two pHYs
 *   chunks`…).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slidePngChunkProblem } from "./_slide_png_chunks.ts";
 * const header = { type: "IHDR", data: new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]) };
 * const gamma = { type: "gAMA", data: new Uint8Array([1]) };
 * assert.equal(slidePngChunkProblem([header, gamma]), "its gAMA chunk holds 1 byte, not 4");
 * ```
 */
export function slidePngChunkProblem(chunks: readonly PngChunk[]): string | null {
  const header = chunks[0]!.data;
  const image = {
    width: readUint32(header, 0),
    height: readUint32(header, 4),
    colorType: header[9]!,
  };
  const seen = new Set<string>();
  let sequence = 0;
  let index = 1;
  for (; index < chunks.length && chunks[index]!.type !== "IDAT"; index++) {
    const { type, data } = chunks[index]!;
    // An empty chunk is skipped unread, and does not count as given.
    if (data.length === 0) continue;
    if (data.length > MAX_CHUNK_BYTES) {
      return `its ${type} chunk holds ${bytes(data.length)}, more than the 1 MiB (${
        bytes(MAX_CHUNK_BYTES)
      }) slides read before the image data`;
    }
    if (type === "IHDR") return "it has two IHDR chunks";
    if (type === "fdAT") return "it has an fdAT chunk (an animation frame) before its image data";
    const least = ONCE.get(type) ?? FIXED.get(type);
    if (ONCE.has(type) && seen.has(type)) return `it has two ${type} chunks`;
    seen.add(type);
    if (least !== undefined && data.length < least) {
      return `its ${type} chunk holds ${bytes(data.length)}, not ${least}`;
    }
    if (type === "fcTL") {
      const problem = frameProblem(data, { image, sequence });
      if (problem !== null) return problem;
      sequence++;
      continue;
    }
    const problem = type === "tRNS"
      ? transparencyProblem(data, { colorType: image.colorType, palette: seen.has("PLTE") })
      : type === "tEXt" || type === "zTXt" || type === "iTXt"
      ? textProblem(type, data)
      : type === "iCCP"
      ? profileProblem(data)
      : valueProblem(type, data);
    if (problem !== null) return problem;
  }
  // The image data is one run of IDAT chunks: the decoder reads no further once its zlib stream has ended, and
  // an image whose stream goes on past a chunk that is not IDAT is left out.
  const after = chunks.findIndex((chunk, at) => at > index && chunk.type !== "IDAT");
  if (
    after !== -1 && chunks.slice(after).some((chunk) => chunk.type === "IDAT") &&
    !isWholeStream(chunks.slice(index, after).map((chunk) => chunk.data))
  ) {
    return `its IDAT chunks are split by a ${chunks[after]!.type} chunk`;
  }
  return null;
}

/** Whether the parts, joined, hold a zlib stream to its end (inflated once: only for IDATs split by a chunk). */
function isWholeStream(parts: Uint8Array[]): boolean {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  try {
    inflateSync(joined);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("Z_")) return false;
    throw error;
  }
}

/** Why a pHYs unit or an sRGB rendering intent is refused, or null (other chunks: null). */
function valueProblem(type: string, data: Uint8Array): string | null {
  if (type === "pHYs" && data[8]! > 1) return `its pHYs chunk gives unit ${data[8]}, not 0 or 1`;
  if (type === "sRGB" && data[0]! > 3) return `its sRGB chunk gives rendering intent ${data[0]}, not 0 to 3`;
  return null;
}

/** Why a tRNS chunk is refused for the image's colour type, or null. */
function transparencyProblem(
  data: Uint8Array,
  image: { colorType: number; palette: boolean },
): string | null {
  const least = image.colorType === GREY ? 2 : image.colorType === RGB ? 6 : 0;
  if (data.length < least) return `its tRNS chunk holds ${bytes(data.length)}, not ${least}`;
  if (image.colorType === PALETTE && !image.palette) return "its tRNS chunk comes before its palette (PLTE)";
  if (image.colorType === GREY_ALPHA || image.colorType === RGBA) {
    return "it has a tRNS chunk, which an image with an alpha channel may not have";
  }
  return null;
}

/** Why an fcTL chunk before the image data is refused (its frame is the image itself), or null. */
function frameProblem(
  data: Uint8Array,
  context: { image: { width: number; height: number }; sequence: number },
): string | null {
  const sequence = readUint32(data, 0);
  if (sequence !== context.sequence) {
    return `its fcTL chunk has sequence number ${sequence}, not ${context.sequence}`;
  }
  const [width, height, x, y] = [4, 8, 12, 16].map((at) => readUint32(data, at)) as [
    number,
    number,
    number,
    number,
  ];
  if (data[24]! > 2) return `its fcTL chunk gives dispose op ${data[24]}, not 0 to 2`;
  if (data[25]! > 1) return `its fcTL chunk gives blend op ${data[25]}, not 0 or 1`;
  const { image } = context;
  if (width !== image.width || height !== image.height || x !== 0 || y !== 0) {
    return `its fcTL chunk frames ${width} × ${height} pixels at ${x}, ${y}, not the whole ${image.width} × ${image.height} image`;
  }
  return null;
}

/** Why a tEXt, zTXt or iTXt chunk is refused (its keyword, its flags, its text's encoding), or null. */
function textProblem(type: string, data: Uint8Array): string | null {
  const keyword = data.indexOf(0);
  if (keyword === -1) return `its ${type} chunk has no null byte after its keyword`;
  if (keyword === 0) return `its ${type} chunk has an empty keyword`;
  if (keyword > MAX_KEYWORD_BYTES) {
    return `its ${type} chunk has a keyword of ${keyword} bytes, more than ${MAX_KEYWORD_BYTES}`;
  }
  const value = data.subarray(keyword + 1);
  if (type === "tEXt") return null;
  if (value.length === 0) {
    return `its ${type} chunk ends before its compression ${type === "zTXt" ? "method" : "flag"}`;
  }
  if (type === "zTXt") {
    return value[0] === 0 ? null : `its zTXt chunk gives compression method ${value[0]}, not 0`;
  }
  if (value.length === 1) return "its iTXt chunk ends before its compression method";
  const language = value.indexOf(0, 2);
  const translated = language === -1 ? -1 : value.indexOf(0, language + 1);
  if (translated === -1) {
    return "its iTXt chunk lacks the null bytes after its language tag and translated keyword";
  }
  const [compressed, method] = [value[0]!, value[1]!];
  if (compressed > 1) return `its iTXt chunk gives compression flag ${compressed}, not 0 or 1`;
  if (compressed === 1 && method !== 0) return `its iTXt chunk gives compression method ${method}, not 0`;
  if (value.subarray(2, language).some((byte) => byte > 0x7f)) {
    return "its iTXt chunk's language tag is not ASCII";
  }
  if (!isUtf8(value.subarray(language + 1, translated))) {
    return "its iTXt chunk's translated keyword is not UTF-8";
  }
  if (compressed === 0 && !isUtf8(value.subarray(translated + 1))) {
    return "its iTXt chunk's text is not UTF-8";
  }
  return null;
}

/** Why an iCCP chunk is refused (its name, its compression, its profile's zlib data or size), or null. */
function profileProblem(data: Uint8Array): string | null {
  // The decoder reads a name's first byte whatever it is, then up to 79 more to a null byte.
  let at = 1;
  for (let read = 0; read < MAX_KEYWORD_BYTES; read++) {
    if (at === data.length) return "its iCCP chunk ends inside its profile name";
    if (data[at++] === 0) break;
  }
  if (at === data.length) return "its iCCP chunk ends before its compression method";
  if (data[at] !== 0) return `its iCCP chunk gives compression method ${data[at]}, not 0`;
  const profile = data.subarray(at + 1);
  if (profile.length === 0) return null;
  try {
    // A cut stream is read as far as it goes, as the decoder reads it.
    inflateSync(profile, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_PROFILE_BYTES });
    return null;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      return `its iCCP chunk's colour profile inflates to more than ${bytes(MAX_PROFILE_BYTES)}`;
    }
    if (typeof code === "string" && code.startsWith("Z_")) {
      return `its iCCP chunk's colour profile is not zlib data (${(error as Error).message})`;
    }
    throw error;
  }
}

/** Whether bytes are valid UTF-8. */
function isUtf8(data: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(data);
    return true;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return false;
  }
}

/** A big-endian 32-bit number at `at`. */
function readUint32(data: Uint8Array, at: number): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(at);
}

/** `1 byte`, `1,048,576 bytes`. */
function bytes(count: number): string {
  return count === 1 ? "1 byte" : `${count.toLocaleString("en-US")} bytes`;
}
