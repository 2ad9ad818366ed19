/**
 * encodeStillsInProcess() (libx264 through FFI) makes the stills ffmpeg's pass makes: the same SPS and PPS bytes
 * (so its stills join ffmpeg's clips), one IDR per image, each decoding to the image's colours, shown by
 * stillStream like ffmpeg's; where the images are not plain PNGs with even sides it returns null and leaves the
 * output unwritten, so the step uses ffmpeg; a broken PNG or a file that is no library fails naming it.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { encodeStills } from "../../../../lib/media/h264/encode_stills.ts";
import { encodeStillsInProcess } from "../../../../lib/media/h264/encode_stills_in_process.ts";
import { findLibx264 } from "../../../../lib/media/h264/libx264.ts";
import { readStills, stillStream } from "../../../../lib/media/h264/still_stream.ts";
import { runProcess } from "../../../../lib/media/run_process.ts";
import { colourDistance, hexToRgb, solidPngs } from "../../../_support/media.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

const ffmpeg = await findFfmpeg();
const library = findLibx264();
const COLOURS = ["#c0392b", "#27ae60", "#2e86c1", "#f4d03f"];

/** Every frame's centre pixel, decoded by ffmpeg. */
async function centres(
  stream: Uint8Array,
  width: number,
  height: number,
): Promise<[number, number, number][]> {
  const { stdout } = await runProcess(ffmpeg.ffmpeg, [
    ...["-v", "error", "-f", "h264", "-i", "pipe:0"],
    ...["-vf", `crop=2:2:${width / 2}:${height / 2},format=rgb24`, "-f", "rawvideo", "pipe:1"],
  ], { stdin: stream });
  const pixels: [number, number, number][] = [];
  for (let i = 0; i + 12 <= stdout.length; i += 12) pixels.push([stdout[i]!, stdout[i + 1]!, stdout[i + 2]!]);
  return pixels;
}

Deno.test({
  name:
    "encodeStillsInProcess: ffmpeg's parameter sets, an IDR per image with its colour, at two sizes and rates",
  ignore: library === null,
  fn: async () => {
    for (const [width, height, fps] of [[96, 54, 30], [64, 112, 24]] as const) {
      const dir = await tempDir();
      const images = await solidPngs(dir, COLOURS, { width, height });
      const mine = await encodeStillsInProcess(library!, images, {
        fps,
        width,
        height,
        output: `${dir}/mine.h264`,
      });
      const theirs = await encodeStills(ffmpeg, images, {
        fps,
        width,
        height,
        scratchDir: dir,
        output: `${dir}/theirs.h264`,
      });
      assert.ok(mine !== null, `${width}×${height}`);
      assert.deepEqual(mine.parameterSets, theirs.parameterSets, `${width}×${height} @ ${fps}: SPS and PPS`);
      assert.equal(mine.stills.length, COLOURS.length);
      // The stream written is the one read: an IDR per image, in order.
      const written = readStills(await Deno.readFile(`${dir}/mine.h264`));
      assert.deepEqual(written, mine, "the file written is the stream returned");
      const shown = [...stillStream(mine, { frames: [2, 3, 1, 2], gop: 60 })];
      const stream = new Uint8Array(shown.reduce((sum, chunk) => sum + chunk.length, 0));
      shown.reduce((offset, chunk) => (stream.set(chunk, offset), offset + chunk.length), 0);
      const pixels = await centres(stream, width, height);
      const expected = [0, 0, 1, 1, 1, 2, 3, 3].map((i) => COLOURS[i]!);
      assert.equal(pixels.length, expected.length);
      for (const [frame, pixel] of pixels.entries()) {
        assert.ok(
          colourDistance(pixel, hexToRgb(expected[frame]!)) <= 8,
          `frame ${frame}: ${pixel} vs ${expected[frame]}`,
        );
      }
    }
  },
});

