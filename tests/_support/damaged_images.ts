/**
 * Images whose structure is whole but whose pixels do not decode (what resvg leaves out of a slide without a word),
 * and images of the kinds reel's PNG decoder leaves to ffmpeg, for the tests of the image checks.
 */
import { deflateSync } from "node:zlib";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { PNG_SIGNATURE, pngChunk } from "../../lib/media/png_encoder.ts";

/** A JPEG of ffmpeg's test pattern, `width` × `height`, as ffmpeg writes one. */
export async function testJpeg(width: number, height: number, args: string[] = []): Promise<Uint8Array> {
  return await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `testsrc=s=${width}x${height}`,
    "-frames:v",
    "1",
    ...args,
    "-f",
    "mjpeg",
    "-",
  ]);
}

/** A 64 × 48 PNG of ffmpeg's test pattern in pixel format `pixFmt` (`gray`, `pal8`, `rgb48be`…). */
export async function testPng(pixFmt: string): Promise<Uint8Array> {
  return await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    "testsrc=s=64x48",
    "-frames:v",
    "1",
    "-pix_fmt",
    pixFmt,
    "-f",
    "image2pipe",
    "-c:v",
    "png",
    "-",
  ]);
}

/** A 640 × 480 JPEG whose segments and end marker are all there, but a sixth of whose scan data is noise. */
export async function corruptJpeg(): Promise<Uint8Array> {
  const bytes = (await testJpeg(640, 480)).slice();
  let scan = 0;
  while (!(bytes[scan] === 0xff && bytes[scan + 1] === 0xda)) scan++;
  const start = scan + 200;
  const length = bytes.length - 2 - start;
  // A fixed noise (a linear congruential generator), so that the file is the same each run.
  let state = 1;
  for (let i = start + Math.floor(length / 3); i < start + Math.floor(length / 2); i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    bytes[i] = state >> 23;
  }
  return bytes;
}

/** A 64 × 64 JPEG whose frame header says it is 12,000 × 12,000 pixels (resvg drew 1.6 GB of garbage from it). */
export async function lyingJpeg(): Promise<Uint8Array> {
  const bytes = (await testJpeg(64, 64)).slice();
  let frame = 0;
  while (!(bytes[frame] === 0xff && bytes[frame + 1] === 0xc0)) frame++;
  new DataView(bytes.buffer).setUint16(frame + 5, 12_000);
  new DataView(bytes.buffer).setUint16(frame + 7, 12_000);
  return bytes;
}

/**
 * A PNG whose chunks and checksums are all right but whose image data holds one row of the 480 its header says:
 * 8-bit grey (`grey`) or palette (`palette`), kinds reel's decoder leaves to ffmpeg.
 */
export function cutShortPng(kind: "grey" | "palette"): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, 640);
  view.setUint32(4, 480);
  header[8] = 8;
  header[9] = kind === "grey" ? 0 : 3;
  const palette = kind === "grey"
    ? []
    : [...pngChunk("PLTE", new Uint8Array(256 * 3).map((_, i) => i % 256))];
  const row = new Uint8Array(1 + 640).fill(kind === "grey" ? 120 : 1);
  row[0] = 0;
  return new Uint8Array([
    ...PNG_SIGNATURE,
    ...pngChunk("IHDR", header),
    ...palette,
    ...pngChunk("IDAT", deflateSync(row)),
    ...pngChunk("IEND", new Uint8Array()),
  ]);
}

/**
 * An 8-bit grey PNG interlaced (Adam7) of one grey level, a kind reel's decoder leaves to ffmpeg; `cutShort` keeps
 * the first four of its seven passes only (every checksum right).
 */
export function interlacedPng(
  width: number,
  height: number,
  options: { cutShort?: boolean } = {},
): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[12] = 1;
  // Each pass: its first column and row, and its steps across and down.
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [
    0,
    1,
    1,
    2,
  ]];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes.slice(0, options.cutShort ? 4 : 7)) {
    const columns = Math.ceil((width - x0!) / dx!);
    const lines = Math.ceil((height - y0!) / dy!);
    if (columns <= 0 || lines <= 0) continue;
    for (let line = 0; line < lines; line++) rows.push(0, ...new Array(columns).fill(128));
  }
  return new Uint8Array([
    ...PNG_SIGNATURE,
    ...pngChunk("IHDR", header),
    ...pngChunk("IDAT", deflateSync(new Uint8Array(rows))),
    ...pngChunk("IEND", new Uint8Array()),
  ]);
}
