/**
 * decodePng() gives the pixels ffmpeg decodes, for PNGs written by ffmpeg with each of PNG's five row filters (and
 * its mixed choice), RGB and RGBA, and for reel's own encoder; it declines (null) the kinds it leaves to ffmpeg and
 * refuses bytes that are not a whole PNG.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { decodePng, PngDecoder, pngInflaters } from "../../../lib/media/png_decoder.ts";
import { encodePng } from "../../../lib/media/png_encoder.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const ffmpeg = await findFfmpeg();
const dir = await tempDir("reel-png-decoder-");

/** Seeded pixels: noise in the left half (every byte value, many Paeth ties), smooth ramps in the right half. */
function pixels(width: number, height: number, channels: 3 | 4): Uint8Array {
  const bytes = new Uint8Array(width * height * channels);
  let state = 7;
  for (let i = 0; i < bytes.length; i++) {
    const x = Math.floor(i / channels) % width;
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    bytes[i] = x < width / 2
      ? state >>> 24
      : (x * 5 + Math.floor(i / (width * channels)) * 3 + i % channels) & 255;
  }
  return bytes;
}

/** The pixels as a PNG written by ffmpeg with one of its row-filter choices. */
async function ffmpegPng(
  raw: Uint8Array,
  name: string,
  options: { pred: string; pixFmt: string; size: string },
) {
  await Deno.writeFile(`${dir}/${name}.raw`, raw);
  const png = `${dir}/${name}.png`;
  await runFfmpeg(ffmpeg, [
    ...["-f", "rawvideo", "-pix_fmt", options.pixFmt, "-s", options.size, "-i", `${dir}/${name}.raw`],
    ...["-frames:v", "1", "-pred", options.pred, png],
  ]);
  return await Deno.readFile(png);
}

Deno.test("PngDecoder: libdeflate, zlib and node:zlib are all here (scripts/setup.sh installs libdeflate)", () => {
  assert.deepEqual(pngInflaters(), ["libdeflate", "zlib", "node:zlib"]);
  assert.throws(() => new PngDecoder({ inflater: "pigz" as never }), /Cannot inflate PNGs with pigz here/);
});

Deno.test("decodePng: each row filter, RGB and RGBA, decodes to the pixels ffmpeg encoded, by every inflater", async () => {
  for (const pred of ["none", "sub", "up", "avg", "paeth", "mixed"]) {
    for (const channels of [3, 4] as const) {
      const raw = pixels(66, 34, channels);
      const pixFmt = channels === 4 ? "rgba" : "rgb24";
      const png = await ffmpegPng(raw, `${pred}-${pixFmt}`, { pred, pixFmt, size: "66x34" });
      for (const inflater of pngInflaters()) {
        const decoded = new PngDecoder({ inflater }).decode(png);
        assert.ok(decoded !== null, `${pred} ${pixFmt} ${inflater}`);
        assert.deepEqual([decoded.width, decoded.height, decoded.channels], [66, 34, channels]);
        assert.equal(decoded.pixels.length, raw.length);
        assert.ok(
          decoded.pixels.every((byte, i) => byte === raw[i]),
          `${pred} ${pixFmt} ${inflater}: pixels`,
        );
      }
    }
  }
});

/** A PNG whose header says `height` rows, with its CRC mended, over the image data of `png`. */
async function withHeight(png: Uint8Array, height: number): Promise<Uint8Array> {
  const changed = png.slice();
  new DataView(changed.buffer).setUint32(20, height);
  new DataView(changed.buffer).setUint32(29, (await import("node:zlib")).crc32(changed.subarray(12, 29)));
  return changed;
}

Deno.test("PngDecoder: image data with rows past the header's height gives the header's rows, by every inflater", async () => {
  const width = 12, height = 9;
  const rgb = pixels(width, height, 3);
  const rgba = new Uint8Array(width * height * 4).map((_, i) =>
    i % 4 === 3 ? 255 : rgb[(i >> 2) * 3 + i % 4]!
  );
  const shorter = await withHeight(encodePng(rgba, width, height), 5);
  for (const inflater of pngInflaters()) {
    const decoded = new PngDecoder({ inflater }).decode(shorter);
    assert.deepEqual(decoded?.pixels, rgb.subarray(0, width * 5 * 3), inflater);
  }
});

