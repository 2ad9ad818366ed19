/**
 * Whether an image file is whole: a PNG's chunks in bounds with their checksums right and its pixels inflating to
 * its size, a JPEG's segments in bounds up to its scan and an end marker after it ({@linkcode imageProblem}, on this
 * thread); and its pixels decoded whole, by reel's PNG decoder or by ffmpeg for the kinds it leaves (a JPEG, a grey,
 * palette, 16-bit or interlaced PNG: {@linkcode decodedImageProblem}). What a slide, a montage or an overlay checks
 * before any step, so that a cut or corrupt image stops the render at its field and not in a step (or, on a slide,
 * is left out without a word by resvg).
 * @module
 */
import { crc32 } from "node:zlib";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { mapBounded } from "../core/map_bounded.ts";
import { ffmpegWords, runFfmpegSaying, stoppedFromOutside } from "./ffmpeg.ts";
import { type PngChunk, slidePngChunkProblem } from "./_slide_png_chunks.ts";
import { decodePng } from "./png_decoder.ts";
import { ProcessError } from "./run_process.ts";
import { sniffImage } from "./sniff_media.ts";

/**
 * What keeps bytes from being a whole PNG or JPEG image, in the user's words.
 *
 * @param bytes The file's bytes.
 * @param options `pixels`: whether a PNG's pixels are inflated too, where reel's decoder reads its kind (8-bit RGB or
 *   RGBA, not interlaced: the others, and a JPEG's pixels, only {@linkcode decodedImageProblem} decodes), or only its
 *   chunks, @default true; `slide`: whether it is drawn on a slide, whose renderer (resvg) leaves a
 *   CMYK JPEG, or a PNG with a malformed side chunk (a second pHYs, a gAMA of 1 byte), out without a word
 *   (ffmpeg, which montages and overlays use, draws them), @default false
 * @returns Null for a whole PNG or JPEG of at most {@linkcode MAX_IMAGE_PIXELS}, else why not (`not a PNG or JPEG image`, `the PNG is truncated`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png_encoder.ts";
 * import { imageProblem } from "./image_problem.ts";
 * const png = encodePng(new Uint8Array([255, 0, 0, 255]), 1, 1);
 * assert.equal(imageProblem(png), null);
 * assert.equal(imageProblem(png.subarray(0, png.length - 20)), "the PNG is truncated");
 * assert.equal(imageProblem(new TextEncoder().encode("hello")), "not a PNG or JPEG image");
 * ```
 */
export function imageProblem(
  bytes: Uint8Array,
  options: { pixels?: boolean; slide?: boolean } = {},
): string | null {
  const kind = sniffImage(bytes);
  if (kind === null) return "not a PNG or JPEG image";
  const { pixels = true, slide = false } = options;
  return kind === "png" ? pngProblem(bytes, { pixels, slide }) : jpegProblem(bytes, slide);
}

/** Options for {@linkcode decodedImageProblem}. */
export interface DecodedImageProblemOptions {
  /** Whether it is drawn on a slide (a CMYK JPEG is then refused, see {@linkcode imageProblem}). @default false */
  slide?: boolean;
  /** Kills ffmpeg's decode. */
  signal?: AbortSignal;
}

/**
 * What keeps bytes from being a PNG or JPEG whose pixels all decode, in the user's words: {@linkcode imageProblem}'s
 * checks, then the pixels decoded, on this thread for an 8-bit RGB(A) PNG, else by ffmpeg with its decoder's errors
 * made fatal (a JPEG whose scan is corrupt, a grey or palette PNG cut short, a JPEG whose frame header claims more
 * pixels than its data holds). About 130 ms for ffmpeg to start and decode a small image, 0.4 s a 24-megapixel
 * photo: a caller decodes each distinct image once.
 *
 * @param paths The ffmpeg that decodes.
 * @param bytes The file's bytes.
 * @param options Whether it is drawn on a slide, and the signal.
 * @returns Null for an image that decodes whole, else why not (`the JPEG is corrupt: its pixels do not decode`, …).
 * @throws What running ffmpeg throws for a failure that is not the image's (ffmpeg missing, an abort).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * import { decodedImageProblem } from "./image_problem.ts";
 * const ffmpeg = await findFfmpeg();
 * const jpeg = await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "testsrc=s=32x24", "-frames:v", "1", "-f", "mjpeg", "-"]);
 * assert.equal(await decodedImageProblem(ffmpeg, jpeg), null);
 * const scrambled = jpeg.slice();
 * scrambled.fill(0x55, jpeg.length - 300, jpeg.length - 100);
 * assert.match(await decodedImageProblem(ffmpeg, scrambled) ?? "", /^the JPEG is corrupt: its pixels do not decode/);
 * ```
 */
