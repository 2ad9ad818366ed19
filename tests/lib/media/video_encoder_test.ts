import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { encoderThreads, SOFTWARE_ENCODERS, videoEncodingArgs } from "../../../lib/media/video_encoder.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** Encodes a second of test pattern at 160×90 with `threads` and returns the stream's bytes as text. */
async function encodedWith(codec: "h264" | "hevc", threads: number): Promise<string> {
  const encoder = SOFTWARE_ENCODERS[codec];
  const args = videoEncodingArgs(encoder, { crf: 30, bitrate: null, gop: null, preset: "fastest", threads });
  const output = `${await tempDir()}/out.${codec}`;
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=160x90:rate=30:duration=1",
    "-vf",
    args.filter,
    ...args.output,
    "-f",
    codec,
    output,
  ]);
  return new TextDecoder("latin1").decode(await Deno.readFile(output));
}

Deno.test("the threads a software encoder would pick by itself, by cores; none for hardware", () => {
  assert.deepEqual([1, 2, 4, 16].map((cores) => encoderThreads(SOFTWARE_ENCODERS.h264, cores)), [
    1,
    3,
    6,
    24,
  ]);
  assert.deepEqual([2, 4, 8, 16, 64].map((cores) => encoderThreads(SOFTWARE_ENCODERS.hevc, cores)), [
    1,
    2,
    3,
    4,
    5,
  ]);
  assert.equal(encoderThreads({ name: "h264_nvenc", codec: "h264", hardware: true }, 8), null);
});

Deno.test("x264 encodes with the planned threads, whatever this machine's cores (its stream says so)", async () => {
  assert.match(await encodedWith("h264", 1), / threads=1 /);
  assert.match(await encodedWith("h264", 5), / threads=5 /);
});

Deno.test("x265 encodes with the planned frame threads (its stream says so)", async () => {
  assert.match(await encodedWith("hevc", 1), /frame-threads=1 /);
  assert.match(await encodedWith("hevc", 3), /frame-threads=3 /);
});
