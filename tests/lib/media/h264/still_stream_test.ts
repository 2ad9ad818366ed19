import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { encodeStills } from "../../../../lib/media/h264/encode_stills.ts";
import { readStills, stillStream } from "../../../../lib/media/h264/still_stream.ts";
import { runProcess } from "../../../../lib/media/run_process.ts";
import { colourDistance, hexToRgb, solidPngs as solidPngsOf } from "../../../_support/media.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

const WIDTH = 64;
const HEIGHT = 48;
const COLOURS = ["#c0392b", "#27ae60", "#2e86c1"];

function solidPngs(dir: string): Promise<string[]> {
  return solidPngsOf(dir, COLOURS, { width: WIDTH, height: HEIGHT });
}

/** Decodes an Annex-B stream: every frame's top-left pixel, whether it is a keyframe, and ffmpeg's complaints. */
async function decode(
  stream: Uint8Array,
): Promise<{ pixels: [number, number, number][]; keyframes: number[]; complaints: string }> {
  const { ffmpeg, ffprobe } = await findFfmpeg();
  const { stdout, stderr } = await runProcess(ffmpeg, [
    "-v",
    "warning",
    "-f",
    "h264",
    "-i",
    "pipe:0",
    "-vf",
    "crop=2:2:0:0,format=rgb24",
    "-f",
    "rawvideo",
    "pipe:1",
  ], { stdin: stream });
  const pixels: [number, number, number][] = [];
  for (let i = 0; i + 12 <= stdout.length; i += 12) pixels.push([stdout[i]!, stdout[i + 1]!, stdout[i + 2]!]);
  const frames = await runProcess(ffprobe, [
    "-v",
    "error",
    "-f",
    "h264",
    "-i",
    "pipe:0",
    "-show_entries",
    "frame=key_frame",
    "-of",
    "csv=p=0",
  ], { stdin: stream });
  const keyframes = new TextDecoder().decode(frames.stdout).trim().split("\n")
    .flatMap((flag, i) => flag.trim() === "1" ? [i] : []);
  return { pixels, keyframes, complaints: stderr.trim() };
}

function joined(chunks: Iterable<Uint8Array>): Uint8Array {
  const parts = [...chunks];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

Deno.test("stillStream() shows each encoded still for its frames, with an IDR at every still and GOP start", async () => {
  const dir = await tempDir();
  const stills = await encodeStills(await findFfmpeg(), await solidPngs(dir), {
    fps: 30,
    width: WIDTH,
    height: HEIGHT,
    scratchDir: dir,
    output: `${dir}/stills.h264`,
  });
  assert.equal(stills.stills.length, 3);
  const frames = [3, 50, 7];
  // Small chunks: pictures are never split across chunk boundaries in a way that changes the bytes.
  const stream = joined(stillStream(stills, { frames, gop: 20, chunkBytes: 100 }));
  const { pixels, keyframes, complaints } = await decode(stream);
  assert.equal(complaints, "");
  assert.equal(pixels.length, 60);
  const expected = frames.flatMap((count, i) => Array<string>(count).fill(COLOURS[i]!));
  for (const [frame, pixel] of pixels.entries()) {
    assert.ok(
      colourDistance(pixel, hexToRgb(expected[frame]!)) <= 8,
      `frame ${frame}: ${pixel} vs ${expected[frame]}`,
    );
  }
  assert.deepEqual(keyframes, [0, 3, 23, 43, 53]);
  // A skipped picture costs a few bytes: the stream is the IDRs and little else.
  const idrBytes = stills.stills.map((still) => still.units.reduce((sum, unit) => sum + unit.length + 4, 0));
  const idrs = idrBytes[0]! + 3 * idrBytes[1]! + idrBytes[2]!;
  assert.ok(stream.length - idrs <= 55 * 16, `${stream.length - idrs} bytes for 55 skipped pictures`);
});

Deno.test("stillStream() also writes skipped pictures for a stream with POC type 0 (an encoder allowing B-frames)", async () => {
  const dir = await tempDir();
  const [png] = await solidPngs(dir);
  const output = `${dir}/poc0.h264`;
  await runFfmpeg(await findFfmpeg(), [
    "-loop",
    "1",
    "-framerate",
    "25",
    "-i",
    png!,
    "-frames:v",
    "2",
    "-vf",
    "format=yuv420p",
    "-c:v",
    "libx264",
    "-x264-params",
    "keyint=2:bframes=1:cabac=0:weightp=0:ref=1",
    output,
  ]);
  const stills = readStills(await Deno.readFile(output));
  assert.equal(stills.params.sps.pocType, 0);
  const { pixels, complaints } = await decode(joined(stillStream(stills, { frames: [40], gop: 25 })));
  assert.equal(complaints, "");
  assert.equal(pixels.length, 40);
  assert.ok(pixels.every((pixel) => colourDistance(pixel, hexToRgb(COLOURS[0]!)) <= 8));
});

Deno.test("readStills() refuses streams whose pictures cannot be followed by hand-written skips", async () => {
  const dir = await tempDir();
  const [png] = await solidPngs(dir);
  const output = `${dir}/cabac.h264`;
  await runFfmpeg(await findFfmpeg(), [
    "-i",
    png!,
    "-vf",
    "format=yuv420p",
    "-c:v",
    "libx264",
    "-f",
    "h264",
    output,
  ]);
  assert.throws(() => readStills(Deno.readFileSync(output)), /CAVLC/);
  assert.throws(() => readStills(new Uint8Array([0, 0, 1, 0x65, 0x88])), /needs an SPS and a PPS/);
});

Deno.test("stillStream() checks its arguments at once, not when the stream is read", async () => {
  const dir = await tempDir();
  const stills = await encodeStills(await findFfmpeg(), (await solidPngs(dir)).slice(0, 1), {
    fps: 24,
    width: WIDTH,
    height: HEIGHT,
    scratchDir: dir,
    output: `${dir}/one.h264`,
  });
  assert.throws(
    () => stillStream(stills, { frames: [1, 2], gop: 48 }),
    /Expected frame counts for 1 stills, got 2/,
  );
  assert.throws(() => stillStream(stills, { frames: [0], gop: 48 }), /at least 1/);
  assert.throws(() => stillStream(stills, { frames: [2.5], gop: 48 }), /whole numbers/);
});

Deno.test("encodeStills() reads its numbered stills from a folder with a % in its name", async () => {
  // Before: ffmpeg took "100% done" for a pattern and found no "…/still-%06d.png", so every stills step of a store
  // under such a folder failed.
  const dir = `${await tempDir()}/100% done`;
  await Deno.mkdir(dir);
  const stills = await encodeStills(await findFfmpeg(), await solidPngs(dir), {
    fps: 24,
    width: WIDTH,
    height: HEIGHT,
    scratchDir: dir,
    output: `${dir}/stills.h264`,
  });
  assert.equal(stills.stills.length, 3);
});
