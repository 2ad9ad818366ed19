/**
 * The frame-by-frame baseline: what MoviePy-style pipelines do, doing the same work as reel. It makes the same
 * assets as the hand-written script (bench/lesson_assets.sh: drawtext slides, espeak-ng WAVs), then composes every
 * frame in the script (the slide copied into a frame buffer) and pipes it as raw RGB into one ffmpeg per format,
 * which encodes it (x264 `ultrafast`, this pipeline's best case; MoviePy's default is `medium`, a keyframe every
 * 2 s) with the narration, each section padded to whole frames, as AAC; and it writes an SRT and a VTT.
 *
 * usage: deno run -A bench/frame_by_frame.ts WORK_DIR FPS OUT_DIR   (WORK_DIR as for bench/lesson_assets.sh)
 * @module
 */
import { findFfmpeg, runFfmpeg } from "../lib/media/ffmpeg.ts";
import { frameTimeline, sampleAtFrame } from "../lib/media/frame_timeline.ts";
import { wavDuration } from "../lib/media/wav_duration.ts";
import { placeSettledCues } from "../lib/jobs/lesson/steps/subtitles_step.ts";
import { CUE_SILENCE } from "../lib/jobs/lesson/steps/cues_step.ts";
import { sectionCues } from "../lib/jobs/lesson/captions/section_cues.ts";
import { DEFAULT_CAPTION_RULES } from "../lib/media/caption_rules.ts";
import { detectSilences } from "../lib/media/detect_silences.ts";
import { formatSrt, formatVtt } from "../lib/media/captions.ts";
import { runProcess } from "../lib/media/run_process.ts";

const [work, fpsText, out] = Deno.args;
if (work === undefined || fpsText === undefined || out === undefined) {
  throw new TypeError("usage: frame_by_frame.ts WORK_DIR FPS OUT_DIR");
}
const fps = Number(fpsText);
const paths = await findFfmpeg();
const assets = await Deno.makeTempDir({ prefix: "reel-frames-" });
try {
  await runProcess("bash", [new URL("lesson_assets.sh", import.meta.url).pathname, work, assets]);
  const sections = [...Deno.readDirSync(`${work}/sections`)].map((entry) => entry.name)
    .filter((name) => name.endsWith(".txt")).map((name) => name.replace(/\.txt$/, "")).sort();
  const formats = (await Deno.readTextFile(`${work}/formats.txt`)).trim().split("\n").map((line) => {
    const [name, width, height] = line.split(" ");
    return { name: name!, width: Number(width), height: Number(height) };
  });
  const durations = await Promise.all(sections.map(async (section) => {
    const bytes = await Deno.readFile(`${assets}/audio/${section}.wav`);
    return wavDuration(bytes, bytes.length);
  }));
  const timeline = frameTimeline(durations, fps);
  await Deno.mkdir(out, { recursive: true });
  await Promise.all(formats.map((format) => renderFormat(format, sections, timeline.frames)));
  const texts = await Promise.all(
    sections.map((section) => Deno.readTextFile(`${work}/sections/${section}.txt`)),
  );
  // The same cues as reel's: each section's narration cut by the caption rules, timed by its speech's pauses.
  let frame = 0;
  const cues = placeSettledCues(
    await Promise.all(sections.map(async (section, i) => {
      const start = frame / fps;
      frame += timeline.frames[i]!;
      const wav = `${assets}/audio/${section}.wav`;
      const silences = await detectSilences(paths, wav, { ...CUE_SILENCE, duration: durations[i]! });
      const rules = DEFAULT_CAPTION_RULES;
      return { start, cues: sectionCues(texts[i]!, { rules, silences, duration: durations[i]! }) };
    })),
  );
  await Deno.writeTextFile(`${out}/lesson.srt`, formatSrt(cues));
  await Deno.writeTextFile(`${out}/lesson.vtt`, formatVtt(cues));
} finally {
  await Deno.remove(assets, { recursive: true });
}

/** One format: every frame composed here and piped to ffmpeg, the narration padded to frames and encoded there. */
async function renderFormat(
  format: { name: string; width: number; height: number },
  sections: string[],
  frames: number[],
): Promise<void> {
  const { name, width, height } = format;
  let previous = 0;
  let total = 0;
  const pads = frames.map((count, i) => {
    total += count;
    const end = sampleAtFrame(total, fps, 48_000);
    const pad = `[${i + 1}:a]aresample=48000,apad,atrim=end_sample=${end - previous}[a${i}]`;
    previous = end;
    return pad;
  });
  const labels = frames.map((_, i) => `[a${i}]`).join("");
  const ffmpeg = new Deno.Command(paths.ffmpeg, {
    args: [
      ...[
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
        `${fps}`,
      ],
      ...["-i", "-", ...sections.flatMap((section) => ["-i", `${assets}/audio/${section}.wav`])],
      ...["-filter_complex", `${pads.join(";")};${labels}concat=n=${frames.length}:v=0:a=1[a]`],
      ...["-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-g", `${2 * fps}`],
      ...["-profile:v", "high", "-x264-params", "8x8dct=1"],
      ...["-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "1", "-b:a", "96k", "-movflags", "+faststart"],
      `${out}/lesson.${name}.mp4`,
    ],
    stdin: "piped",
  }).spawn();
  const writer = ffmpeg.stdin.getWriter();
  const frame = new Uint8Array(width * height * 3);
  for (const [i, section] of sections.entries()) {
    const slide = await runFfmpeg(paths, [
      ...["-i", `${assets}/slides/${section}_${name}.png`, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
    ]);
    for (let f = 0; f < frames[i]!; f++) {
      frame.set(slide); // compose the frame, as a per-frame pipeline does
      await writer.write(frame);
    }
  }
  await writer.close();
  const status = await ffmpeg.status;
  if (!status.success) throw new Error(`ffmpeg failed for ${name}`);
}
