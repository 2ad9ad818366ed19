/**
 * A PNG decoder for what slides are made of: 8-bit RGB or RGBA, not interlaced, any of PNG's five row filters.
 * Anything else (palette, grey, 16-bit, interlaced) is left to ffmpeg: {@linkcode decodePng} says so by returning
 * null.
 * @module
 */
import { inflateSync } from "node:zlib";
import { concatBytes } from "../core/concat_bytes.ts";
import { openSystemLibrary } from "../core/open_library.ts";
import { PNG_SIGNATURE } from "./png_encoder.ts";

/** Decoded pixels: `channels` bytes a pixel (3: RGB, 4: RGBA), row after row with no padding. */
export interface DecodedPng {
  width: number;
  height: number;
  channels: 3 | 4;
  pixels: Uint8Array;
}

/** Pixels past which a PNG is left to ffmpeg (a 16K × 16K image): the buffers would not fit a worker's memory. */
const MAX_PIXELS = 16_384 * 16_384;

/**
 * Whether bytes start with PNG's signature (what a caller checks before handing a file that may be a JPEG here).
 *
 * @param bytes The file's first bytes, or all of them.
 * @returns True for a PNG.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPng } from "./png_decoder.ts";
 * assert.ok(!isPng(new TextEncoder().encode("GIF89a")));
 * ```
 */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/**
 * Decodes a PNG of 8-bit RGB or RGBA pixels into new buffers (see {@linkcode PngDecoder} to decode many).
 *
 * @param bytes The file's bytes.
 * @returns The pixels, or null when the file is a PNG of another kind (palette, grey, 16-bit, interlaced).
 * @throws {RangeError} When the bytes are not a whole PNG (no signature, a chunk cut short, too little data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png_encoder.ts";
 * import { decodePng } from "./png_decoder.ts";
 * const decoded = decodePng(encodePng(new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), 2, 1));
 * assert.deepEqual([...decoded!.pixels], [255, 0, 0, 0, 0, 255]);
 * ```
 */
export function decodePng(bytes: Uint8Array): DecodedPng | null {
  return new PngDecoder().decode(bytes);
}

/** Options for {@linkcode PngDecoder}. */
export interface PngDecoderOptions {
  /** What inflates the image data (see {@linkcode pngInflaters}). @default the fastest this thread can use */
  inflater?: PngInflater;
}

/**
 * Decodes PNGs one after another into the same buffers: a 1080p slide's 6 MB of inflated rows and 6 MB of pixels
 * are made once, not for every slide (a fresh buffer is thousands of pages for the kernel to map and zero, which
 * cost more than decoding). Each result's pixels are valid until the next `decode`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png_encoder.ts";
 * import { PngDecoder } from "./png_decoder.ts";
 * const decoder = new PngDecoder();
 * const white = encodePng(new Uint8Array(4 * 4 * 4).fill(255), 4, 4);
 * assert.equal(decoder.decode(white)?.pixels.length, 48);
 * ```
 */
export class PngDecoder {
  #inflated = new Uint8Array(0);
  #pixels = new Uint8Array(0);
  #inflater: PngInflater;

