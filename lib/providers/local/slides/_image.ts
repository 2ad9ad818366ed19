/**
 * Reads a slide's background image and checks it is a whole PNG or JPEG before resvg sees it (resvg skips an image
 * it cannot decode without saying so).
 * @module
 */
import { Buffer } from "node:buffer";
import { crc32 } from "node:zlib";
import { InputError } from "../../../core/errors.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads `path` and returns it as a `data:` URI for an SVG `<image>`.
 *
 * @throws {InputError} When the file is missing, is not a PNG or JPEG, or is truncated or corrupt.
 */
export async function readImageDataUri(path: string, signal?: AbortSignal): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path, { signal });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new InputError(`Cannot read the slide image ${path}: no such file`, { where: path, cause: error });
  }
  const mime = startsWith(bytes, PNG_SIGNATURE)
    ? "image/png"
    : startsWith(bytes, [0xff, 0xd8, 0xff])
    ? "image/jpeg"
    : null;
  if (mime === null) {
    throw new InputError(`Cannot use ${path} as a slide image: it is not a PNG or JPEG file`, {
      where: path,
    });
  }
  const problem = mime === "image/png" ? checkPng(bytes) : checkJpeg(bytes);
  if (problem !== null) {
    throw new InputError(`Cannot use ${path} as a slide image: ${problem}`, { where: path });
  }
  return `data:${mime};base64,${
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")
  }`;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** Walks the chunks, checking bounds and CRCs; null when the PNG is whole. */
function checkPng(bytes: Uint8Array): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = PNG_SIGNATURE.length;
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
    first = false;
    if (type === "IDAT") hasData = true;
    if (type === "IEND") return hasData ? null : "the PNG has no image data";
    offset = end;
  }
  return "the PNG is truncated";
}

/** Walks the segments to the scan and looks for the end marker; null when the JPEG looks whole. */
function checkJpeg(bytes: Uint8Array): string | null {
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
