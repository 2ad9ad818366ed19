/** An image is whole when it decodes: cut, corrupt or foreign bytes are told apart in the user's words. */
import assert from "node:assert/strict";
import { crc32, deflateSync } from "node:zlib";
import { imageProblem, MAX_IMAGE_PIXELS } from "../../../lib/media/image_problem.ts";
import { encodePng, pngChunk } from "../../../lib/media/png_encoder.ts";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const RED = encodePng(new Uint8Array(8 * 8 * 4).fill(255), 8, 8);

Deno.test("imageProblem() passes whole PNGs and JPEGs, also kinds reel's decoder leaves to ffmpeg", async () => {
  assert.equal(imageProblem(RED), null);
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  const kinds: [string, string[]][] = [["a.jpg", []], ["grey.png", ["-pix_fmt", "gray"]], ["pal.png", [
    "-pix_fmt",
    "pal8",
  ]]];
  for (const [name, args] of kinds) {
    const source = ["-f", "lavfi", "-i", "testsrc=s=32x24", "-frames:v", "1"];
    await runFfmpeg(ffmpeg, [...source, ...args, `${dir}/${name}`]);
    assert.equal(imageProblem(await Deno.readFile(`${dir}/${name}`)), null, name);
  }
});

Deno.test("imageProblem() names a cut PNG or JPEG, a bad checksum, pixels that do not inflate, and non-images", async () => {
  assert.equal(imageProblem(RED.subarray(0, RED.length - 12)), "the PNG is truncated");
  assert.equal(imageProblem(RED.subarray(0, 40)), "the PNG is truncated");
  const flipped = RED.slice();
  flipped[45] = flipped[45]! ^ 0xff;
  assert.match(imageProblem(flipped) ?? "", /^the PNG is corrupt \(bad checksum in its IDAT chunk\)$/);
  // Chunks whole and checksums right, but the image data holds half the rows its header says.
  const header = RED.subarray(8, 8 + 25);
  const half = deflateSync(new Uint8Array((8 * 3 + 1) * 4));
  const short = new Uint8Array([
    ...RED.subarray(0, 8),
    ...header,
    ...pngChunk("IDAT", half),
    ...pngChunk("IEND", new Uint8Array()),
  ]);
  assert.match(imageProblem(short) ?? "", /^the PNG is corrupt \(PNG image data/);
  const dir = await tempDir();
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    "testsrc=s=32x24",
    "-frames:v",
    "1",
    `${dir}/a.jpg`,
  ]);
  const jpeg = await Deno.readFile(`${dir}/a.jpg`);
  assert.equal(imageProblem(jpeg.subarray(0, jpeg.length - 100)), "the JPEG is truncated");
  assert.equal(imageProblem(new TextEncoder().encode("<html>")), "not a PNG or JPEG image");
});

Deno.test("imageProblem() refuses a CMYK JPEG for a slide, whose renderer leaves it out, and not for ffmpeg, which draws it", async () => {
  const cmyk = await Deno.readFile(new URL("../../fixtures/cmyk.jpg", import.meta.url));
  assert.equal(
    imageProblem(cmyk, { slide: true }),
    "the JPEG is CMYK, which slides cannot draw: save it as RGB (sRGB)",
  );
  assert.equal(imageProblem(cmyk), null);
  const dir = await tempDir();
  await Deno.writeFile(`${dir}/cmyk.jpg`, cmyk);
  // ffmpeg (montages, overlays) decodes it: one frame of its 16 × 12 pixels.
  await runFfmpeg(await findFfmpeg(), ["-i", `${dir}/cmyk.jpg`, "-frames:v", "1", `${dir}/rgb.png`]);
  assert.equal(imageProblem(await Deno.readFile(`${dir}/rgb.png`), { slide: true }), null);
});

Deno.test("imageProblem() refuses an image claiming more pixels than reel decodes, before decoding it (PNG and JPEG)", () => {
  // A 1×1 PNG whose header says 20,000 × 20,000: a few hundred bytes that would inflate to 1.6 GB.
  const png = encodePng(new Uint8Array([255, 0, 0, 255]), 1, 1).slice();
  const view = new DataView(png.buffer);
  view.setUint32(16, 20_000);
  view.setUint32(20, 20_000);
  view.setUint32(29, crc32(png.subarray(12, 29)));
  assert.equal(
    imageProblem(png),
    "it is 20000 × 20000 pixels (400 megapixels), more than the 250 megapixels reel decodes: scale it down first",
  );
  assert.equal(imageProblem(png, { pixels: false }), imageProblem(png));
  // A JPEG frame header of 65,535 × 65,535.
  const jpeg = new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    0xff,
    0xff,
    0xff,
    0xff,
    0x01,
    0x01,
    0x11,
    0x00,
    0xff,
    0xda,
    0x00,
    0x08,
    0x01,
    0x01,
    0x00,
    0x00,
    0x3f,
    0x00,
    0x00,
    0xff,
    0xd9,
  ]);
  assert.match(imageProblem(jpeg) ?? "", /^it is 65535 × 65535 pixels \(4295 megapixels\)/);
  assert.ok(MAX_IMAGE_PIXELS >= 200e6, "a 200-megapixel photo is read");
});
