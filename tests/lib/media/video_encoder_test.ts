import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { encoderThreads, SOFTWARE_ENCODERS, videoEncodingArgs } from "../../../lib/media/video_encoder.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/**
 * Encodes test pattern with `threads` (a second at 160×90 unless told) and returns the stream's bytes as text.
 *
 * @param options The encode's rate (constant quality 30 unless a bitrate is given), size and length.
 */
async function encodedWith(
  codec: "h264" | "hevc",
  threads: number,
  options: { bitrate?: number; size?: string; seconds?: number } = {},
): Promise<string> {
  const { bitrate = null, size = "160x90", seconds = 1 } = options;
  const encoder = SOFTWARE_ENCODERS[codec];
  const args = videoEncodingArgs(encoder, {
    crf: bitrate === null ? 30 : null,
    bitrate,
    gop: null,
    preset: bitrate === null ? "fastest" : "fast",
    threads,
  });
  const output = `${await tempDir()}/out.${codec}`;
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${size}:rate=30:duration=${seconds}`,
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
  // x265: one frame thread whatever the cores (see the test below).
  assert.deepEqual([2, 4, 8, 16, 64].map((cores) => encoderThreads(SOFTWARE_ENCODERS.hevc, cores)), [
    1,
    1,
    1,
    1,
    1,
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

Deno.test("x265 as planned on a machine of any cores makes one stream in 6 encodes side by side, at constant quality and at a bitrate", async () => {
  // Planned on 16 cores: before, 4 frame threads, whose frames came out 2 or 3 ways in 4 encodes side by side; and at a
  // bitrate, even at one frame thread, its wavefront threads made each of 4 encodes differ.
  const threads = encoderThreads(SOFTWARE_ENCODERS.hevc, 16)!;
  for (const bitrate of [undefined, 300_000]) {
    const streams = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => encodedWith("hevc", threads, { bitrate, size: "640x360", seconds: 2 })),
    );
    const count = new Set(streams).size;
    assert.equal(
      count,
      1,
      `${count} different streams in 6 encodes (${threads} threads, bitrate ${bitrate})`,
    );
  }
});
