/**
 * encodePng() writes the pixels it is given: ffmpeg decodes its PNGs back to the same RGB bytes, at widths that
 * fill the word-wise path exactly, leave 1–3 pixels for the byte-wise tail, or are under four pixels, and from
 * pixels that do not start on a 4-byte boundary (the byte-wise path alone). Its filtered rows are also compared
 * with a byte-by-byte reference, through the PNG's own inflated IDAT, so that a word-wise mistake cannot hide
 * behind a lossless round trip of some other filtering. encodeRgbaPng() keeps alpha the same way.
 */
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { encodePng, encodeRgbaPng } from "../../../lib/media/png_encoder.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const ffmpeg = await findFfmpeg();
const dir = await tempDir("reel-png-encoder-");

/**
 * Opaque pixels with every byte value in every channel (a seeded generator: the same on every run); with `alpha`,
 * every alpha value too.
 */
function pixels(width: number, height: number, seed: number, alpha = false): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  let state = seed;
  for (let i = 0; i < rgba.length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    rgba[i] = i % 4 === 3 && !alpha ? 255 : state >>> 24;
  }
  return rgba;
}

/** PNG's "up" filter of RGBA rows, one byte at a time. */
function referenceRgbaRows(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const raw = new Uint8Array((width * 4 + 1) * height);
  let out = 0;
  for (let y = 0; y < height; y++) {
    raw[out++] = 2;
    for (let at = y * width * 4; at < (y + 1) * width * 4; at++) {
      raw[out++] = y === 0 ? rgba[at]! : (rgba[at]! - rgba[at - width * 4]! + 256) % 256;
    }
  }
  return raw;
}

/** PNG's "up" filter of RGB rows, one byte at a time: what the IDAT must hold. */
function referenceRows(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const raw = new Uint8Array((width * 3 + 1) * height);
  let out = 0;
  for (let y = 0; y < height; y++) {
    raw[out++] = 2;
    for (let x = 0; x < width; x++) {
      for (let channel = 0; channel < 3; channel++) {
        const at = (y * width + x) * 4 + channel;
        raw[out++] = y === 0 ? rgba[at]! : (rgba[at]! - rgba[at - width * 4]! + 256) % 256;
      }
    }
  }
  return raw;
}

/** The inflated IDAT of a PNG with one IDAT chunk (what encodePng writes). */
function idat(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset);
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    if (type === "IDAT") return new Uint8Array(inflateSync(png.subarray(at + 8, at + 8 + length)));
    at += 12 + length;
  }
  throw new Error("No IDAT chunk");
}

/** The RGB (or RGBA) bytes ffmpeg decodes from a PNG file. */
async function decode(png: Uint8Array, name: string, format = "rgb24"): Promise<Uint8Array> {
  await Deno.writeFile(`${dir}/${name}.png`, png);
  await runFfmpeg(ffmpeg, [
    "-i",
    `${dir}/${name}.png`,
    "-f",
    "rawvideo",
    "-pix_fmt",
    format,
    `${dir}/${name}.rgb`,
  ]);
  return await Deno.readFile(`${dir}/${name}.rgb`);
}

/** The RGB bytes of RGBA pixels. */
function rgb(rgba: Uint8Array): Uint8Array {
  return rgba.filter((_, i) => i % 4 !== 3);
}

Deno.test("encodePng: ffmpeg decodes the same pixels, and the rows are filtered byte for byte", async () => {
  const sizes = [[1, 1], [2, 3], [3, 2], [4, 4], [5, 3], [6, 2], [7, 5], [8, 1], [37, 11], [320, 9]] as const;
  for (const [i, [width, height]] of sizes.entries()) {
    const rgba = pixels(width, height, i + 1);
    const png = encodePng(rgba, width, height);
    assert.deepEqual(idat(png), referenceRows(rgba, width, height), `${width}×${height}`);
    assert.deepEqual(await decode(png, `${width}x${height}`), rgb(rgba), `${width}×${height} decoded`);
  }
});

Deno.test("encodePng: pixels that do not start on a word boundary give the same file", () => {
  const rgba = pixels(37, 6, 9);
  const shifted = new Uint8Array(rgba.length + 1).subarray(1);
  shifted.set(rgba);
  assert.equal(shifted.byteOffset % 4, 1);
  assert.deepEqual(encodePng(shifted, 37, 6), encodePng(rgba, 37, 6));
});

Deno.test("encodePng: a pixel count that does not match the size is refused", () => {
  assert.throws(() => encodePng(new Uint8Array(15), 2, 2), /expected 16 bytes of pixels, got 15/);
});

Deno.test("encodeRgbaPng: ffmpeg decodes the same pixels, alpha included, from rows filtered byte for byte", async () => {
  for (const [i, [width, height]] of ([[1, 1], [3, 2], [37, 11]] as const).entries()) {
    const rgba = pixels(width, height, 40 + i, true);
    const png = encodeRgbaPng(rgba, width, height);
    assert.equal(png[25], 6, "colour type 6: RGBA");
    assert.deepEqual(idat(png), referenceRgbaRows(rgba, width, height), `${width}×${height}`);
    assert.deepEqual(
      await decode(png, `rgba-${width}x${height}`, "rgba"),
      rgba,
      `${width}×${height} decoded`,
    );
  }
  assert.throws(() => encodeRgbaPng(new Uint8Array(15), 2, 2), /expected 16 bytes of pixels, got 15/);
});