export async function decodedImageProblem(
  paths: FfmpegPaths,
  bytes: Uint8Array,
  options: DecodedImageProblemOptions = {},
): Promise<string | null> {
  const { slide = false, signal } = options;
  const problem = imageProblem(bytes, { pixels: false, slide });
  if (problem !== null) return problem;
  const kind = sniffImage(bytes) === "png" ? "PNG" : "JPEG";
  if (kind === "PNG") {
    const here = pixelsProblem(bytes);
    if (here !== undefined) return here;
  }
  let said: string;
  try {
    // From the bytes checked (not the file again), read as what they are whatever the name says; the first picture
    // only (a camera's JPEG may hold a preview after it, a phone's a video); a PNG to its end chunk (ffmpeg reads
    // bytes after it as a next PNG, and fails on them; resvg, like reel, leaves them).
    const { stderr } = await runFfmpegSaying(paths, [
      "-err_detect",
      "explode",
      "-xerror",
      "-f",
      kind === "PNG" ? "png_pipe" : "jpeg_pipe",
      "-i",
      "pipe:0",
      "-frames:v",
      "1",
      "-f",
      "null",
      "-",
    ], { stdin: kind === "PNG" ? bytes.subarray(0, pngLength(bytes)) : bytes, signal });
    // A PNG's error said and gone on past: an interlaced PNG cut short exits 0, saying `IEND without all image`. A
    // JPEG's words are not enough (EXIF it cannot parse, whose pixels decode); its decoder's errors end it, non-zero.
    if (kind === "JPEG" || stderr.trim() === "") return null;
    said = stderr;
  } catch (error) {
    // Stopped (a Ctrl-C, a kill, a full disk): nothing is known of the bytes.
    if (!(error instanceof ProcessError) || stoppedFromOutside(error)) throw error;
    said = error.stderr;
  }
  // `[mjpeg @ 0x55…] error count: 64`: the decoder's words, without its address. A JPEG whose frame header claims
  // more than its data (64 × 64 pixels said to be 12,000 × 12,000) fails with none at this level.
  const words = ffmpegWords(said, { lines: 2 });
  return `the ${kind} is corrupt: its pixels do not decode${words === "" ? "" : ` (ffmpeg: ${words})`}`;
}

/** Images decoded at once by {@linkcode decodedImageProblems}: each is an ffmpeg process or a PNG on this thread. */
const DECODES_IN_FLIGHT = 4;

/**
 * {@linkcode decodedImageProblem} of each distinct image among `images` (by `key`, its content's digest or its path),
 * read from its file and decoded once, a few at a time.
 *
 * @param paths The ffmpeg that decodes.
 * @param images The images, each with the key that tells it apart.
 * @param options Whether they are drawn on a slide, and the signal.
 * @returns Each key's problem, or null where its image decodes whole.
 * @throws What reading a file or running ffmpeg throws for a failure that is not the image's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * import { decodedImageProblems } from "./image_problem.ts";
 * const ffmpeg = await findFfmpeg();
 * const file = await Deno.makeTempFile({ suffix: ".jpg" });
 * await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "testsrc=s=32x24", "-frames:v", "1", file]);
 * const found = await decodedImageProblems(ffmpeg, [{ path: file, key: "a" }, { path: file, key: "a" }]);
 * assert.deepEqual([...found], [["a", null]]);
 * await Deno.remove(file);
 * ```
 */
export async function decodedImageProblems(
  paths: FfmpegPaths,
  images: readonly { path: string; key: string }[],
  options: DecodedImageProblemOptions = {},
): Promise<Map<string, string | null>> {
  const distinct = [...new Map(images.map((image) => [image.key, image])).values()];
  const problems = await mapBounded(distinct, async (image) => {
    const bytes = await Deno.readFile(image.path, { signal: options.signal });
    return await decodedImageProblem(paths, bytes, options);
  }, { concurrency: DECODES_IN_FLIGHT, signal: options.signal });
  return new Map(distinct.map((image, i) => [image.key, problems[i]!]));
}

