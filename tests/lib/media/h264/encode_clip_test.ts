import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { encodeClip } from "../../../../lib/media/h264/encode_clip.ts";
import { encodeStills } from "../../../../lib/media/h264/encode_stills.ts";
import { pictureStream, readPictures, sameParameters } from "../../../../lib/media/h264/still_stream.ts";
import { runProcess } from "../../../../lib/media/run_process.ts";
import { colourDistance } from "../../../_support/media.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

const FPS = 24;

/** Two PNGs as the slide renderer writes them (RGBA, no pixel aspect). */
async function pictures(dir: string, width: number, height: number): Promise<[string, string]> {
  const ffmpeg = await findFfmpeg();
  const red = `${dir}/red-${width}.png`;
  const blue = `${dir}/blue-${width}.png`;
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    `color=red:s=${width}x${height}`,
    "-frames:v",
    "1",
    "-pix_fmt",
    "rgba",
    red,
  ]);
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    `color=blue:s=${width}x${height}`,
    "-frames:v",
    "1",
    "-pix_fmt",
    "rgba",
    blue,
  ]);
  return [red, blue];
}

async function clip(dir: string, images: [string, string], size: { width: number; height: number }) {
  const side = (image: string, offset: number) => ({ image, motion: null, partFrames: 30, offset });
  const output = `${dir}/clip-${size.width}.h264`;
  await encodeClip(await findFfmpeg(), {
    frames: 12,
    from: side(images[0], 24),
    to: side(images[1], -6),
    transition: "fade",
    cues: [],
  }, { fps: FPS, ...size, gop: 2 * FPS, captions: null, scratchDir: dir, output });
  return readPictures(await Deno.readFile(output));
}

Deno.test("encodeClip(): a fade has the stills' parameter sets, so its pictures join the stills' stream as they are", async () => {
  const dir = await tempDir();
  try {
    const size = { width: 64, height: 48 };
    const images = await pictures(dir, size.width, size.height);
    const stills = await encodeStills(await findFfmpeg(), images, {
      fps: FPS,
      ...size,
      scratchDir: dir,
      output: `${dir}/stills.h264`,
    });
    const fade = await clip(dir, images, size);
    assert.equal(fade.stills.length, 12);
    assert.ok(sameParameters(stills, fade));
    // Red, the fade, blue: decoded without a complaint, the fade's middle an even blend.
    const chunks = [...pictureStream(stills, [fade], {
      pieces: [{ still: 0, frames: 6 }, { clip: 0, frames: 12 }, { still: 1, frames: 6 }],
      gop: 2 * FPS,
    })];
    const joined = await Deno.open(`${dir}/joined.h264`, { write: true, create: true });
    for (const chunk of chunks) await joined.write(chunk);
    joined.close();
    const { ffmpeg } = await findFfmpeg();
    const { stdout, stderr } = await runProcess(ffmpeg, [
      "-v",
      "warning",
      "-f",
      "h264",
      "-i",
      `${dir}/joined.h264`,
      "-vf",
      "crop=2:2:0:0",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "-",
    ]);
    assert.equal(stderr.trim(), "");
    // Each frame's top-left 2×2 pixels (yuv420p cannot be cropped smaller); its first pixel.
    const frames = Array.from(
      { length: stdout.length / 12 },
      (_, i) => Array.from(stdout.subarray(12 * i, 12 * i + 3)),
    );
    assert.equal(frames.length, 24);
    assert.ok(colourDistance(frames[0]!, [255, 0, 0]) <= 12, `${frames[0]}`);
    assert.ok(colourDistance(frames[12]!, [128, 0, 128]) <= 12, `${frames[12]}`);
    assert.ok(colourDistance(frames[23]!, [0, 0, 255]) <= 12, `${frames[23]}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pictureStream() refuses a clip encoded with other parameters than the stills", async () => {
  const dir = await tempDir();
  try {
    const ffmpeg = await findFfmpeg();
    const small = await pictures(dir, 64, 48);
    const stills = await encodeStills(ffmpeg, small, {
      fps: FPS,
      width: 64,
      height: 48,
      scratchDir: dir,
      output: `${dir}/s.h264`,
    });
    const other = await clip(dir, await pictures(dir, 80, 48), { width: 80, height: 48 });
    assert.ok(!sameParameters(stills, other));
    assert.throws(
      () => pictureStream(stills, [other], { pieces: [{ clip: 0, frames: 12 }], gop: 48 }),
      /Clip 0 was encoded with other parameters than the stills/,
    );
    assert.throws(
      () => pictureStream(stills, [other], { pieces: [{ clip: 0, frames: 10 }], gop: 48 }),
      /Clip 0 has 12 pictures, expected 10/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
