/**
 * Loudness normalisation by measured gain (EBU R128, two passes): the input's measured integrated loudness sets one
 * linear gain for the whole recording, a look-ahead limiter holds the peaks under the ceiling where that gain
 * would push them over, and the encoded output is measured again and corrected once if the encoder moved it. A
 * gain, unlike `loudnorm`'s dynamic mode, keeps the speech's own dynamics and works on recordings of a few seconds.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { runFfmpeg } from "./ffmpeg.ts";
import { type Loudness, LOUDNESS_METER_FILTER, measureLoudness, parseLoudness } from "./loudness_meter.ts";

/** Where loudness should land. */
export interface LoudnessTarget {
  /** Integrated loudness in LUFS (-16 for online video, -23 for EBU broadcast). */
  target: number;
  /** The true-peak ceiling in dBTP. */
  truePeak: number;
}

/** Options for {@linkcode normalizeLoudness}. */
export interface NormalizeLoudnessOptions {
  /** The input's loudness, measured before (by {@linkcode measureLoudness} or a meter in the graph that made it). */
  measured: Loudness;
  /** Where the output's loudness should land. */
  target: LoudnessTarget;
  /** ffmpeg output options that encode the output (codec, rate, container). */
  encode: readonly string[];
  /** Kills ffmpeg. */
  signal?: AbortSignal;
}

/** The most gain applied (dB): a nearly silent recording is raised this much at most, never to the target. */
const MAX_GAIN = 30;
/** The meter's floor (LUFS): what it reads when nothing passes its gate. */
const SILENCE = -70;
/** How far below the true-peak ceiling the limiter holds sample peaks (dB): room for inter-sample peaks. */
const HEADROOM = 1;
/** How far the encoder may move the true peak (dB): the limited PCM aims this far under the ceiling. */
const ENCODER_MARGIN = 0.5;
/** How far from the target an output may land before it is corrected (LU). */
const TOLERANCE = 0.5;
/** How many times at most the limited PCM is measured before encoding. */
const LIMITED_PASSES = 3;
/** The lowest limit `alimiter` takes (dBFS). */
const LOWEST_LIMIT = -24;

/** A gain in dB and a sample-peak limit in dBFS (null: no limiter). */
interface Gain {
  gain: number;
  limit: number | null;
}

/**
 * Encodes `input` with the gain that brings it to the target loudness, its peaks limited under the ceiling, and
 * returns the encoded output's loudness. The input should be lossless PCM; its timing is kept to the sample (the
 * limiter's look-ahead is compensated). Silence stays silence.
 *
 * @param ffmpeg The binaries.
 * @param input The recording (e.g. a float WAV).
 * @param output Where the encoded recording goes.
 * @param options The input's loudness, the target, the encoder's options and the signal.
 * @returns The output's loudness, as measured after encoding.
 * @throws {ProcessError} When ffmpeg fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * import { measureLoudness } from "./loudness_meter.ts";
 * import { normalizeLoudness } from "./normalize_loudness.ts";
 * const ffmpeg = await findFfmpeg();
 * const dir = await Deno.makeTempDir();
 * await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=f=440:d=3:r=48000", "-c:a", "pcm_f32le", `${dir}/in.wav`]);
 * const measured = await measureLoudness(ffmpeg, `${dir}/in.wav`);
 * const out = await normalizeLoudness(ffmpeg, `${dir}/in.wav`, `${dir}/out.m4a`, {
 *   measured,
 *   target: { target: -16, truePeak: -1.5 },
 *   encode: ["-c:a", "aac", "-b:a", "96k"],
 * });
 * assert.ok(Math.abs(out.integrated - -16) <= 0.5 && out.truePeak <= -1.5, JSON.stringify(out));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function normalizeLoudness(
  ffmpeg: FfmpegPaths,
  input: string,
  output: string,
  options: NormalizeLoudnessOptions,
): Promise<Loudness> {
  const { measured, target, encode, signal } = options;
  if (measured.integrated <= SILENCE) {
    await runFfmpeg(ffmpeg, ["-i", input, ...encode, output], { signal });
    return await measureLoudness(ffmpeg, output, { signal });
  }
  let plan = correct({ gain: 0, limit: null }, measured, { target, margin: HEADROOM });
  // Limiting lowers the loudness, most where the peaks carry it: measure the limited PCM (no encoding) and make that
  // up, again while it misses by more than a fifth of the tolerance (speech needs one pass).
  for (let pass = 0; plan.limit !== null && pass < LIMITED_PASSES; pass++) {
    const stdout = await runFfmpeg(ffmpeg, [
      "-i",
      input,
      "-af",
      `${gainFilter(plan)},${LOUDNESS_METER_FILTER}`,
      "-f",
      "null",
      "-",
    ], { signal });
    const limited = parseLoudness(new TextDecoder().decode(stdout));
    plan = correct(plan, limited, { target, margin: ENCODER_MARGIN });
    if (Math.abs(limited.integrated - target.target) <= TOLERANCE / 5) break;
  }
  const encodeWith = (gain: Gain) =>
    runFfmpeg(ffmpeg, ["-i", input, "-af", gainFilter(gain), ...encode, output], { signal });
  await encodeWith(plan);
  const result = await measureLoudness(ffmpeg, output, { signal });
  if (Math.abs(result.integrated - target.target) <= TOLERANCE && result.truePeak <= target.truePeak) {
    return result;
  }
  await encodeWith(correct(plan, result, { target, margin: 0.1 }));
  return await measureLoudness(ffmpeg, output, { signal });
}

/**
 * The gain and limit that move a recording measured at `measured` (with `plan` applied) to the target, its true
 * peak at least `margin` dB under the ceiling.
 */
function correct(plan: Gain, measured: Loudness, options: { target: LoudnessTarget; margin: number }): Gain {
  const { target, margin } = options;
  const step = target.target - measured.integrated;
  const gain = Math.min(MAX_GAIN, plan.gain + step);
  const ceiling = target.truePeak - margin;
  // The peak the new gain would make, and how far the limiter must come down to keep it under the ceiling.
  const peak = measured.truePeak + (gain - plan.gain);
  if (peak <= ceiling && plan.limit === null) return { gain, limit: null };
  const start = plan.limit ?? target.truePeak - HEADROOM;
  const over = plan.limit === null ? 0 : Math.max(0, measured.truePeak - ceiling);
  return { gain, limit: Math.max(LOWEST_LIMIT, start - over) };
}

/** The filters that apply a gain (and its limiter, its look-ahead delay compensated). */
function gainFilter({ gain, limit }: Gain): string {
  const volume = `volume=${gain.toFixed(3)}dB`;
  if (limit === null) return volume;
  const linear = (10 ** (limit / 20)).toFixed(5);
  return `${volume},alimiter=limit=${linear}:level=0:latency=1:attack=5:release=50`;
}