/**
 * The most pixels an image may have: decoded, 250 megapixels take 1 GB (a 200-megapixel phone photo fits); a
 * small file can claim far more (a 389 KB PNG of 20,000 × 20,000 pixels took 2.1 GB and 18 s to draw).
 */
export const MAX_IMAGE_PIXELS = 250_000_000;

/** Why an image of this size is refused, or null. */
function sizeProblem(width: number, height: number): string | null {
  if (width * height <= MAX_IMAGE_PIXELS) return null;
  return `it is ${width} × ${height} pixels (${
    Math.round(width * height / 1e6)
  } megapixels), more than the ` +
    `${MAX_IMAGE_PIXELS / 1e6} megapixels reel decodes: scale it down first`;
}

/**
 * Walks the chunks, checking bounds and CRCs (and, for a slide, what its renderer refuses in them), then inflates
 * the pixels where reel's decoder reads the kind.
 */
function pngProblem(bytes: Uint8Array, options: { pixels: boolean; slide: boolean }): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let offset = 8;
  let first = true;
  let hasData = false;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return "the PNG is truncated";
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== view.getUint32(end - 4)) {
      return `the PNG is corrupt (bad checksum in its ${type} chunk)`;
    }
    if (first && (type !== "IHDR" || view.getUint32(offset + 8) === 0 || view.getUint32(offset + 12) === 0)) {
      return "the PNG has no valid header";
    }
    if (first) {
      const size = sizeProblem(view.getUint32(offset + 8), view.getUint32(offset + 12));
      if (size !== null) return size;
    }
    first = false;
    if (type === "IDAT") hasData = true;
    if (type === "IEND") {
      if (!hasData) return "the PNG has no image data";
      const undrawable = options.slide ? slidePngChunkProblem(chunks) : null;
      if (undrawable !== null) {
        return `the PNG is malformed (${undrawable}), which slides cannot draw: save it again from an image editor`;
      }
      return options.pixels ? pixelsProblem(bytes) ?? null : null;
    }
    chunks.push({ type, data: bytes.subarray(offset + 8, end - 4) });
    offset = end;
  }
  return "the PNG is truncated";
}

/** Null when the pixels inflate to the image's size; undefined for a PNG of a kind the decoder leaves to ffmpeg. */
function pixelsProblem(bytes: Uint8Array): string | null | undefined {
  try {
    return decodePng(bytes) === null ? undefined : null;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return `the PNG is corrupt (${error.message})`;
  }
}

/** Where a PNG whose chunks were checked ends: after its IEND chunk. */
function pngLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const end = offset + 12 + view.getUint32(offset);
    if (String.fromCharCode(...bytes.subarray(offset + 4, offset + 8)) === "IEND") return end;
    offset = end;
  }
  return bytes.length;
}

/** Walks the segments to the scan and looks for the end marker; null when the JPEG looks whole. */
function jpegProblem(bytes: Uint8Array, slide: boolean): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  let hasFrame = false;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return "the JPEG is corrupt (bad segment marker)";
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = view.getUint16(offset + 2);
    if (offset + 2 + length > bytes.length) return "the JPEG is truncated";
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (length < 8 || view.getUint16(offset + 5) === 0 || view.getUint16(offset + 7) === 0) {
        return "the JPEG has no valid frame header";
      }
      const size = sizeProblem(view.getUint16(offset + 7), view.getUint16(offset + 5));
      if (size !== null) return size;
      // Four components: CMYK (or YCCK), a print shop's JPEG.
      if (slide && length >= 8 && bytes[offset + 9] === 4) {
        return "the JPEG is CMYK, which slides cannot draw: save it as RGB (sRGB)";
      }
      hasFrame = true;
    }
    if (marker === 0xda) {
      if (!hasFrame) return "the JPEG has no frame header";
      return hasEndMarker(bytes, offset + 2 + length) ? null : "the JPEG is truncated";
    }
    offset += 2 + length;
  }
  return "the JPEG is truncated";
}

/** Whether an end-of-image marker follows `from`; inside scan data 0xFF is always escaped, so FF D9 is the end. */
function hasEndMarker(bytes: Uint8Array, from: number): boolean {
  for (let index = bytes.length - 2; index >= from; index--) {
    if (bytes[index] === 0xff && bytes[index + 1] === 0xd9) return true;
  }
  return false;
}
