/**
 * A JPEG's EXIF orientation: how a camera that stored its pixels sideways (a phone held upright) says to turn them
 * for display. Every viewer and ffmpeg turn them; resvg draws the stored pixels, so a slide showed a phone's photo
 * lying on its side.
 * @module
 */

/** A JPEG's EXIF orientation (1-8; 2-8 to be turned or mirrored for display) and its stored size. */
export interface ExifOrientation {
  orientation: number;
  width: number;
  height: number;
}

/** Start-of-frame markers (baseline, progressive, lossless…), whose segment gives the stored size. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Reads a JPEG's EXIF orientation and its stored size.
 *
 * @param bytes The file's bytes.
 * @returns The orientation and size when the file is a JPEG whose EXIF says to turn or mirror it (2-8); null for
 * any other file, a JPEG without EXIF or with orientation 1, or EXIF it cannot read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exifOrientation } from "./exif_orientation.ts";
 * assert.equal(exifOrientation(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), null);
 * ```
 */
export function exifOrientation(bytes: Uint8Array): ExifOrientation | null {
  const frame = jpegFrame(bytes);
  return frame !== null && frame.orientation >= 2 && frame.orientation <= 8 ? frame : null;
}

/**
 * Reads a JPEG's stored size from its frame header, with its EXIF orientation (1 when it has none, or EXIF that
 * cannot be read).
 *
 * @param bytes The file's bytes.
 * @returns The orientation and the stored size; null for any other file, or a JPEG whose segments before its frame
 * header cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jpegFrame } from "./exif_orientation.ts";
 * // A frame header alone: 8 bits, 2 rows of 3 pixels, 1 component.
 * const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 2, 0, 3, 1, 1, 0x11, 0, 0xff, 0xd9]);
 * assert.deepEqual(jpegFrame(jpeg), { orientation: 1, width: 3, height: 2 });
 * ```
 */
export function jpegFrame(bytes: Uint8Array): ExifOrientation | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let orientation = 1;
  for (let at = 2; at + 4 <= bytes.length;) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // the image data before a frame header
    const length = view.getUint16(at + 2);
    const body = at + 4;
    if (length < 2 || body + length - 2 > bytes.length) return null;
    if (marker === 0xe1 && orientation === 1) orientation = readOrientation(view, body, length - 2) ?? 1;
    if (SOF.has(marker)) {
      if (length < 7) return null;
      return { orientation, height: view.getUint16(body + 1), width: view.getUint16(body + 3) };
    }
    at = body + length - 2;
  }
  return null;
}

/** The orientation tag (0x0112) of an APP1 segment that holds EXIF, or null. */
function readOrientation(view: DataView, start: number, length: number): number | null {
  // "Exif\0\0", then a TIFF header: byte order, 42, the first IFD's offset.
  if (length < 14 || view.getUint32(start) !== 0x45786966 || view.getUint16(start + 4) !== 0) return null;
  const tiff = start + 6;
  const order = view.getUint16(tiff);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const little = order === 0x4949;
  const end = start + length;
  if (view.getUint16(tiff + 2, little) !== 42) return null;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return null;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return null;
    if (view.getUint16(entry, little) !== 0x0112) continue;
    // A SHORT, held in the first two bytes of the value field.
    return view.getUint16(entry + 2, little) === 3 ? view.getUint16(entry + 8, little) : null;
  }
  return null;
}

/**
 * The SVG transform that turns an image of the stored size into its displayed frame (whose width and height are
 * swapped for orientations 5-8).
 *
 * @param turn The orientation and stored size.
 * @returns A `matrix(…)`, and the displayed width and height.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orientationTransform } from "./exif_orientation.ts";
 * // Orientation 6: stored landscape, shown turned a quarter clockwise.
 * assert.deepEqual(orientationTransform({ orientation: 6, width: 320, height: 180 }), {
 *   matrix: "matrix(0 1 -1 0 180 0)", width: 180, height: 320,
 * });
 * ```
 */
export function orientationTransform(
  turn: ExifOrientation,
): { matrix: string; width: number; height: number } {
  const { width: w, height: h } = turn;
  // [a b c d e f]: x' = a·x + c·y + e, y' = b·x + d·y + f.
  const matrices: Record<number, number[]> = {
    2: [-1, 0, 0, 1, w, 0],
    3: [-1, 0, 0, -1, w, h],
    4: [1, 0, 0, -1, 0, h],
    5: [0, 1, 1, 0, 0, 0],
    6: [0, 1, -1, 0, h, 0],
    7: [0, -1, -1, 0, h, w],
    8: [0, -1, 1, 0, 0, w],
  };
  const swapped = turn.orientation >= 5;
  return {
    matrix: `matrix(${(matrices[turn.orientation] ?? [1, 0, 0, 1, 0, 0]).join(" ")})`,
    width: swapped ? h : w,
    height: swapped ? w : h,
  };
}
