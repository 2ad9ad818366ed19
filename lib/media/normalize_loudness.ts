/**
 * Loudness normalisation by measured gain (EBU R128): the input's measured integrated loudness sets one linear gain
 * for the whole recording, a look-ahead limiter holds the peaks under the ceiling where that gain would push them
 * over (the loudness it takes away measured on the PCM and made up), and the encoded output is measured again and
 * corrected once if the encoder moved it. A gain, unlike `loudnorm`'s dynamic mode, keeps the speech's own dynamics
 * and works on recordings of a few seconds.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { runFfmpeg } from "./ffmpeg.ts";
import { type Loudness, loudnessMeterFilter, measureLoudness, parseLoudness } from "./loudness_meter.ts";

/** Where loudness should land. */
export interface LoudnessTarget {
  /** Integrated loudness in LUFS (-16 for online video, -23 for EBU broadcast). */
  target: number;
  /** The true-peak ceiling in dBTP. */
  truePeak: number;
}

/** Encodes `input` through the ffmpeg audio filter `filter` (none when null) into `output`. */
export type EncodeAudio = (input: string, filter: string | null, output: string) => Promise<void>;

/** Options for {@linkcode normalizeLoudness}. */
export interface NormalizeLoudnessOptions {
  /** The input's loudness, its peak true or sampled (by {@linkcode measureLoudness} or a meter in a graph). */
  measured: Loudness;
  /** Where the output's loudness should land. */
  target: LoudnessTarget;
  /**
   * ffmpeg output options that encode the output (codec, rate, container), or a function that writes `output` from
   * `input` through the audio filter `filter` (null for none), e.g. in parts on several encoders.
   */
  encode: readonly string[] | EncodeAudio;
  /** Kills ffmpeg. */
  signal?: AbortSignal;
}

/** The most gain applied (dB): a nearly silent recording is raised this much at most, never to the target. */
const MAX_GAIN = 30;
/** The meter's floor (LUFS): what it reads when nothing passes its gate. */
const SILENCE = -70;
/** How far below the true-peak ceiling the limiter holds sample peaks (dB): room for inter-sample peaks and AAC. */
const HEADROOM = 1;
/** How far from the target an output may land before it is corrected (LU). */
const TOLERANCE = 0.5;
/** How close the limited PCM must come to the target before it is encoded (LU). */
const AIM = 0.1;
/** How many times at most the limited PCM is measured (the gain after the last is encoded unmeasured). */
const LIMITED_PASSES = 2;
/** The lowest limit `alimiter` takes (dBFS). */
const LOWEST_LIMIT = -24;

/** A gain in dB and a sample-peak limit in dBFS (null: no limiter). */
interface Gain {
  gain: number;
  limit: number | null;
}

/**
 * Encodes `input` with the gain that brings it to the target loudness, its peaks limited under the ceiling, and
 * returns the encoded output's loudness (true peak). The input should be lossless PCM; its timing is kept to the
 * sample (the limiter's look-ahead is compensated). Silence stays silence; a gain is 30 dB at most.
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
 * const measured = await measureLoudness(ffmpeg, `${dir}/in.wav`, { peak: "sample" });
 * const out = await normalizeLoudness(ffmpeg, `${dir}/in.wav`, `${dir}/out.m4a`, {
 *   measured,
 *   target: { target: -16, truePeak: -1.5 },
 *   encode: ["-c:a", "aac", "-b:a", "96k"],
 * });
 * assert.ok(Math.abs(out.integrated - -16) <= 0.5 && out.peak <= -1.5, JSON.stringify(out));
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
  const encodeWith = async (gain: Gain) => {
    const filter = measured.integrated <= SILENCE ? null : gainFilter(gain);
    if (typeof encode === "function") {
      await encode(input, filter, output);
    } else {
      const af = filter === null ? [] : ["-af", filter];
      await runFfmpeg(ffmpeg, ["-i", input, ...af, ...encode, output], { signal });
    }
    return await measureLoudness(ffmpeg, output, { signal });
  };
  if (measured.integrated <= SILENCE) return await encodeWith({ gain: 0, limit: null });
  const gain = Math.min(MAX_GAIN, target.target - measured.integrated);
  const limit = target.truePeak - HEADROOM;
  let plan = await makeUp({ gain, limit: measured.peak + gain > limit ? limit : null }, {
    ffmpeg,
    input,
    target,
    signal,
  });
  let result = await encodeWith(plan);
  if (Math.abs(result.integrated - target.target) <= TOLERANCE && result.peak <= target.truePeak) {
    return result;
  }
  // The encoder moved it: correct once, from what the output measured.
  const over = Math.max(0, result.peak - target.truePeak);
  plan = {
    gain: Math.min(MAX_GAIN, plan.gain + target.target - result.integrated),
    limit: over === 0 && plan.limit === null
      ? null
      : Math.max(LOWEST_LIMIT, (plan.limit ?? limit) - over - AIM),
  };
  result = await encodeWith(plan);
  return result;
}

/**
 * Makes up the loudness a limiter takes away: measures the limited PCM (no encoding; sample peaks, the integrated
 * loudness is what matters) and raises the gain, by the secant through the last two measurements after the first,
 * until it lands within {@linkcode AIM} of the target, {@linkcode LIMITED_PASSES} passes at most.
 */
async function makeUp(
  plan: Gain,
  context: { ffmpeg: FfmpegPaths; input: string; target: LoudnessTarget; signal?: AbortSignal },
): Promise<Gain> {
  const { ffmpeg, input, target, signal } = context;
  let previous: { gain: number; integrated: number } | null = null;
  for (let pass = 0; plan.limit !== null && pass < LIMITED_PASSES; pass++) {
    const stdout = await runFfmpeg(ffmpeg, [
      "-i",
      input,
      "-af",
      `${gainFilter(plan)},${loudnessMeterFilter("sample")}`,
      "-f",
      "null",
      "-",
    ], { signal });
    const { integrated } = parseLoudness(new TextDecoder().decode(stdout));
    const miss = target.target - integrated;
    if (Math.abs(miss) <= AIM) break;
    // How much of a dB of gain reaches the output under the limiter (1 without it), from the last two passes.
    const slope = previous === null ? 1 : (integrated - previous.integrated) / (plan.gain - previous.gain);
    previous = { gain: plan.gain, integrated };
    const step = miss / Math.min(1, Math.max(0.25, Number.isFinite(slope) ? slope : 1));
    plan = { gain: Math.min(MAX_GAIN, plan.gain + step), limit: plan.limit };
  }
  return plan;
}

/** The filters that apply a gain (and its limiter, its look-ahead delay compensated). */
function gainFilter({ gain, limit }: Gain): string {
  const volume = `volume=${gain.toFixed(3)}dB`;
  if (limit === null) return volume;
  const linear = (10 ** (limit / 20)).toFixed(5);
  return `${volume},alimiter=limit=${linear}:level=0:latency=1:attack=5:release=50`;
}
