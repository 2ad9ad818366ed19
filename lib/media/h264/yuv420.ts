/**
 * RGB pixels to the YUV 4:2:0 planes H.264 encodes: BT.709, limited range (what `scale=out_color_matrix=bt709:
 * out_range=tv,format=yuv420p` makes, and what the stills' streams say they hold), each chroma sample the mean of
 * its 2×2 pixels.
 * @module
 */

/** The three planes of a picture, each row after row with no padding: `y` is width × height, `u` and `v` a quarter. */
export interface Yuv420Planes {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

// BT.709: Kr 0.2126, Kb 0.0722. Limited range: Y in 16..235 (219 steps), Cb and Cr in 16..240 (224 steps) around 128.
// Fixed point, 16 fractional bits; a chroma sample adds four pixels, so it shifts by two more.
const FRACTION = 1 << 16;
const Y_SCALE = 219 / 255;
const C_SCALE = 224 / 255;
const YR = Math.round(0.2126 * Y_SCALE * FRACTION);
const YG = Math.round(0.7152 * Y_SCALE * FRACTION);
const YB = Math.round(0.0722 * Y_SCALE * FRACTION);
const UR = Math.round((-0.2126 / 1.8556) * C_SCALE * FRACTION);
const UG = Math.round((-0.7152 / 1.8556) * C_SCALE * FRACTION);
const UB = Math.round(0.5 * C_SCALE * FRACTION);
const VR = Math.round(0.5 * C_SCALE * FRACTION);
const VG = Math.round((-0.7152 / 1.5748) * C_SCALE * FRACTION);
const VB = Math.round((-0.0722 / 1.5748) * C_SCALE * FRACTION);
const Y_OFFSET = (16 << 16) + (1 << 15);
const C_OFFSET = (128 << 18) + (1 << 17);

/**
 * Converts RGB or RGBA pixels (alpha ignored: slides are opaque) to YUV 4:2:0. A row the same as the one above it
 * (most rows of a slide) is copied rather than converted again.
 *
 * @param image The pixels, their size (both even) and bytes per pixel.
 * @param planes Where to write: `y` of width × height bytes, `u` and `v` of a quarter of that.
 * @throws {RangeError} When a side is odd or a plane has the wrong size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rgbToYuv420 } from "./yuv420.ts";
 * const white = new Uint8Array(2 * 2 * 3).fill(255);
 * const planes = { y: new Uint8Array(4), u: new Uint8Array(1), v: new Uint8Array(1) };
 * rgbToYuv420({ width: 2, height: 2, channels: 3, pixels: white }, planes);
 * assert.deepEqual([...planes.y, ...planes.u, ...planes.v], [235, 235, 235, 235, 128, 128]);
 * ```
 */
export function rgbToYuv420(
  image: { width: number; height: number; channels: 3 | 4; pixels: Uint8Array },
  planes: Yuv420Planes,
): void {
  const { width, height, channels, pixels } = image;
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new RangeError(`YUV 4:2:0 needs even sides, got ${width}×${height}`);
  }
  const chroma = (width / 2) * (height / 2);
  if (planes.y.length !== width * height || planes.u.length !== chroma || planes.v.length !== chroma) {
    throw new RangeError(`The planes do not fit a ${width}×${height} picture`);
  }
  const stride = width * channels;
  const same = sameRows(pixels, stride, height);
  const { y: luma, u, v } = planes;
  for (let row = 0; row < height; row++) {
    const out = row * width;
    if (same[row] === 1) {
      luma.copyWithin(out, out - width, out);
      continue;
    }
    for (let x = 0, at = row * stride; x < width; x++, at += channels) {
      luma[out + x] = (YR * pixels[at]! + YG * pixels[at + 1]! + YB * pixels[at + 2]! + Y_OFFSET) >> 16;
    }
  }
  const half = width / 2;
  for (let row = 0; row < height; row += 2) {
    const out = (row / 2) * half;
    if (row > 0 && same[row - 1] === 1 && same[row] === 1 && same[row + 1] === 1) {
      // Both rows are the pair above's (all four the same): so are their chroma samples.
      u.copyWithin(out, out - half, out);
      v.copyWithin(out, out - half, out);
      continue;
    }
    const top = row * stride;
    const bottom = top + stride;
    for (let x = 0; x < half; x++) {
      const a = top + x * 2 * channels, b = bottom + x * 2 * channels;
      const r = pixels[a]! + pixels[a + channels]! + pixels[b]! + pixels[b + channels]!;
      const g = pixels[a + 1]! + pixels[a + 1 + channels]! + pixels[b + 1]! + pixels[b + 1 + channels]!;
      const bl = pixels[a + 2]! + pixels[a + 2 + channels]! + pixels[b + 2]! + pixels[b + 2 + channels]!;
      u[out + x] = (UR * r + UG * g + UB * bl + C_OFFSET) >> 18;
      v[out + x] = (VR * r + VG * g + VB * bl + C_OFFSET) >> 18;
    }
  }
}

/** For each row, 1 when its bytes are those of the row above (never for the first row), else 0. */
function sameRows(pixels: Uint8Array, stride: number, height: number): Uint8Array {
  const same = new Uint8Array(height);
  const wordWise = pixels.byteOffset % 4 === 0 && stride % 4 === 0;
  const words = wordWise ? new Uint32Array(pixels.buffer, pixels.byteOffset, (stride * height) >> 2) : null;
  const unit = wordWise ? stride >> 2 : stride;
  const data: Uint8Array | Uint32Array = words ?? pixels;
  for (let row = 1; row < height; row++) {
    const start = row * unit;
    let equal = 1;
    for (let i = start; i < start + unit; i++) {
      if (data[i] !== data[i - unit]) {
        equal = 0;
        break;
      }
    }
    same[row] = equal;
  }
  return same;
}