  /**
   * @param options What inflates the image data.
   * @throws {RangeError} When the inflater asked for cannot be used here.
   */
  constructor(options: PngDecoderOptions = {}) {
    const available = pngInflaters();
    this.#inflater = options.inflater ?? available[0]!;
    if (!available.includes(this.#inflater)) {
      throw new RangeError(
        `Cannot inflate PNGs with ${this.#inflater} here (available: ${available.join(", ")})`,
      );
    }
  }

  /** The bytes its buffers hold, grown to the largest image it has read. */
  get capacity(): number {
    return this.#inflated.length + this.#pixels.length;
  }

  /**
   * Decodes a PNG of 8-bit RGB or RGBA pixels.
   *
   * @param bytes The file's bytes.
   * @returns The pixels (valid until the next call), or null when the file is a PNG of another kind.
   * @throws {RangeError} When the bytes are not a whole PNG.
   */
  decode(bytes: Uint8Array): DecodedPng | null {
    const parsed = readChunks(bytes);
    if (parsed === null) return null;
    const { width, height, channels, data } = parsed;
    const stride = width * channels;
    const size = (stride + 1) * height;
    if (this.#inflated.length < size) this.#inflated = new Uint8Array(size);
    const filtered = inflate(data, this.#inflated.subarray(0, size), this.#inflater);
    if (filtered.length < size) throw new RangeError("PNG image data too short for its size");
    if (this.#pixels.length < stride * height) this.#pixels = new Uint8Array(stride * height);
    const pixels = this.#pixels.subarray(0, stride * height);
    for (let y = 0; y < height; y++) {
      unfilterRow(filtered, y * (stride + 1), pixels, y * stride, stride, channels, y > 0);
    }
    return { width, height, channels, pixels };
  }
}

/** The header's facts and the IDAT data, or null for a kind of PNG left to ffmpeg. */
function readChunks(
  bytes: Uint8Array,
): { width: number; height: number; channels: 3 | 4; data: Uint8Array } | null {
  if (!isPng(bytes)) throw new RangeError("Not a PNG: its signature is missing");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: { width: number; height: number; channels: 3 | 4 } | null = null;
  const data: Uint8Array[] = [];
  let offset = 8;
  for (;;) {
    if (offset + 12 > bytes.length) throw new RangeError("PNG cut short: no IEND chunk");
    const length = view.getUint32(offset);
    if (offset + 12 + length > bytes.length) throw new RangeError("PNG cut short inside a chunk");
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const body = offset + 8;
    offset += 12 + length;
    if (type === "IHDR") {
      if (length < 13) throw new RangeError("PNG header too short");
      const [depth, colour, , , interlace] = bytes.subarray(body + 8, body + 13);
      const width = view.getUint32(body);
      const height = view.getUint32(body + 4);
      const plain = depth === 8 && (colour === 2 || colour === 6) && interlace === 0;
      if (!plain || width === 0 || height === 0 || width * height > MAX_PIXELS) return null;
      header = { width, height, channels: colour === 6 ? 4 : 3 };
    } else if (type === "IDAT") {
      data.push(bytes.subarray(body, body + length));
    } else if (type === "IEND") {
      break;
    }
  }
  if (header === null) throw new RangeError("PNG without a header");
  return { ...header, data: data.length === 1 ? data[0]! : concatBytes(data) };
}

/**
 * What inflates a PNG's image data: libdeflate or the system's zlib through FFI (into the decoder's buffer, no copy
 * made), or node:zlib where neither can be opened (no `--allow-ffi`, a static or musl system). libdeflate first:
 * a slide's rows are long runs of one byte, which zlib's inflate copies a byte at a time (13 ms a 1080p slide
 * here) and libdeflate a word at a time (0.5 ms). On a well-formed PNG each gives the same pixels. Malformed ones
 * may fare differently: zlib accepts a stream whose checksum is cut off once the rows are whole, and node:zlib,
 * which inflates all the data before the rows are taken, refuses data holding far more than the rows (over twice
 * their size and 64 KB).
 */
export type PngInflater = "libdeflate" | "zlib" | "node:zlib";

const LIBDEFLATE_SYMBOLS = {
  libdeflate_alloc_decompressor: { parameters: [], result: "pointer" },
  libdeflate_zlib_decompress: {
    parameters: ["pointer", "buffer", "usize", "buffer", "usize", "buffer"],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

const ZLIB_SYMBOLS = {
  uncompress: { parameters: ["buffer", "buffer", "buffer", "usize"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** libdeflate's decompressor of this thread (it keeps no state between calls), once opened; null: not here. */
let libdeflate:
  | {
    inflate: Deno.DynamicLibrary<typeof LIBDEFLATE_SYMBOLS>["symbols"]["libdeflate_zlib_decompress"];
    decompressor: Deno.PointerValue;
  }
  | null
  | undefined;
let zlib: Deno.DynamicLibrary<typeof ZLIB_SYMBOLS>["symbols"] | null | undefined;

/**
 * The inflaters this thread can use, the fastest first: what {@linkcode PngDecoder} uses unless told one.
 *
 * @returns The available inflaters; `"node:zlib"` is always there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pngInflaters } from "./png_decoder.ts";
 * assert.equal(pngInflaters().at(-1), "node:zlib");
 * ```
 */
export function pngInflaters(): PngInflater[] {
  if (libdeflate === undefined) {
    const symbols = openSystemLibrary("libdeflate.so.0", LIBDEFLATE_SYMBOLS)?.symbols ?? null;
    const decompressor = symbols?.libdeflate_alloc_decompressor() ?? null;
    libdeflate = symbols === null || decompressor === null
      ? null
      : { inflate: symbols.libdeflate_zlib_decompress, decompressor };
  }
  if (zlib === undefined) zlib = openSystemLibrary("libz.so.1", ZLIB_SYMBOLS)?.symbols ?? null;
  return [
    ...libdeflate === null ? [] : ["libdeflate" as const],
    ...zlib === null ? [] : ["zlib" as const],
    "node:zlib",
  ];
}

/**
 * Inflates a zlib stream into `target` with `inflater` (one {@linkcode pngInflaters} lists).
 *
 * @returns The inflated bytes: `target`, or a prefix of it (data past `target`'s length is ignored, as decoders
 * tolerate it).
 * @throws {RangeError} When the stream is corrupt.
 */
function inflate(data: Uint8Array, target: Uint8Array, inflater: PngInflater): Uint8Array {
  const length = new BigUint64Array(1);
  if (inflater === "libdeflate" && libdeflate !== null && libdeflate !== undefined) {
    const code = libdeflate.inflate(
      libdeflate.decompressor,
      data,
      BigInt(data.length),
      target,
      BigInt(target.length),
      new Uint8Array(length.buffer),
    );
    if (code === 0) return target.subarray(0, Number(length[0]));
    // LIBDEFLATE_BAD_DATA (1); LIBDEFLATE_INSUFFICIENT_SPACE (3) is data that holds more than its size needs,
    // left to zlib, which stops where the rows end (or, without zlib, to node:zlib, within its bound).
    if (code !== 3) throw new RangeError(`PNG image data is not a valid zlib stream (libdeflate ${code})`);
    inflater = pngInflaters().find((name) => name !== "libdeflate")!;
  }
  if (inflater === "zlib" && zlib !== null && zlib !== undefined) {
    length[0] = BigInt(target.length);
    const code = zlib.uncompress(target, new Uint8Array(length.buffer), data, BigInt(data.length));
    // Z_BUF_ERROR (-5): the data holds more than its size needs (decoders tolerate it, as ffmpeg's does); the rows
    // needed are all there.
    if (code !== 0 && code !== -5) {
      throw new RangeError(`PNG image data is not a valid zlib stream (zlib ${code})`);
    }
    return target.subarray(0, Number(length[0]));
  }
  // As uncompress() above: a corrupt or cut stream refused (its checksum checked), and data past the rows ignored;
  // node:zlib inflates all of it first, so it is bounded (a stream that holds far more than its rows is refused).
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(data, { maxOutputLength: 2 * target.length + 65_536 });
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new RangeError(
      tooLarge
        ? "PNG image data holds far more than its size needs (node:zlib inflates at most twice the rows)"
        : `PNG image data is not a valid zlib stream (node:zlib: ${(error as Error).message})`,
      { cause: error },
    );
  }
  const rows = Math.min(inflated.length, target.length);
  target.set(inflated.subarray(0, rows));
  return target.subarray(0, rows);
}

/** Reverses one row's filter (PNG spec §9.2) into `out` at `at`; the row above is at `at - stride`. */
function unfilterRow(
  raw: Uint8Array,
  from: number,
  out: Uint8Array,
  at: number,
  stride: number,
  bpp: number,
  hasAbove: boolean,
): void {
  const filter = raw[from]!;
  const src = from + 1;
  const up = at - stride;
  switch (filter) {
    case 0:
      out.set(raw.subarray(src, src + stride), at);
      return;
    case 1:
      for (let i = 0; i < stride; i++) {
        out[at + i] = raw[src + i]! + (i >= bpp ? out[at + i - bpp]! : 0);
      }
      return;
    case 2:
      if (!hasAbove) out.set(raw.subarray(src, src + stride), at);
      else unfilterUp(raw, src, out, at, stride);
      return;
    case 3:
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? out[at + i - bpp]! : 0;
        const above = hasAbove ? out[up + i]! : 0;
        out[at + i] = raw[src + i]! + ((left + above) >> 1);
      }
      return;
    case 4:
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? out[at + i - bpp]! : 0;
        const above = hasAbove ? out[up + i]! : 0;
        const corner = hasAbove && i >= bpp ? out[up + i - bpp]! : 0;
        out[at + i] = raw[src + i]! + paeth(left, above, corner);
      }
      return;
    default:
      throw new RangeError(`PNG row filter ${filter} is not one of PNG's five`);
  }
}

/**
 * The "up" filter reversed, four bytes at a time where the output is word-aligned (a byte-wise add with no carry
 * between bytes: the low seven bits added, the top bit put back by exclusive or). A row of zeros, a row the same as
 * the one above (most of a slide), is a plain copy.
 */
function unfilterUp(raw: Uint8Array, src: number, out: Uint8Array, at: number, stride: number): void {
  const aligned = (out.byteOffset + at) % 4 === 0 && stride % 4 === 0;
  if (!aligned) {
    for (let i = 0; i < stride; i++) out[at + i] = raw[src + i]! + out[at - stride + i]!;
    return;
  }
  // The filtered bytes are copied to an aligned scratch row first (its start is one byte past the filter byte).
  const row = scratchRow(stride);
  row.set(raw.subarray(src, src + stride));
  const words = stride >> 2;
  const delta = new Uint32Array(row.buffer, row.byteOffset, words);
  const target = new Uint32Array(out.buffer, out.byteOffset + at, words);
  const above = new Uint32Array(out.buffer, out.byteOffset + at - stride, words);
  let zero = true;
  for (let i = 0; i < words; i++) {
    if (delta[i] !== 0) {
      zero = false;
      break;
    }
  }
  if (zero) {
    target.set(above);
    return;
  }
  for (let i = 0; i < words; i++) {
    const a = delta[i]!, b = above[i]!;
    target[i] = ((a & 0x7f7f7f7f) + (b & 0x7f7f7f7f)) ^ ((a ^ b) & 0x80808080);
  }
}

let scratch = new Uint8Array(0);

function scratchRow(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(size);
  return scratch.subarray(0, size);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