Deno.test("PngDecoder: corrupt image data is refused by every inflater", () => {
  const png = encodePng(pixels(16, 8, 4), 16, 8);
  // The IDAT chunk starts at 33: its data at 41, past the zlib header's two bytes; a flipped byte in the middle of
  // the deflate stream (the CRC is not checked, as decoders do not) breaks it or its checksum.
  const broken = png.slice();
  broken[41 + 40] = broken[41 + 40]! ^ 0x5a;
  for (const inflater of pngInflaters()) {
    assert.throws(() => new PngDecoder({ inflater }).decode(broken), /not a valid zlib stream/, inflater);
  }
});

Deno.test("decodePng: reel's own PNGs round-trip, rows equal to the one above included", () => {
  const width = 40, height = 6;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = i % 4 === 3 ? 255 : (i * 7 + (i >> 9) * 13) & 255;
  // Rows 2 and 3 repeat row 1: their filtered bytes are all zero.
  rgba.copyWithin(2 * width * 4, width * 4, 2 * width * 4);
  rgba.copyWithin(3 * width * 4, width * 4, 2 * width * 4);
  const decoded = decodePng(encodePng(rgba, width, height));
  assert.deepEqual(decoded?.pixels, rgba.filter((_, i) => i % 4 !== 3));
});

Deno.test("decodePng: palette, grey and 16-bit PNGs are left to ffmpeg; broken bytes are refused", async () => {
  for (const pixFmt of ["pal8", "gray", "rgb48be"]) {
    await runFfmpeg(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=32x16:rate=1",
      "-frames:v",
      "1",
      "-pix_fmt",
      pixFmt,
      `${dir}/${pixFmt}.png`,
    ]);
    assert.equal(decodePng(await Deno.readFile(`${dir}/${pixFmt}.png`)), null, pixFmt);
  }
  const png = encodePng(new Uint8Array(8 * 8 * 4).fill(255), 8, 8);
  assert.throws(() => decodePng(png.subarray(0, png.length - 20)), /cut short/);
  assert.throws(() => decodePng(new TextEncoder().encode("GIF89a....")), /signature/);
});

Deno.test("PngDecoder: one decoder, images of several sizes in turn, each decoded right", () => {
  const decoder = new PngDecoder();
  for (const [width, height] of [[40, 30], [8, 4], [52, 31]] as const) {
    const rgb = pixels(width, height, 3);
    const rgba = new Uint8Array(width * height * 4).map((_, i) =>
      i % 4 === 3 ? 255 : rgb[(i >> 2) * 3 + i % 4]!
    );
    const decoded = decoder.decode(encodePng(rgba, width, height));
    assert.deepEqual([decoded?.width, decoded?.height], [width, height]);
    assert.deepEqual(decoded?.pixels, rgb, `${width}×${height}`);
  }
});

Deno.test("decodePng: image data that ends before its last row is refused", async () => {
  const full = encodePng(new Uint8Array(16 * 8 * 4).fill(200), 16, 8);
  // The same image data, but the header says it has one more row than the data holds.
  const taller = full.slice();
  new DataView(taller.buffer).setUint32(20, 9);
  const crc = (await import("node:zlib")).crc32(taller.subarray(12, 29));
  new DataView(taller.buffer).setUint32(29, crc);
  assert.throws(() => decodePng(taller), /too short for its size/);
});

Deno.test("decodePng: without FFI (node:zlib inflates) the pixels are the same", async () => {
  const width = 24, height = 10;
  const rgba = new Uint8Array(width * height * 4).map((_, i) => i % 4 === 3 ? 255 : (i * 29) & 255);
  await Deno.writeFile(`${dir}/plain.png`, encodePng(rgba, width, height));
  const script = `${dir}/decode.ts`;
  await Deno.writeTextFile(
    script,
    `import { decodePng } from "${new URL("../../../lib/media/png_decoder.ts", import.meta.url)}";\n` +
      `const decoded = decodePng(await Deno.readFile(Deno.args[0]));\n` +
      `await Deno.stdout.write(decoded.pixels);\n`,
  );
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--allow-read", script, `${dir}/plain.png`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.deepEqual(stdout, rgba.filter((_, i) => i % 4 !== 3));
});
