/**
 * probeMedia() reads plain MP4s (H.264 and AAC, as reel writes them) from their boxes and reports exactly what
 * ffprobe reports: container duration, each stream's codec, size and duration after its edit (the AAC priming
 * skipped), to the microsecond; on lesson-like videos at 24, 30 and 60 fps, a narration M4A, a video without
 * audio, at odd sizes, with the index at either end. Files it does not read (B-frames, QuickTime, fragmented, MP3 in MP4,
 * WAV, MP3, a missing file) go to ffprobe, with ffprobe's answer or error.
 */
import assert from "node:assert/strict";
import { ffprobeMedia, findFfmpeg, probeMedia, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { probeMp4 } from "../../../lib/media/mp4_probe.ts";
import { NARRATION_AAC_ARGS } from "../../../lib/media/narration_encoding.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const ffmpeg = await findFfmpeg();
const dir = await tempDir("reel-mp4-probe-");

const x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];

/** Encodes lavfi sources into `name` with `args` and returns its path. */
async function make(name: string, args: string[]): Promise<string> {
  const path = `${dir}/${name}`;
  await runFfmpeg(ffmpeg, [...args, path]);
  return path;
}

const video = (size: string, rate: number, seconds: number) => [
  "-f",
  "lavfi",
  "-i",
  `testsrc2=s=${size}:r=${rate}:d=${seconds}`,
];
const tone = (rate: number, seconds: number) => ["-f", "lavfi", "-i", `sine=f=440:r=${rate}:d=${seconds}`];

Deno.test("probeMedia: plain MP4s read from their boxes report what ffprobe reports", async () => {
  const files = [
    await make("lesson-30.mp4", [
      ...video("160x90", 30, 2.4333),
      ...tone(48_000, 2.4333),
      ...x264,
      "-c:a",
      "aac",
      "-movflags",
      "+faststart",
    ]),
    await make("lesson-24.mp4", [
      ...video("90x160", 24, 1.37),
      ...tone(44_100, 1.5),
      ...x264,
      "-c:a",
      "aac",
      "-ac",
      "2",
      "-shortest",
    ]),
    await make("odd-60.mp4", [...video("322x182", 60, 0.9), ...x264, "-an"]),
    await make("narration.m4a", [...tone(22_050, 3.21), ...NARRATION_AAC_ARGS]),
  ];
  for (const file of files) {
    const read = await probeMp4(file);
    assert.notEqual(read, null, `${file} was not read from its boxes`);
    assert.deepEqual(read, await ffprobeMedia(ffmpeg, file), file);
    assert.deepEqual(await probeMedia(ffmpeg, file), read);
  }
});

Deno.test("probeMedia: what the box reader leaves (B-frames, QuickTime, fragments, MP3 in MP4, WAV, MP3) is ffprobe's", async () => {
  const files = [
    // B-frames (x264's veryfast, which variants encode with): composition offsets, an edit on presentation times.
    await make("b-frames.mp4", [
      ...video("160x90", 30, 1.1),
      ...tone(48_000, 1.1),
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
    ]),
    await make("quicktime.mov", [...video("64x64", 25, 1), ...tone(48_000, 1), ...x264, "-c:a", "aac"]),
    await make("fragmented.mp4", [
      ...video("64x64", 25, 1),
      ...x264,
      "-movflags",
      "frag_keyframe+empty_moov",
    ]),
    await make("mp3-in-mp4.mp4", [...tone(44_100, 1), "-c:a", "libmp3lame"]),
    await make("tone.wav", tone(16_000, 1)),
    await make("tone.mp3", tone(44_100, 1)),
  ];
  for (const file of files) {
    assert.equal(await probeMp4(file), null, file);
    assert.deepEqual(await probeMedia(ffmpeg, file), await ffprobeMedia(ffmpeg, file), file);
  }
  await assert.rejects(probeMedia(ffmpeg, `${dir}/missing.mp4`), /missing\.mp4/);
  const cut = `${dir}/cut.mp4`;
  await Deno.writeFile(cut, (await Deno.readFile(files[0]!)).subarray(0, 2000));
  await assert.rejects(probeMedia(ffmpeg, cut), /cut\.mp4/);
});
