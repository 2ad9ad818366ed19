/**
 * Test helpers: read a PNG's size from its header and decode it to RGB with ffmpeg.
 * @module
 */
import { tempFile } from "../../../../_support/temp_dir.ts";

/** A decoded image: `rgb` holds 3 bytes per pixel, row by row. */
export interface Pixels {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/** The width and height in a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((byte, index) => png[index] === byte)) throw new Error("Not a PNG: bad signature");
  if (new TextDecoder().decode(png.subarray(12, 16)) !== "IHDR") throw new Error("Not a PNG: no IHDR first");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Decodes a PNG to raw rgb24 with ffmpeg. */
export async function decodePng(png: Uint8Array): Promise<Pixels> {
  const { width, height } = pngSize(png);
  const file = await tempFile(".png");
  try {
    await Deno.writeFile(file, png);
    const args = ["-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"];
    const { code, stdout, stderr } = await new Deno.Command("ffmpeg", {
      args,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (code !== 0) throw new Error(`ffmpeg failed: ${new TextDecoder().decode(stderr)}`);
    if (stdout.length !== width * height * 3) {
      throw new Error(`ffmpeg gave ${stdout.length} bytes for ${width}x${height}`);
    }
    return { width, height, rgb: stdout };
  } finally {
    await Deno.remove(file);
  }
}

/** The colour at (x, y). */
export function pixelAt(image: Pixels, x: number, y: number): Rgb {
  const at = (y * image.width + x) * 3;
  return [image.rgb[at]!, image.rgb[at + 1]!, image.rgb[at + 2]!];
}

/** `#rrggbb` as numbers. */
export function hexToRgb(hex: string): Rgb {
  return [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16)) as unknown as Rgb;
}

/** Whether two colours are within `tolerance` on every channel. */
export function near(a: Rgb, b: Rgb, tolerance = 0): boolean {
  return a.every((channel, index) => Math.abs(channel - b[index]!) <= tolerance);
}

/** The bounding box of pixels that satisfy `test` inside a region, or null when none do. */
export function boundingBox(
  image: Pixels,
  test: (color: Rgb) => boolean,
  region = { x: 0, y: 0, width: image.width, height: image.height },
): { left: number; top: number; right: number; bottom: number; count: number; rows: number } | null {
  let left = Infinity, top = Infinity, right = -1, bottom = -1, count = 0, rows = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    let rowHit = false;
    for (let x = region.x; x < region.x + region.width; x++) {
      if (!test(pixelAt(image, x, y))) continue;
      rowHit = true;
      count++;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
    if (rowHit) rows++;
  }
  return count === 0 ? null : { left, top, right, bottom, count, rows };
}

/** How many separate bands of rows inside a region hold a pixel that satisfies `test` (stacked shapes count apart). */
export function countBands(
  image: Pixels,
  test: (color: Rgb) => boolean,
  region = { x: 0, y: 0, width: image.width, height: image.height },
): number {
  let bands = 0;
  let inBand = false;
  for (let y = region.y; y < region.y + region.height; y++) {
    let hit = false;
    for (let x = region.x; x < region.x + region.width && !hit; x++) hit = test(pixelAt(image, x, y));
    if (hit && !inBand) bands++;
    inBand = hit;
  }
  return bands;
}

/** The mean row and column of the pixels that satisfy `test`, or null when none do. */
export function centreOfMass(image: Pixels, test: (color: Rgb) => boolean): { x: number; y: number } | null {
  let count = 0, sumX = 0, sumY = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!test(pixelAt(image, x, y))) continue;
      count++;
      sumX += x;
      sumY += y;
    }
  }
  return count === 0 ? null : { x: sumX / count, y: sumY / count };
}

/** The bands of rows inside a region that hold a pixel satisfying `test`, top to bottom, each as its first and last row. */
export function rowBands(
  image: Pixels,
  test: (color: Rgb) => boolean,
  region = { x: 0, y: 0, width: image.width, height: image.height },
): { top: number; bottom: number }[] {
  const bands: { top: number; bottom: number }[] = [];
  for (let y = region.y; y < region.y + region.height; y++) {
    let hit = false;
    for (let x = region.x; x < region.x + region.width && !hit; x++) hit = test(pixelAt(image, x, y));
    const last = bands.at(-1);
    if (hit && last !== undefined && last.bottom === y - 1) last.bottom = y;
    else if (hit) bands.push({ top: y, bottom: y });
  }
  return bands;
}
