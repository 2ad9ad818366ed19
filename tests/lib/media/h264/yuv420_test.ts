/**
 * rgbToYuv420() gives BT.709 limited-range planes: flat colours exactly as `scale=out_color_matrix=bt709:
 * out_range=tv,format=yuv420p` makes them, and on a test pattern luma within one step of ffmpeg's and every sample
 * what the formula gives (chroma the 2×2 mean: ffmpeg filters chroma with more taps, so its samples differ by a few
 * steps at sharp edges); rows copied from the row above give what converting them would.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { rgbToYuv420 } from "../../../../lib/media/h264/yuv420.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

const ffmpeg = await findFfmpeg();
const dir = await tempDir("reel-yuv420-");

function planesFor(width: number, height: number) {
  const chroma = (width / 2) * (height / 2);
  return { y: new Uint8Array(width * height), u: new Uint8Array(chroma), v: new Uint8Array(chroma) };
}

/** ffmpeg's planes for raw RGB(A) pixels, as the stills' ffmpeg pass converts them. */
async function ffmpegPlanes(pixels: Uint8Array, width: number, height: number, pixFmt: "rgb24" | "rgba") {
  await Deno.writeFile(`${dir}/in.raw`, pixels);
  await runFfmpeg(ffmpeg, [
    ...["-f", "rawvideo", "-pix_fmt", pixFmt, "-s", `${width}x${height}`, "-i", `${dir}/in.raw`],
    ...[
      "-vf",
      "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
      "-f",
      "rawvideo",
      `${dir}/out.yuv`,
    ],
  ]);
  const yuv = await Deno.readFile(`${dir}/out.yuv`);
  const luma = width * height;
  return { y: yuv.subarray(0, luma), u: yuv.subarray(luma, luma * 5 / 4), v: yuv.subarray(luma * 5 / 4) };
}

/** The planes computed pixel by pixel in floating point, no row copied: what the fast path must equal. */
function reference(pixels: Uint8Array, width: number, height: number, channels: number) {
  const planes = planesFor(width, height);
  const at = (x: number, y: number) => (y * width + x) * channels;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = [pixels[at(x, y)]!, pixels[at(x, y) + 1]!, pixels[at(x, y) + 2]!];
      planes.y[y * width + x] = Math.floor(16 + (219 / 255) * (0.2126 * r + 0.7152 * g + 0.0722 * b) + 0.5);
    }
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      const sum = [0, 1, 2].map((c) =>
        pixels[at(x, y) + c]! + pixels[at(x + 1, y) + c]! + pixels[at(x, y + 1) + c]! +
        pixels[at(x + 1, y + 1) + c]!
      );
      const [r, g, b] = sum.map((value) => value / 4) as [number, number, number];
      const i = (y / 2) * (width / 2) + x / 2;
      planes.u[i] = Math.floor(128 + (224 / 255) * ((-0.2126 * r - 0.7152 * g) / 1.8556 + 0.5 * b) + 0.5);
      planes.v[i] = Math.floor(128 + (224 / 255) * (0.5 * r + (-0.7152 * g - 0.0722 * b) / 1.5748) + 0.5);
    }
  }
  return planes;
}

Deno.test("rgbToYuv420: flat colours give ffmpeg's values exactly", async () => {
  const colours = [[255, 255, 255], [0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [18, 52, 86], [
    250,
    200,
    40,
  ]];
  for (const colour of colours) {
    const pixels = new Uint8Array(4 * 4 * 3).map((_, i) => colour[i % 3]!);
    const mine = planesFor(4, 4);
    rgbToYuv420({ width: 4, height: 4, channels: 3, pixels }, mine);
    const theirs = await ffmpegPlanes(pixels, 4, 4, "rgb24");
    assert.deepEqual([mine.y[0], mine.u[0], mine.v[0]], [theirs.y[0], theirs.u[0], theirs.v[0]], `${colour}`);
  }
  const red = planesFor(2, 2);
  rgbToYuv420({
    width: 2,
    height: 2,
    channels: 3,
    pixels: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]),
  }, red);
  assert.deepEqual([red.y[0], red.u[0], red.v[0]], [63, 102, 240]);
});

Deno.test("rgbToYuv420: a test pattern, RGB and RGBA: the formula, luma within a step of ffmpeg's, chroma near it", async () => {
  const width = 64, height = 36;
  await runFfmpeg(ffmpeg, [
    ...["-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=1`, "-frames:v", "1"],
    ...["-f", "rawvideo", "-pix_fmt", "rgba", `${dir}/pattern.rgba`],
  ]);
  const rgba = await Deno.readFile(`${dir}/pattern.rgba`);
  const rgb = rgba.filter((_, i) => i % 4 !== 3);
  const theirs = await ffmpegPlanes(rgb, width, height, "rgb24");
  for (const [channels, pixels] of [[3, rgb], [4, rgba]] as const) {
    const mine = planesFor(width, height);
    rgbToYuv420({ width, height, channels, pixels }, mine);
    assert.ok(mine.y.every((value, i) => Math.abs(value - theirs.y[i]!) <= 1), `luma, ${channels} channels`);
    for (const plane of ["u", "v"] as const) {
      const meanError = mine[plane].reduce((sum, value, i) => sum + Math.abs(value - theirs[plane][i]!), 0) /
        mine[plane].length;
      assert.ok(meanError < 2.5, `${plane}: mean error ${meanError}`);
    }
    assert.deepEqual(mine, reference(pixels, width, height, channels), `${channels} channels: the formula`);
  }
});

Deno.test("rgbToYuv420: rows repeated from the row above give the planes converting each row gives", () => {
  const width = 8, height = 10;
  const pixels = new Uint8Array(width * height * 3).map((_, i) => (i * 37 + (i >> 4)) & 255);
  const row = width * 3;
  // Rows 1 and 2 repeat row 0 (the first pair's bottom, the second pair's top: only one row of that pair is new);
  // rows 4–7 repeat row 3 (a whole pair the same as the pair above).
  for (const copy of [1, 2]) pixels.copyWithin(copy * row, 0, row);
  for (const copy of [4, 5, 6, 7]) pixels.copyWithin(copy * row, 3 * row, 4 * row);
  const mine = planesFor(width, height);
  rgbToYuv420({ width, height, channels: 3, pixels }, mine);
  assert.deepEqual(mine, reference(pixels, width, height, 3));
});

Deno.test("rgbToYuv420: odd sides and planes of the wrong size are refused", () => {
  assert.throws(
    () => rgbToYuv420({ width: 3, height: 2, channels: 3, pixels: new Uint8Array(18) }, planesFor(2, 2)),
    /even sides, got 3×2/,
  );
  assert.throws(
    () => rgbToYuv420({ width: 2, height: 2, channels: 3, pixels: new Uint8Array(12) }, planesFor(4, 4)),
    /do not fit a 2×2 picture/,
  );
});
