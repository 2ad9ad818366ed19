/**
 * The per-frame baseline of the montage benchmark: what MoviePy-style pipelines do, written as well as that style
 * allows. Every image is decoded once and fitted to its cell (as MoviePy's ImageClip holds its array); then every
 * frame is composed in the script (one frame buffer, the background filled, the visible rows of each visible image
 * copied in) and piped as raw RGB into ffmpeg, which encodes it with the soundtrack, with the encoder arguments reel
 * uses for libx264.
 *
 * usage: deno run -A bench/montage_frame_by_frame.ts SPEC.json OUT.mp4
 *   SPEC: { images: string[], audio: string, width, height, fps, duration, cell: { width, height }, gap, background }
 * @module
 */
import { findFfmpeg } from "../lib/media/ffmpeg.ts";
import { runProcess } from "../lib/media/run_process.ts";
import { SOFTWARE_ENCODERS, videoEncodingArgs } from "../lib/media/video_encoder.ts";

interface Spec {
  images: string[];
  audio: string;
  width: number;
  height: number;
  fps: number;
  duration: number;
  cell: { width: number; height: number };
  gap: number;
  background: [number, number, number];
}

const [specFile, out] = Deno.args;
if (specFile === undefined || out === undefined) {
  throw new TypeError("usage: montage_frame_by_frame.ts SPEC OUT");
}
const spec = JSON.parse(await Deno.readTextFile(specFile)) as Spec;
const paths = await findFfmpeg();
const { width: W, height: H, cell, gap, fps } = spec;
const bg = spec.background.map((c) => c.toString(16).padStart(2, "0")).join("");

// Each image decoded once, fitted inside its cell on the background, as raw RGB.
const images: Uint8Array[] = [];
for (const image of spec.images) {
  const { stdout } = await runProcess(paths.ffmpeg, [
    "-v",
    "error",
    "-i",
    image,
    "-vf",
    `scale=${cell.width}:${cell.height}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
    `pad=${cell.width}:${cell.height}:(ow-iw)/2:(oh-ih)/2:color=0x${bg}`,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-",
  ]);
  images.push(stdout);
}

// The arguments reel gives libx264 for a montage: constant quality 23, its fastest preset.
const encoding = videoEncodingArgs(SOFTWARE_ENCODERS.h264, {
  crf: 23,
  bitrate: null,
  gop: null,
  preset: "fastest",
  threads: null,
});
const ffmpeg = new Deno.Command(paths.ffmpeg, {
  args: [
    "-v",
    "error",
    "-y",
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-s",
    `${W}x${H}`,
    "-r",
    String(fps),
    "-i",
    "-",
    "-stream_loop",
    "-1",
    "-i",
    spec.audio,
    "-vf",
    encoding.filter,
    "-map",
    "0:v",
    "-map",
    "1:a",
    ...encoding.output,
    "-c:a",
    "aac",
    "-b:a",
    "128k",
    "-t",
    String(spec.duration),
    "-movflags",
    "+faststart",
    out,
  ],
  stdin: "piped",
}).spawn();
const writer = ffmpeg.stdin.getWriter();

const frames = Math.round(spec.duration * fps);
const pitch = cell.width + gap;
const distance = spec.images.length * pitch - gap + W;
const top = Math.floor((H - cell.height) / 4) * 2;
const background = new Uint8Array(W * H * 3);
for (let i = 0; i < W * H; i++) background.set(spec.background, i * 3);
for (let n = 0; n < frames; n++) {
  const offset = (distance * n) / fps / spec.duration;
  const frame = background.slice();
  for (const [i, image] of images.entries()) {
    // The strip moves left: image i's left edge at W − offset + i·pitch (even, as ffmpeg's overlay places it).
    const x = Math.floor((W - offset + i * pitch) / 2) * 2;
    if (x >= W || x + cell.width <= 0) continue;
    const from = Math.max(0, -x);
    const to = Math.min(cell.width, W - x);
    for (let row = 0; row < cell.height; row++) {
      const source = (row * cell.width + from) * 3;
      frame.set(image.subarray(source, source + (to - from) * 3), ((top + row) * W + x + from) * 3);
    }
  }
  await writer.write(frame);
}
await writer.close();
const status = await ffmpeg.status;
if (!status.success) throw new Error(`ffmpeg exited with code ${status.code}`);
