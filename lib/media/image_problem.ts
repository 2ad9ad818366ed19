/**
 * Whether an image file is whole: a PNG's chunks in bounds with their checksums right and its pixels inflating to
 * its size, a JPEG's segments in bounds up to its scan and an end marker after it. What a slide or a montage checks
 * before any step, so that a cut or corrupt image stops the render at its field and not in a step.
 * @module
 */
import { crc32 } from "node:zlib";
import { decodePng } from "./png_decoder.ts";
import { sniffImage } from "./sniff_media.ts";

/**
 * What keeps bytes from being a whole PNG or JPEG image, in the user's words.
 *
 * @param bytes The file's bytes.
 * @param options `pixels`: whether a PNG's pixels are inflated too (a check at load), or only its chunks (a
 *   file checked already), @default true; `slide`: whether it is drawn on a slide, whose renderer (resvg) leaves a
 *   CMYK JPEG out without a word (ffmpeg, which montages and overlays use, draws it), @default false
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
  return kind === "png"
    ? pngProblem(bytes, options.pixels ?? true)
    : jpegProblem(bytes, options.slide ?? false);
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

/** Walks the chunks, checking bounds and CRCs, then inflates the pixels where reel's decoder reads the kind. */
function pngProblem(bytes: Uint8Array, pixels: boolean): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
      return pixels ? pixelsProblem(bytes) : null;
    }
    offset = end;
  }
  return "the PNG is truncated";
}

/** Null when the pixels inflate to the image's size (or the PNG is of a kind the decoder leaves to ffmpeg). */
function pixelsProblem(bytes: Uint8Array): string | null {
  try {
    decodePng(bytes);
    return null;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return `the PNG is corrupt (${error.message})`;
  }
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
