/**
 * encodeAacInParts() cuts a track on the AAC frame grid (at a section join when one is near) and joins its parts'
 * frames into one M4A that decodes as one encode does: the track's length to the sample, every sample in place, no
 * click at a cut; one ffmpeg for every part or one per part make the same bytes.
 */
import assert from "node:assert/strict";
import { AAC_FRAME, encodeAacInParts, partCuts, type PcmSource, ROLL } from "../../../lib/media/aac_parts.ts";
import { findFfmpeg, probeMedia } from "../../../lib/media/ffmpeg.ts";
import { NARRATION_AAC_ARGS } from "../../../lib/media/narration_encoding.ts";
import { decodeMono, toneOverNoise } from "../../_support/sound.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const RATE = 48_000;

Deno.test("partCuts() cuts on the AAC frame grid, at a join within a quarter part, never a part under twice the roll", () => {
  const samples = 10 * RATE;
  const even = partCuts(samples, 3, []);
  assert.equal(even.length, 4);
  assert.deepEqual([even[0], even[3]], [0, samples]);
  for (const cut of even.slice(1, -1)) assert.equal(cut % AAC_FRAME, 0);
  assert.ok(
    Math.abs(even[1]! - samples / 3) <= AAC_FRAME / 2 &&
      Math.abs(even[2]! - (2 * samples) / 3) <= AAC_FRAME / 2,
  );
  // A join 0.5 s from the even cut (within a quarter part of 3.3 s) is taken, rounded to the grid; one 2 s away
  // is not.
  const joined = partCuts(samples, 2, [5.5 * RATE, 8 * RATE]);
  assert.deepEqual(joined, [0, Math.round((5.5 * RATE) / AAC_FRAME) * AAC_FRAME, samples]);
  assert.deepEqual(partCuts(samples, 2, [8 * RATE]), partCuts(samples, 2, []));
  // Too short for two parts of twice the roll: one part, whatever was asked.
  assert.deepEqual(partCuts(3 * ROLL, 4, []), [0, 3 * ROLL]);
  assert.deepEqual(partCuts(samples, 0, []), [0, samples]);
});

/** A 48 kHz float WAV of `seconds`: a tone under seeded noise, so a sample out of place or a click shows. */
function sourceWav(dir: string, seconds: number): Promise<string> {
  return toneOverNoise(`${dir}/source.wav`, { tone: "0.3*sin(2*PI*440*t)", noise: 0.05, seed: 7, seconds });
}

/** The largest difference between `a` and `b` over `[from, to)`. */
function maxError(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let max = 0;
  for (let i = Math.max(0, from); i < Math.min(to, a.length, b.length); i++) {
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
  }
  return max;
}

/** The shift within ±`range` samples at which `signal` best matches `reference` over `length` samples from `at`. */
function bestLag(
  signal: Float32Array,
  reference: Float32Array,
  at: number,
  length: number,
  range: number,
): number {
  let best = { lag: 0, score: -Infinity };
  for (let lag = -range; lag <= range; lag++) {
    let score = 0;
    for (let i = at; i < at + length; i++) score += (signal[i + lag] ?? 0) * reference[i]!;
    if (score > best.score) best = { lag, score };
  }
  return best.lag;
}

Deno.test("encodeAacInParts() joins its parts into one track as one encode makes it: length, timing, no click, same bytes on 1 or 3 cores or lent ones", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  const seconds = 6;
  const samples = seconds * RATE;
  const wav = await sourceWav(dir, seconds);
  const source = (from: number, to: number): PcmSource => ({
    inputs: [["-i", wav]],
    graph: `[0:a]atrim=start_sample=${from}:end_sample=${to},asetpts=N/SR/TB[out]`,
  });
  // Cores lent while parts are left: counted, and each given back.
  let lent = 0;
  let held = 0;
  const borrowCore = () => {
    lent++;
    held++;
    return Promise.resolve({ release: () => held-- });
  };
  const encode = async (name: string, partSeconds: number, concurrency: number, lend = false) => {
    const scratchDir = `${dir}/scratch-${name}`;
    await Deno.mkdir(scratchDir);
    const output = `${dir}/${name}.m4a`;
    await encodeAacInParts(ffmpeg, {
      samples,
      source,
      encode: NARRATION_AAC_ARGS,
      partSamples: partSeconds * RATE,
      concurrency,
      output,
      scratchDir,
      ...lend ? { borrowCore } : {},
    });
    return { output, parts: [...Deno.readDirSync(scratchDir)].length };
  };
  const whole = await encode("whole", 60, 1);
  const oneCore = await encode("one-core", 2, 1);
  const threeCores = await encode("three-cores", 2, 3);
  const borrowed = await encode("borrowed", 2, 1, true);
  assert.deepEqual([whole.parts, oneCore.parts, threeCores.parts, borrowed.parts], [0, 3, 3, 3]);
  assert.deepEqual(await Deno.readFile(oneCore.output), await Deno.readFile(threeCores.output));
  // One part on its own core, the two others on cores lent one after the other, all given back.
  assert.deepEqual(await Deno.readFile(oneCore.output), await Deno.readFile(borrowed.output));
  assert.deepEqual([lent, held], [2, 0]);

  const probed = await probeMedia(ffmpeg, oneCore.output);
  assert.equal(probed.duration, seconds);
  const expected = await decodeMono(wav);
  const parted = await decodeMono(oneCore.output);
  const single = await decodeMono(whole.output);
  assert.equal(parted.length, single.length);
  assert.ok(parted.length >= samples && parted.length < samples + AAC_FRAME, `${parted.length} samples`);
  // Everywhere, and most closely at the two cuts, the parts' track is as near the source as one encode's.
  const cuts = partCuts(samples, 3, []).slice(1, -1);
  assert.ok(maxError(parted, expected, 0, samples) <= 1.5 * maxError(single, expected, 0, samples));
  for (const cut of cuts) {
    const near = [cut - 2 * AAC_FRAME, cut + 2 * AAC_FRAME] as const;
    const error = maxError(parted, expected, ...near);
    assert.ok(error <= 1.5 * maxError(single, expected, ...near), `at ${cut}: ${error}`);
    // Every sample in place: the part after the cut matches the source best where it is, not a sample off.
    assert.equal(bestLag(parted, expected, cut, 2 * AAC_FRAME, 8), 0, `at ${cut}`);
  }
});
