/**
 * writeMp4() against ffmpeg and ffprobe: stills shown for their frames and a narration's AAC copied into one MP4,
 * index first; ffprobe reads High profile, a constant frame rate, every frame, keyframes where the GOPs start and
 * the picture's size from the SPS's cropping; ffmpeg decodes every frame's colour and the very samples the M4A
 * decodes to, without a complaint. A file that is not an M4A of AAC, or whose tables are cut short, fails naming it.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { encodeStills } from "../../../lib/media/h264/encode_stills.ts";
import { pictureSamples } from "../../../lib/media/h264/still_stream.ts";
import { writeJoinedAac, writeMp4 } from "../../../lib/media/mp4_mux.ts";
import { probeMp4 } from "../../../lib/media/mp4_probe.ts";
import { NARRATION_AAC_ARGS } from "../../../lib/media/narration_encoding.ts";
import { runProcess } from "../../../lib/media/run_process.ts";
import { colourDistance, hexToRgb, solidPngs } from "../../_support/media.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const ffmpeg = await findFfmpeg();
// An odd height: the SPS crops 182 from 192 rows of macroblocks, and the MP4 must say 182.
const WIDTH = 96;
const HEIGHT = 182;
const FPS = 24;
const COLOURS = ["#c0392b", "#27ae60"];

async function stillsIn(dir: string) {
  const pngs = await solidPngs(dir, COLOURS, { width: WIDTH, height: HEIGHT });
  return await encodeStills(ffmpeg, pngs, {
    fps: FPS,
    width: WIDTH,
    height: HEIGHT,
    scratchDir: dir,
    output: `${dir}/stills.h264`,
  });
}

async function text(program: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await runProcess(program, args);
  return new TextDecoder().decode(stdout) + stderr;
}

Deno.test("writeMp4() writes stills and a narration's AAC that ffprobe and ffmpeg read as ffmpeg's own", async () => {
  const dir = await tempDir("reel-mp4-mux-");
  const stills = await stillsIn(dir);
  const narration = `${dir}/narration.m4a`;
  // 2.5 s of a tone that changes pitch, at the narration's settings (its edit skips the encoder's priming).
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    "sine=f=300:r=48000:d=1.2,asetrate=48000",
    "-f",
    "lavfi",
    "-i",
    "sine=f=700:r=48000:d=1.3",
    "-filter_complex",
    "[0:a][1:a]concat=n=2:v=0:a=1",
    ...NARRATION_AAC_ARGS,
    narration,
  ]);
  const frames = [25, 35]; // 60 frames at 24 fps: 2.5 s, like the narration
  const output = `${dir}/video.mp4`;
  const [sps, pps] = stills.parameterSets;
  await writeMp4(output, {
    fps: FPS,
    sps: sps!,
    pps: pps!,
    width: stills.params.sps.width,
    height: stills.params.sps.height,
    samples: () =>
      pictureSamples(stills, null, {
        pieces: frames.map((count, still) => ({ still, frames: count })),
        gop: 12,
      }),
  }, narration);

  // The index first, then the media.
  const bytes = await Deno.readFile(output);
  const top: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = new DataView(bytes.buffer, at).getUint32(0);
    top.push(String.fromCharCode(...bytes.subarray(at + 4, at + 8)));
    at += size;
  }
  assert.deepEqual(top, ["ftyp", "moov", "mdat"]);
  // The sample entry's size, read from the boxes (ffprobe would read the SPS instead).
  const boxes = await probeMp4(output);
  assert.deepEqual(boxes?.streams.map(({ codec, width, height }) => [codec, width, height]), [
    ["h264", WIDTH, HEIGHT],
    ["aac", null, null],
  ]);

  const streams = JSON.parse(
    await text(ffmpeg.ffprobe, [
      "-v",
      "error",
      "-count_frames",
      "-show_entries",
      "stream=codec_name,profile,width,height,r_frame_rate,avg_frame_rate,duration,nb_read_frames",
      "-of",
      "json",
      output,
    ]),
  ).streams;
  const [video, audio] = streams;
  assert.equal(video.codec_name, "h264");
  assert.equal(video.profile, "High");
  assert.equal(video.width, WIDTH);
  assert.equal(video.height, HEIGHT);
  assert.equal(video.r_frame_rate, `${FPS}/1`);
  assert.equal(video.avg_frame_rate, `${FPS}/1`);
  assert.equal(video.nb_read_frames, "60");
  assert.equal(Number(video.duration), 2.5);
  assert.equal(audio.codec_name, "aac");
  assert.ok(Math.abs(Number(audio.duration) - 2.5) < 1 / FPS, `audio lasts ${audio.duration} s`);

  // Keyframes where each still and each GOP starts.
  const keys = await text(ffmpeg.ffprobe, [
    "-v",
    "error",
    "-select_streams",
    "v",
    "-show_entries",
    "packet=flags",
    "-of",
    "csv=p=0",
    output,
  ]);
  const keyframes = keys.trim().split("\n").flatMap((flags, i) => flags.startsWith("K") ? [i] : []);
  assert.deepEqual(keyframes, [0, 12, 24, 25, 37, 49]);

  // Every frame's colour: the first still for 25 frames, then the second.
  const { stdout: rgb, stderr: complaints } = await runProcess(ffmpeg.ffmpeg, [
    "-v",
    "warning",
    "-i",
    output,
    "-vf",
    "crop=2:2:40:40,format=rgb24",
    "-f",
    "rawvideo",
    "pipe:1",
  ]);
  assert.equal(complaints.trim(), "");
  assert.equal(rgb.length, 60 * 12);
  for (let frame = 0; frame < 60; frame++) {
    const pixel: [number, number, number] = [rgb[frame * 12]!, rgb[frame * 12 + 1]!, rgb[frame * 12 + 2]!];
    const expected = COLOURS[frame < 25 ? 0 : 1]!;
    assert.ok(colourDistance(pixel, hexToRgb(expected)) <= 8, `frame ${frame}: ${pixel} vs ${expected}`);
  }

  // The audio decodes to exactly the narration's samples: same priming skipped, nothing added or lost.
  const pcm = async (file: string) =>
    (await runProcess(ffmpeg.ffmpeg, ["-v", "error", "-i", file, "-map", "0:a", "-f", "s16le", "pipe:1"]))
      .stdout;
  const [ours, theirs] = [await pcm(output), await pcm(narration)];
  assert.ok(theirs.length > 2.4 * 48_000 * 2, `the narration decodes to ${theirs.length} bytes`);
  assert.equal(ours.length, theirs.length);
  const differs = ours.findIndex((byte, i) => byte !== theirs[i]);
  assert.equal(differs, -1, `the decoded audio differs from the narration's at byte ${differs}`);
});

Deno.test("writeMp4() refuses audio that is not an M4A of AAC, naming the file", async () => {
  const dir = await tempDir("reel-mp4-mux-");
  const stills = await stillsIn(dir);
  const wav = `${dir}/narration.wav`;
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=0.5", wav]);
  const [sps, pps] = stills.parameterSets;
  const video = {
    fps: FPS,
    sps: sps!,
    pps: pps!,
    width: WIDTH,
    height: HEIGHT,
    samples: () => pictureSamples(stills, null, { pieces: [{ still: 0, frames: 12 }], gop: 12 }),
  };
  await assert.rejects(
    () => writeMp4(`${dir}/video.mp4`, video, wav),
    (error: Error) => error.message.includes(wav) && /not an M4A of one AAC track/.test(error.message),
  );
  // A second track: ffmpeg's own MP4 of video and audio is not a narration.
  const both = `${dir}/both.mp4`;
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    "testsrc2=s=64x48:d=0.5",
    "-f",
    "lavfi",
    "-i",
    "sine=d=0.5",
    "-c:v",
    "libx264",
    "-c:a",
    "aac",
    both,
  ]);
  await assert.rejects(() => writeMp4(`${dir}/video.mp4`, video, both), /2 tracks/);
  // An M4A whose sample table counts more sizes than its box holds: named, not read past its box.
  const narration = `${dir}/narration.m4a`;
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=0.5:r=48000", ...NARRATION_AAC_ARGS, narration]);
  const bytes = await Deno.readFile(narration);
  const stsz = new TextDecoder("latin1").decode(bytes).indexOf("stsz"); // one character a byte
  new DataView(bytes.buffer).setUint32(stsz + 12, 0x00ff_ffff);
  await Deno.writeFile(narration, bytes);
  await assert.rejects(
    () => writeMp4(`${dir}/video.mp4`, video, narration),
    (error: Error) =>
      error.message.includes(narration) && /counts more entries than its box holds/.test(error.message),
  );
});

Deno.test("writeJoinedAac() refuses a part with fewer frames than its run or another priming, and runs that cannot hold the track", async () => {
  const dir = await tempDir("reel-mp4-join-");
  const part = `${dir}/part.m4a`;
  // 0.5 s at 48 kHz: 24000 samples, 25 AAC frames with the priming.
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=0.5:r=48000", ...NARRATION_AAC_ARGS, part]);
  const output = `${dir}/joined.m4a`;
  await assert.rejects(
    () => writeJoinedAac(output, [{ file: part, first: 20, count: 10 }], 24_000, { priming: 1024 }),
    (error: Error) =>
      error.message.includes(part) && /has 25 AAC frames; its part needs frames 20 to 29/.test(error.message),
  );
  await assert.rejects(
    () => writeJoinedAac(output, [{ file: part, first: 0, count: 25 }], 24_000, { priming: 2048 }),
    /starts with 1024 samples of priming, not 2048/,
  );
  await assert.rejects(
    () => writeJoinedAac(output, [{ file: part, first: 0, count: 25 }], 48_000, { priming: 1024 }),
    /25 AAC frames of 1024 samples cannot hold 48000 samples/,
  );
  await assert.rejects(() => Deno.stat(output), Deno.errors.NotFound);
  // The whole part as its own run is the part again, sample for sample.
  await writeJoinedAac(output, [{ file: part, first: 0, count: 25 }], 24_000, { priming: 1024 });
  const decode = async (file: string) =>
    (await runProcess(ffmpeg.ffmpeg, ["-v", "error", "-i", file, "-f", "f32le", "pipe:1"])).stdout;
  assert.deepEqual(await decode(output), await decode(part));
});