Deno.test({
  name:
    "encodeStillsInProcess: null for a JPEG, a palette PNG, odd sides; a broken PNG or library named; nothing written",
  ignore: library === null,
  fn: async () => {
    const dir = await tempDir();
    const [png] = await solidPngs(dir, COLOURS.slice(0, 1), { width: 32, height: 18 });
    const output = `${dir}/out.h264`;
    await runFfmpeg(ffmpeg, ["-i", png!, `${dir}/still.jpg`]);
    await runFfmpeg(ffmpeg, ["-i", png!, "-pix_fmt", "pal8", `${dir}/palette.png`]);
    const size = { fps: 30, width: 32, height: 18, output };
    assert.equal(await encodeStillsInProcess(library!, [png!, `${dir}/still.jpg`], size), null);
    assert.equal(await encodeStillsInProcess(library!, [`${dir}/palette.png`], size), null);
    assert.equal(await encodeStillsInProcess(library!, [png!], { ...size, width: 31 }), null);
    await assert.rejects(
      encodeStillsInProcess(`${dir}/still.jpg`, [png!], size),
      /still\.jpg cannot be opened/,
    );
    await assert.rejects(Deno.stat(output), Deno.errors.NotFound);
    const broken = await Deno.readFile(png!);
    await Deno.writeFile(`${dir}/broken.png`, broken.subarray(0, broken.length - 30));
    await assert.rejects(
      encodeStillsInProcess(library!, [`${dir}/broken.png`], size),
      (error: Error) => error.message.includes(`${dir}/broken.png`) && /cut short/.test(error.message),
    );
    await assert.rejects(Deno.stat(output), Deno.errors.NotFound);
    const aborted = AbortSignal.abort(new Error("stop"));
    await assert.rejects(encodeStillsInProcess(library!, [png!], { ...size, signal: aborted }), /stop/);
  },
});

Deno.test({
  name:
    "encodeStillsInProcess: buffers kept between steps of other sizes give the same stream, colours right",
  ignore: library === null,
  fn: async () => {
    const dir = await tempDir();
    const sizes = { wide: [96, 54], tall: [54, 96], small: [32, 18] } as const;
    const streams = new Map<string, Uint8Array[]>();
    for (const name of ["wide", "tall", "small", "wide", "tall", "wide"] as const) {
      const [width, height] = sizes[name];
      const images = await solidPngs(`${dir}`, COLOURS, { width, height });
      const output = `${dir}/${name}-${streams.get(name)?.length ?? 0}.h264`;
      const stills = await encodeStillsInProcess(library!, images, { fps: 30, width, height, output });
      assert.equal(stills?.stills.length, COLOURS.length, name);
      const bytes = await Deno.readFile(output);
      streams.set(name, [...streams.get(name) ?? [], bytes]);
      const shown = [...stillStream(stills!, { frames: [1, 1, 1, 1], gop: 60 })];
      const pixels = await centres(new Uint8Array(shown.flatMap((chunk) => [...chunk])), width, height);
      assert.equal(pixels.length, COLOURS.length, name);
      for (const [frame, pixel] of pixels.entries()) {
        assert.ok(colourDistance(pixel, hexToRgb(COLOURS[frame]!)) <= 8, `${name} frame ${frame}: ${pixel}`);
      }
    }
    for (const [name, runs] of streams) {
      for (const run of runs.slice(1)) assert.deepEqual(run, runs[0], `${name}: the same bytes each time`);
    }
  },
});

Deno.test({
  name:
    "encodeStillsInProcess: two steps at once in one thread, of two sizes, give the streams they give alone",
  ignore: library === null,
  fn: async () => {
    const dir = await tempDir();
    await Deno.mkdir(`${dir}/wide`);
    await Deno.mkdir(`${dir}/tall`);
    const wide = await solidPngs(`${dir}/wide`, COLOURS, { width: 96, height: 54 });
    const tall = await solidPngs(`${dir}/tall`, COLOURS.toReversed(), { width: 54, height: 96 });
    const encode = async (images: string[], width: number, height: number, name: string) => {
      const stills = await encodeStillsInProcess(library!, images, {
        fps: 30,
        width,
        height,
        output: `${dir}/${name}.h264`,
      });
      assert.equal(stills?.stills.length, COLOURS.length, name);
    };
    await encode(wide, 96, 54, "wide-alone");
    await encode(tall, 54, 96, "tall-alone");
    await Promise.all([encode(wide, 96, 54, "wide-together"), encode(tall, 54, 96, "tall-together")]);
    for (const name of ["wide", "tall"]) {
      assert.deepEqual(
        await Deno.readFile(`${dir}/${name}-together.h264`),
        await Deno.readFile(`${dir}/${name}-alone.h264`),
        name,
      );
    }
  },
});
