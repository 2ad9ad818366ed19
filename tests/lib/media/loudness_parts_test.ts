/**
 * meterInParts() measures a track in parts as ffmpeg's meter measures it whole (integrated loudness, true and
 * sample peaks), on one ffmpeg or several alike, and writes each part's own samples exactly; integratedLoudness()
 * gates blocks as EBU R128 does.
 */
import assert from "node:assert/strict";
import type { PcmSource } from "../../../lib/media/aac_parts.ts";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { measureLoudness } from "../../../lib/media/loudness_meter.ts";
import { integratedLoudness, meterInParts, wavPartsSource } from "../../../lib/media/loudness_parts.ts";
import { decodeMono, toneOverNoise } from "../../_support/sound.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const power = (lufs: number) => 10 ** ((lufs + 0.691) / 10);

Deno.test("integratedLoudness() drops blocks under -70 LUFS, then those 10 LU under the mean of the rest", () => {
  // Under the absolute gate only: the meter's floor.
  assert.equal(integratedLoudness([power(-75), power(-90)]), -70);
  assert.equal(integratedLoudness([]), -70);
  // -20 and -24 pass both gates (their mean is -21.8, the gate -31.8); -40 passes the absolute gate only; -80 none.
  const expected = -0.691 + 10 * Math.log10((power(-20) + power(-24)) / 2);
  const got = integratedLoudness([power(-20), power(-24), power(-40), power(-80)]);
  assert.ok(Math.abs(got - expected) < 1e-9, `${got} vs ${expected}`);
});

/** 6 s of a speech-like track: tone bursts at three levels over quiet noise, and a second of silence. */
function track(dir: string): Promise<string> {
  const level = "if(lt(t,2),0.5,if(lt(t,3),0.05,if(lt(t,4),0,0.9)))";
  const tone = `${level}*sin(2*PI*(220+110*floor(3*t))*t)*(0.6+0.4*sin(2*PI*3*t))`;
  return toneOverNoise(`${dir}/track.wav`, { tone, noise: 0.01, seed: 3, seconds: 6 });
}

Deno.test("meterInParts() reads what the meter reads whole, on 1 or 3 cores alike, and writes each part's samples exactly", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  const wav = await track(dir);
  const cuts = [0, 96_000, 201_600, 288_000];
  const source = (from: number, to: number): PcmSource => ({
    inputs: [["-i", wav]],
    graph: `[0:a]atrim=start_sample=${from}:end_sample=${to},asetpts=N/SR/TB[out]`,
  });
  for (const peak of ["true", "sample"] as const) {
    const whole = await measureLoudness(ffmpeg, wav, { peak });
    const results = [];
    for (const concurrency of [1, 3]) {
      const scratchDir = `${dir}/scratch-${peak}-${concurrency}`;
      await Deno.mkdir(scratchDir);
      results.push(await meterInParts(ffmpeg, { cuts, source, peak, concurrency, scratchDir }));
    }
    assert.deepEqual(results[0], results[1]);
    const parted = results[0]!;
    assert.ok(
      Math.abs(parted.integrated - whole.integrated) < 0.05,
      `${peak}: ${parted.integrated} vs ${whole.integrated}`,
    );
    assert.ok(Math.abs(parted.peak - whole.peak) < 0.1, `${peak}: ${parted.peak} vs ${whole.peak} dB`);
  }
  // The parts' WAVs, joined by wavPartsSource, are the track sample for sample.
  const part = (i: number) => `${dir}/part-${i}.wav`;
  const scratchDir = `${dir}/scratch-write`;
  await Deno.mkdir(scratchDir);
  await meterInParts(ffmpeg, { cuts, source, peak: "sample", write: part, concurrency: 1, scratchDir });
  const joined = wavPartsSource(cuts, part, 0, 288_000);
  await runFfmpeg(ffmpeg, [
    ...joined.inputs.flat(),
    "-filter_complex",
    joined.graph,
    "-map",
    "[out]",
    "-c:a",
    "pcm_f32le",
    `${dir}/joined.wav`,
  ]);
  assert.deepEqual(await decodeMono(`${dir}/joined.wav`), await decodeMono(wav));
  // A cut off the meter's 100 ms grid is refused.
  await assert.rejects(
    () =>
      meterInParts(ffmpeg, { cuts: [0, 1000, 288_000], source, peak: "sample", concurrency: 1, scratchDir }),
    /cut on the 4800-sample grid/,
  );
});
