/**
 * The frame-by-frame baseline: what MoviePy-style pipelines do. Every frame at 24 fps is composed in the script
 * (the slide copied into a frame buffer) and piped as raw RGB into one ffmpeg per format, with the narration as
 * audio. x264 runs with `-preset ultrafast`, the baseline's best case (MoviePy's default is `medium`).
 *
 * usage: deno run -A bench/frame_by_frame.ts WORK_DIR   (WORK_DIR from bench/ffmpeg_baseline.sh)
 * @module
 */
import { findFfmpeg, probeMedia } from "../lib/media/ffmpeg.ts";
import { runProcess } from "../lib/media/run_process.ts";

const FPS = 24;
const work = Deno.args[0];
if (work === undefined) throw new TypeError("usage: frame_by_frame.ts WORK_DIR");
const paths = await findFfmpeg();
const sections = [...Deno.readDirSync(`${work}/audio`)].map((e) => e.name).filter((n) => n.endsWith(".wav"))
  .sort()
  .map((n) => n.replace(/\.wav$/, ""));
const formats = [
  ...new Set([...Deno.readDirSync(`${work}/slides`)].map((e) => e.name.replace(/^\d+_|\.png$/g, ""))),
];
const durations = await Promise.all(
  sections.map(async (s) => (await probeMedia(paths, `${work}/audio/${s}.wav`)).duration),
);
await Deno.mkdir(`${work}/frames`, { recursive: true });
const audioList = sections.map((s) => `file '${work}/audio/${s}.wav'`).join("\n");
await Deno.writeTextFile(`${work}/frames/audio.txt`, `${audioList}\n`);

async function renderFormat(format: string): Promise<void> {
  // Width and height from the PNG's IHDR chunk.
  const header = new DataView(
    (await Deno.readFile(`${work}/slides/${sections[0]}_${format}.png`)).buffer,
    16,
    8,
  );
  const width = header.getUint32(0);
  const height = header.getUint32(4);
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
      `${width}x${height}`,
      "-r",
      String(FPS),
      "-i",
      "-",
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      `${work}/frames/audio.txt`,
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-shortest",
      `${work}/frames/lesson.${format}.mp4`,
    ],
    stdin: "piped",
  }).spawn();
  const writer = ffmpeg.stdin.getWriter();
  const frame = new Uint8Array(width * height * 3);
  for (const [i, section] of sections.entries()) {
    const { stdout: slide } = await runProcess(paths.ffmpeg, [
      "-v",
      "error",
      "-i",
      `${work}/slides/${section}_${format}.png`,
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "-",
    ]);
    const frames = Math.round(durations[i]! * FPS);
    for (let f = 0; f < frames; f++) {
      frame.set(slide); // compose the frame, as a per-frame pipeline does
      await writer.write(frame);
    }
  }
  await writer.close();
  const status = await ffmpeg.status;
  if (!status.success) throw new Error(`ffmpeg failed for ${format}`);
}

await Promise.all(formats.map(renderFormat));
