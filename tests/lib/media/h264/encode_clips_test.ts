import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { clipBatches, encodeClips } from "../../../../lib/media/h264/encode_clips.ts";
import { encodeStills } from "../../../../lib/media/h264/encode_stills.ts";
import { pictureStream, readPictures, sameParameters } from "../../../../lib/media/h264/still_stream.ts";
import { encodeRgbaPng } from "../../../../lib/media/png_encoder.ts";
import { runProcess } from "../../../../lib/media/run_process.ts";
import { DEFAULT_CAPTION_STYLE } from "../../../../lib/media/caption_placement.ts";
import { burnedCaptionFont, captionFontsDir } from "../../../../lib/media/libass_fonts.ts";
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
  const side = (image: string, offset: number) => ({
    image,
    band: null,
    motion: null,
    partFrames: 30,
    offset,
  });
  const output = `${dir}/clip-${size.width}.h264`;
  await encodeClips(await findFfmpeg(), [{
    frames: 12,
    from: side(images[0], 24),
    to: side(images[1], -6),
    transition: "fade",
    cues: [],
  }], { fps: FPS, ...size, gop: 2 * FPS, captions: null, scratchDir: dir, output });
  return readPictures(await Deno.readFile(output));
}

Deno.test("encodeClips(): a fade has the stills' parameter sets, so its pictures join the stills' stream as they are", async () => {
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

/** Every frame of an Annex-B stream, RGB. */
async function decodeFrames(file: string, size: { width: number; height: number }): Promise<Uint8Array[]> {
  const { ffmpeg } = await findFfmpeg();
  const { stdout } = await runProcess(ffmpeg, [
    "-v",
    "error",
    "-f",
    "h264",
    "-i",
    file,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-",
  ]);
  const bytes = size.width * size.height * 3;
  return Array.from({ length: stdout.length / bytes }, (_, i) => stdout.subarray(i * bytes, (i + 1) * bytes));
}

Deno.test("encodeClips(): a band stays where it is over every frame of a move, the picture moving under it", async () => {
  const dir = await tempDir();
  try {
    const [width, height] = [64, 48];
    const ffmpeg = await findFfmpeg();
    // The picture: red and green squares, 8 pixels a side.
    const square = "mod(floor(X/8)+floor(Y/8),2)";
    await runFfmpeg(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      `color=c=black:s=${width}x${height},geq=r='if(${square},230,30)':g='if(${square},30,230)':b=30`,
      "-frames:v",
      "1",
      `${dir}/picture.png`,
    ]);
    // The band: rows 0-15 black at half opacity, a white "title" at x 8-39, y 4-11, transparent below.
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < width; x++) {
        const title = x >= 8 && x < 40 && y >= 4 && y < 12;
        rgba.set(title ? [255, 255, 255, 255] : [0, 0, 0, 128], (y * width + x) * 4);
      }
    }
    await Deno.writeFile(`${dir}/band.png`, encodeRgbaPng(rgba, width, height));
    const frames = 12;
    const output = `${dir}/move.h264`;
    // Zoom 1.5 from the top left towards the bottom right corner.
    const motion = { from: { zoom: 1.5, x: 1 / 3, y: 1 / 3 }, to: { zoom: 1.5, x: 2 / 3, y: 2 / 3 } };
    const side = {
      image: `${dir}/picture.png`,
      band: `${dir}/band.png`,
      motion,
      partFrames: frames,
      offset: 0,
    };
    await encodeClips(ffmpeg, [{ frames, from: side, to: null, transition: "fade", cues: [] }], {
      fps: FPS,
      width,
      height,
      gop: 2 * FPS,
      captions: null,
      scratchDir: dir,
      output,
    });
    const decoded = await decodeFrames(output, { width, height });
    assert.equal(decoded.length, frames);
    const [first, last] = [decoded[0]!, decoded.at(-1)!];
    const pixel = (frame: Uint8Array, x: number, y: number) =>
      Array.from(frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    const inside = (x0: number, x1: number, y0: number, y1: number): [number, number][] =>
      Array.from(
        { length: (x1 - x0) * (y1 - y0) },
        (_, i) => [x0 + (i % (x1 - x0)), y0 + Math.floor(i / (x1 - x0))],
      );
    // The title is white at both ends, where it was drawn.
    for (const frame of [first, last]) {
      for (const [x, y] of inside(10, 38, 6, 10)) {
        assert.ok(colourDistance(pixel(frame, x, y), [255, 255, 255]) <= 30, `title at ${x},${y}`);
      }
    }
    // Under the veil the squares show at half their brightness, and move; below it, at full brightness, and move.
    const veiled = inside(44, 62, 2, 14).map(([x, y]) => [pixel(first, x!, y!), pixel(last, x!, y!)]);
    assert.ok(veiled.every(([a, b]) => Math.max(...a!) < 140 && Math.max(...b!) < 140), "the veil darkens");
    assert.ok(
      veiled.filter(([a, b]) => colourDistance(a!, b!) > 60).length > veiled.length / 5,
      "moves under",
    );
    const open = inside(0, width, 20, height).map(([x, y]) => [pixel(first, x!, y!), pixel(last, x!, y!)]);
    assert.ok(
      open.filter(([a]) => Math.max(...a!) > 180).length > open.length * 0.7,
      "bright below the band",
    );
    assert.ok(
      open.filter(([a, b]) => colourDistance(a!, b!) > 60).length > open.length / 5,
      "the picture moves",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("encodeClips(): several clips in one stream, whole or in batches, each from an IDR, and a burned cue from its own frame on", async () => {
  const dir = await tempDir();
  try {
    const [width, height] = [64, 48];
    const ffmpeg = await findFfmpeg();
    const [red, blue] = await pictures(dir, width, height);
    const still = (image: string) => ({ image, band: null, motion: null, partFrames: 30, offset: 0 });
    const font = await burnedCaptionFont();
    assert.ok(font !== null, "DejaVu Sans is installed by scripts/setup.sh");
    // A fade from red to blue with a caption from its frame 2, blue alone (the fade's blue read once), a fade back
    // to red with a caption from its frame 1 (the stream's frame 11). At 30 fps frames 2 and 11 are at 66.7 and
    // 366.7 ms: written rounded (0.07, 0.37), as before, each caption began a frame late.
    const hi = (from: number, to: number) => [{ start: from / 30, end: to / 30, text: "Hi" }];
    const clips = [
      { frames: 6, from: still(red), to: still(blue), transition: "fade", cues: hi(2, 6) },
      { frames: 4, from: still(blue), to: null, transition: "fade", cues: [] },
      { frames: 6, from: still(blue), to: still(red), transition: "fade", cues: hi(1, 6) },
    ];
    // Whole, and cut into batches of one ffmpeg each (a picture of this size a batch: a clip each, the first clip
    // whole): the same frames, each clip from an IDR.
    for (const batchPixels of [undefined, width * height]) {
      const output = `${dir}/clips-${batchPixels ?? "whole"}.h264`;
      await encodeClips(ffmpeg, clips, {
        fps: 30,
        width,
        height,
        gop: 60,
        captions: {
          style: { ...DEFAULT_CAPTION_STYLE, size: 0.3 },
          maxLineLength: 2,
          fontsDir: captionFontsDir(font),
        },
        scratchDir: dir,
        output,
        batchPixels,
      });
      const stream = readPictures(await Deno.readFile(output));
      const idr = stream.stills.flatMap((still, i) => (still.units.at(-1)![0]! & 0x1f) === 5 ? [i] : []);
      assert.deepEqual(idr, [0, 6, 10]);
      const frames = await decodeFrames(output, { width, height });
      assert.equal(frames.length, 16);
      const pixel = (frame: Uint8Array, x: number, y: number) =>
        Array.from(frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
      assert.ok(colourDistance(pixel(frames[0]!, 2, 2), [255, 0, 0]) <= 12, "the first fade starts red");
      assert.ok(colourDistance(pixel(frames[7]!, 2, 2), [0, 0, 255]) <= 12, "blue alone");
      const [r, , b] = pixel(frames[15]!, 2, 2);
      assert.ok(r! > 150 && b! < 100, `the last fade goes to red: ${pixel(frames[15]!, 2, 2)}`);
      // The captions: white letters in the lower half of the frame, each from its own frame on.
      const lit = (frame: Uint8Array) => {
        let count = 0;
        for (let y = height / 2; y < height; y++) {
          for (let x = 0; x < width; x++) if (Math.min(...pixel(frame, x, y)) > 200) count++;
        }
        return count;
      };
      assert.deepEqual(
        frames.map((frame) => lit(frame) > 0 ? 1 : 0).join(""),
        "001111" + "0000" + "011111",
      );
    }
    assert.deepEqual(
      clipBatches(clips, { width, height, batchPixels: width * height }).map((b) => b.length),
      [1, 1, 1],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("encodeClips(): more clips than one ffmpeg takes go to several, each clip from an IDR", async () => {
  const dir = await tempDir();
  try {
    const [width, height] = [16, 16];
    const [red, blue] = await pictures(dir, width, height);
    const still = (image: string) => ({ image, band: null, motion: null, partFrames: 4, offset: 0 });
    // 101 fades of two pictures: in one ffmpeg, a key-frame expression of 101 terms, which ffmpeg 5.1 refuses.
    const clips = Array.from({ length: 101 }, (_, i) => ({
      frames: 2,
      from: still(i % 2 === 0 ? red : blue),
      to: still(i % 2 === 0 ? blue : red),
      transition: "fade",
      cues: [],
    }));
    const output = `${dir}/clips.h264`;
    await encodeClips(await findFfmpeg(), clips, {
      fps: 30,
      width,
      height,
      gop: 60,
      captions: null,
      scratchDir: dir,
      output,
    });
    const stream = readPictures(await Deno.readFile(output));
    assert.equal(stream.stills.length, 202);
    const idr = stream.stills.flatMap((still, i) => (still.units.at(-1)![0]! & 0x1f) === 5 ? [i] : []);
    assert.deepEqual(idr, clips.map((_, i) => 2 * i));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
