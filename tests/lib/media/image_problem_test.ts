/** An image is whole when it decodes: cut, corrupt or foreign bytes are told apart in the user's words. */
import assert from "node:assert/strict";
import { crc32, deflateSync } from "node:zlib";
import { decodedImageProblem, imageProblem, MAX_IMAGE_PIXELS } from "../../../lib/media/image_problem.ts";
import { encodePng, pngChunk } from "../../../lib/media/png_encoder.ts";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import {
  corruptJpeg,
  cutShortPng,
  interlacedPng,
  lyingJpeg,
  testJpeg,
  testPng,
} from "../../_support/damaged_images.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { jpegWithOrientation } from "../../_support/test_video.ts";

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

Deno.test("imageProblem() refuses, for a slide, a PNG with a second pHYs or a gAMA of 1 byte (its renderer leaves it out), and not for ffmpeg", () => {
  const header = RED.subarray(0, 33);
  const phys = pngChunk("pHYs", new Uint8Array([0, 0, 11, 19, 0, 0, 11, 19, 1]));
  const twice = new Uint8Array([...header, ...phys, ...phys, ...RED.subarray(33)]);
  assert.equal(
    imageProblem(twice, { slide: true }),
    "the PNG is malformed (it has two pHYs chunks), which slides cannot draw: save it again from an image editor",
  );
  assert.equal(imageProblem(twice), null);
  const gamma = new Uint8Array([...header, ...pngChunk("gAMA", new Uint8Array([1])), ...RED.subarray(33)]);
  assert.equal(
    imageProblem(gamma, { slide: true, pixels: false }),
    "the PNG is malformed (its gAMA chunk holds 1 byte, not 4), which slides cannot draw: save it again from an image editor",
  );
  assert.equal(imageProblem(gamma), null);
  // One pHYs and a whole gAMA: drawn.
  const whole = new Uint8Array([
    ...header,
    ...phys,
    ...pngChunk("gAMA", new Uint8Array([0, 0, 177, 143])),
    ...RED.subarray(33),
  ]);
  assert.equal(imageProblem(whole, { slide: true }), null);
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

Deno.test("decodedImageProblem() refuses what only a decode finds: a corrupt JPEG, one whose header lies about its size, grey and palette PNGs cut short", async () => {
  const ffmpeg = await findFfmpeg();
  const corrupt = await corruptJpeg();
  // Its segments and end marker are there: the structure passes, as it did before.
  assert.equal(imageProblem(corrupt), null);
  assert.match(
    await decodedImageProblem(ffmpeg, corrupt) ?? "",
    /^the JPEG is corrupt: its pixels do not decode \(ffmpeg: .+\)$/,
  );
  const lying = await lyingJpeg();
  assert.equal(imageProblem(lying), null);
  assert.equal(await decodedImageProblem(ffmpeg, lying), "the JPEG is corrupt: its pixels do not decode");
  for (const kind of ["grey", "palette"] as const) {
    const short = cutShortPng(kind);
    assert.equal(imageProblem(short), null, `${kind}: reel's decoder leaves the kind to ffmpeg`);
    assert.equal(
      await decodedImageProblem(ffmpeg, short),
      "the PNG is corrupt: its pixels do not decode (ffmpeg: IEND without all image)",
      kind,
    );
  }
  // ffmpeg says so and exits 0 for an interlaced PNG cut short: what it says is enough.
  assert.equal(
    await decodedImageProblem(ffmpeg, interlacedPng(64, 48, { cutShort: true })),
    "the PNG is corrupt: its pixels do not decode (ffmpeg: IEND without all image)",
  );
  // An RGB PNG is decoded on this thread, as before; the structure's problems come first.
  const rgbShort = new Uint8Array([
    ...RED.subarray(0, 8 + 25),
    ...pngChunk("IDAT", deflateSync(new Uint8Array((8 * 4 + 1) * 4))),
    ...pngChunk("IEND", new Uint8Array()),
  ]);
  assert.equal(await decodedImageProblem(ffmpeg, rgbShort), imageProblem(rgbShort));
  assert.equal(await decodedImageProblem(ffmpeg, corrupt.subarray(0, 4000)), "the JPEG is truncated");
  const cmyk = await Deno.readFile(new URL("../../fixtures/cmyk.jpg", import.meta.url));
  assert.match(await decodedImageProblem(ffmpeg, cmyk, { slide: true }) ?? "", /^the JPEG is CMYK/);
});

Deno.test("decodedImageProblem() passes whole images as cameras, phones and encoders write them", async () => {
  const ffmpeg = await findFfmpeg();

  const jpeg = await testJpeg(64, 48);
  const motion = await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    "testsrc=s=32x24:d=0.2",
    "-f",
    "mp4",
    "-movflags",
    "frag_keyframe+empty_moov",
    "-",
  ]);
  const images: [string, Uint8Array, boolean][] = [
    // mozjpeg's progressive JPEG (several scans), 48 × 32: red on the left, blue on the right.
    ["progressive", await Deno.readFile(new URL("../../fixtures/progressive.jpg", import.meta.url)), true],
    ["4:4:4", await testJpeg(64, 48, ["-pix_fmt", "yuvj444p"]), true],
    ["odd size", await testJpeg(65, 47), true],
    // Encoded in slices: a restart interval and RST markers in the scan.
    ["restart markers", await testJpeg(320, 240, ["-slices", "4", "-threads", "4"]), true],
    ["EXIF", jpegWithOrientation(jpeg, 6), true],
    // EXIF that ffmpeg cannot parse (a camera's odd maker notes) says so on stderr; the pixels decode, resvg draws them.
    ["broken EXIF", brokenExif(jpeg), true],
    // A phone's motion photo: a video after the picture's end.
    ["video after it", new Uint8Array([...jpeg, ...motion]), true],
    ["CMYK", await Deno.readFile(new URL("../../fixtures/cmyk.jpg", import.meta.url)), false],
    ["grey", await testPng("gray"), true],
    ["grey and alpha", await testPng("ya8"), true],
    ["palette", await testPng("pal8"), true],
    ["16-bit", await testPng("rgb48be"), true],
    ["16-bit grey", await testPng("gray16be"), true],
    ["1-bit", await testPng("monob"), true],
    ["interlaced", interlacedPng(64, 48), true],
    // Bytes after the end chunk, which ffmpeg would read as a next PNG and refuse; resvg draws the image.
    [
      "bytes after its end",
      new Uint8Array([...await testPng("gray"), ...new TextEncoder().encode("trailing")]),
      true,
    ],
    ["RGBA", await testPng("rgba"), true],
  ];
  for (const [name, bytes, slide] of images) {
    assert.equal(await decodedImageProblem(ffmpeg, bytes, { slide }), null, name);
  }
});

/** A JPEG with an EXIF segment whose TIFF header is not one (`MM` then 43, not 42). */
function brokenExif(jpeg: Uint8Array): Uint8Array {
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 43, ...new Array(20).fill(0)];
  const length = exif.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 0xff, ...exif, ...jpeg.subarray(2)]);
}
