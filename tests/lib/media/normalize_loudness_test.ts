/**
 * normalizeLoudness() lands on the target within half a LU with the true peak under the ceiling, measured on the
 * encoded output by the `ebur128` summary; keeps every sample where it was; leaves silence silent and raises a
 * nearly silent recording by its capped gain only.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { measureLoudness } from "../../../lib/media/loudness_meter.ts";
import { NARRATION_AAC_ARGS } from "../../../lib/media/narration_encoding.ts";
import { normalizeLoudness } from "../../../lib/media/normalize_loudness.ts";
import { decodeMono, ebur128Summary } from "../../_support/sound.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const target = { target: -16, truePeak: -1.5 };

/** Writes `seconds` of an ffmpeg audio source as a 48 kHz mono float WAV and returns its path. */
async function source(dir: string, name: string, lavfi: string): Promise<string> {
  const path = `${dir}/${name}.wav`;
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    lavfi,
    "-ac",
    "1",
    "-ar",
    "48000",
    "-c:a",
    "pcm_f32le",
    path,
  ]);
  return path;
}

async function normalize(input: string, options: { target: typeof target }) {
  const ffmpeg = await findFfmpeg();
  const output = input.replace(/\.wav$/, ".m4a");
  const reported = await normalizeLoudness(ffmpeg, input, output, {
    measured: await measureLoudness(ffmpeg, input),
    target: options.target,
    encode: NARRATION_AAC_ARGS,
  });
  return { output, reported, summary: await ebur128Summary(output) };
}

Deno.test("normalizeLoudness() brings a peaky recording to the target under the ceiling, the limiter keeping its timing", async () => {
  const dir = await tempDir();
  // Clicks every half second over a quiet tone: loudness far below the peaks, so the gain needs the limiter.
  const input = await source(
    dir,
    "peaky",
    "aevalsrc='0.05*sin(2*PI*300*t)+if(lt(mod(t\\,0.5)\\,0.004)\\,0.9*sin(2*PI*2000*t)\\,0)':s=48000:d=3",
  );
  for (const goal of [target, { target: -23, truePeak: -6 }]) {
    const { output, reported, summary } = await normalize(input, { target: goal });
    assert.ok(
      Math.abs(summary.integrated - goal.target) <= 0.5,
      `${summary.integrated} LUFS for ${goal.target}`,
    );
    assert.ok(summary.truePeak <= goal.truePeak, `${summary.truePeak} dBTP over ${goal.truePeak}`);
    assert.ok(
      Math.abs(reported.integrated - summary.integrated) <= 0.1,
      JSON.stringify({ reported, summary }),
    );
    // The clicks are where they were: the first sample over half the loudest one near 1 s is the click at 1 s.
    const near = (await decodeMono(output)).subarray(48_000 - 2_400, 48_000 + 2_400);
    const loudest = near.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    const click = near.findIndex((value) => Math.abs(value) > loudest / 2) + 48_000 - 2_400;
    assert.ok(Math.abs(click - 48_000) <= 48, `the click at 1 s is at sample ${click}`);
  }
});

Deno.test("normalizeLoudness() leaves silence silent and raises a nearly silent recording by 30 dB at most", async () => {
  const dir = await tempDir();
  const silent = await normalize(await source(dir, "silent", "anullsrc=r=48000:cl=mono:d=2"), { target });
  assert.equal(silent.summary.truePeak, -Infinity);
  assert.ok(silent.summary.integrated <= -70);
  // A tone at -60 LUFS would need 44 dB; it gets 30.
  const quiet = await normalize(await source(dir, "quiet", "sine=f=1000:r=48000:d=2,volume=-39dB"), {
    target,
  });
  assert.ok(Math.abs(quiet.summary.integrated - -30) <= 0.5, `${quiet.summary.integrated} LUFS`);
});
