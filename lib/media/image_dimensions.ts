/**
 * The size a PNG or JPEG is shown at, read from its header: a PNG's IHDR, a JPEG's frame header, turned by its EXIF
 * orientation (a phone's photo stored sideways is shown upright, as slides draw it).
 * @module
 */
import { jpegFrame } from "./exif_orientation.ts";
import { sniffImage } from "./sniff_media.ts";

/**
 * Reads the size an image is shown at.
 *
 * @param bytes A PNG's or JPEG's bytes (whole, as `imageProblem` checks; a header cut short gives null).
 * @returns Its width and height in pixels, turned by a JPEG's EXIF orientation; null for another kind of file or a
 *   header it cannot read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png_encoder.ts";
 * import { imageDimensions } from "./image_dimensions.ts";
 * assert.deepEqual(imageDimensions(encodePng(new Uint8Array(3 * 2 * 4), 3, 2)), { width: 3, height: 2 });
 * assert.equal(imageDimensions(new TextEncoder().encode("hello")), null);
 * ```
 */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  const kind = sniffImage(bytes);
  if (kind === "png") {
    // The signature (8 bytes), then IHDR: its length, its type, the width and the height.
    if (bytes.length < 24) return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  const frame = kind === "jpeg" ? jpegFrame(bytes) : null;
  if (frame === null) return null;
  // Orientations 5 to 8 turn it a quarter: shown with its sides swapped.
  return frame.orientation >= 5 && frame.orientation <= 8
    ? { width: frame.height, height: frame.width }
    : { width: frame.width, height: frame.height };
}
