/**
 * The decode step lays a recording's sound on its own timeline: sound that starts after the pictures, or pauses, is
 * padded with silence there, so that words are timed as the recording plays them.
 */
import assert from "node:assert/strict";
import { decodeStep } from "../../../../../lib/jobs/transcribe/steps/decode_step.ts";
import { findFfmpeg, runFfmpeg } from "../../../../../lib/media/ffmpeg.ts";
import { decodeMono, levelDb } from "../../../../_support/sound.ts";
import { runStepKind } from "../../../../_support/step_runner.ts";
import { tempDir } from "../../../../_support/temp_dir.ts";

async function decode(dir: string, input: string): Promise<{ duration: number; samples: Float32Array }> {
  const outputPath = `${dir}/${input}.wav`;
  const value = await runStepKind(decodeStep, {
    params: {},
    inputs: [],
    outputPath,
    scratchDir: `${dir}/scratch-${input}`,
    runtime: { input: `${dir}/${input}` },
  }) as { duration: number };
  return { duration: value.duration, samples: await decodeMono(outputPath) };
}

Deno.test("decode step: sound that starts 2 s after the pictures starts 2 s in (before: at 0)", async () => {
  const dir = await tempDir();
  await runFfmpeg(await findFfmpeg(), [
    ...["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=4"],
    ...["-itsoffset", "2", "-f", "lavfi", "-i", "sine=f=440:d=1:sample_rate=48000"],
    ...["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
    `${dir}/late.mp4`,
  ]);
  const { duration, samples } = await decode(dir, "late.mp4");
  assert.ok(Math.abs(duration - 3) < 0.06, `${duration} s`);
  assert.ok(levelDb(samples, 0.1, 1.9) < -60, "silent before the sound starts");
  assert.ok(levelDb(samples, 2.1, 2.9) > -30, "the tone where the recording plays it");
});

Deno.test("decode step: a pause in the sound's timestamps is silence there, not skipped (before: 3 s early after it)", async () => {
  const dir = await tempDir();
  await runFfmpeg(await findFfmpeg(), [
    ...["-f", "lavfi", "-i", "sine=f=440:d=2:sample_rate=48000"],
    ...["-af", "asetpts='if(gte(T\\,1.0)\\,PTS+3/TB\\,PTS)'", "-c:a", "libopus"],
    `${dir}/paused.mkv`,
  ]);
  const { duration, samples } = await decode(dir, "paused.mkv");
  assert.ok(Math.abs(duration - 5) < 0.1, `${duration} s`);
  assert.ok(levelDb(samples, 0.1, 0.9) > -30, "the tone before the pause");
  assert.ok(levelDb(samples, 1.2, 3.8) < -60, "silent through the pause");
  assert.ok(levelDb(samples, 4.2, 4.9) > -30, "the tone after it, where it plays");
});
