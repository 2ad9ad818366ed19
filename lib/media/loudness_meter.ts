/**
 * Measuring loudness as EBU R128 does (ffmpeg's `ebur128`): integrated loudness in LUFS and true peak in dBTP, read
 * from the meter's metadata, so a measurement can ride along in any filter graph that already decodes the audio.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { runFfmpeg } from "./ffmpeg.ts";

/** What the meter reports for a whole recording. */
export interface Loudness {
  /** Integrated loudness in LUFS; -70 (the meter's floor) for silence. */
  integrated: number;
  /** True peak in dBTP (4× oversampled); `-Infinity` for digital silence. */
  truePeak: number;
}

/**
 * A filter chain that passes audio through unchanged and prints its running loudness to stdout once a second (the
 * last lines hold the whole recording's): append it to a graph, then read the output with {@linkcode parseLoudness}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LOUDNESS_METER_FILTER } from "./loudness_meter.ts";
 * assert.ok(LOUDNESS_METER_FILTER.includes("ebur128=peak=true"));
 * ```
 */
export const LOUDNESS_METER_FILTER =
  "asetnsamples=n=48000:p=0,ebur128=peak=true:metadata=1,ametadata=mode=print:file=-";

/**
 * Reads the last integrated loudness and true peak that {@linkcode LOUDNESS_METER_FILTER} printed.
 *
 * @param text The printed metadata.
 * @returns The recording's loudness.
 * @throws {Error} When the text holds no measurement (the meter saw no audio).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLoudness } from "./loudness_meter.ts";
 * const text = "lavfi.r128.I=-30.000\nlavfi.r128.true_peak=0.5\nlavfi.r128.I=-21.5\nlavfi.r128.true_peak=0.5\n";
 * const { integrated, truePeak } = parseLoudness(text);
 * assert.equal(integrated, -21.5);
 * assert.ok(Math.abs(truePeak - -6.02) < 0.01);
 * ```
 */
export function parseLoudness(text: string): Loudness {
  const last = (key: string): number => {
    const values = [...text.matchAll(new RegExp(`^lavfi\\.r128\\.${key}=(\\S+)$`, "gm"))];
    const value = Number(values.at(-1)?.[1]);
    if (values.length === 0 || Number.isNaN(value)) throw new Error(`The loudness meter printed no ${key}`);
    return value;
  };
  return { integrated: last("I"), truePeak: 20 * Math.log10(last("true_peak")) };
}

/**
 * Measures a file's first audio stream.
 *
 * @param ffmpeg The binaries.
 * @param file Any file with audio that ffmpeg reads.
 * @param options The signal that kills ffmpeg.
 * @returns Its loudness.
 * @throws {ProcessError} When ffmpeg fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * import { measureLoudness } from "./loudness_meter.ts";
 * const ffmpeg = await findFfmpeg();
 * const file = await Deno.makeTempFile({ suffix: ".wav" });
 * // A 1 kHz sine peaking at 1/8 (-18 dBFS) reads -21 LUFS (a full-scale one reads -3), with a true peak of -18 dBTP.
 * await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=f=1000:d=2:r=48000", file]);
 * const { integrated, truePeak } = await measureLoudness(ffmpeg, file);
 * assert.ok(Math.abs(integrated - -21) < 0.5 && Math.abs(truePeak - -18) < 0.5, `${integrated} ${truePeak}`);
 * await Deno.remove(file);
 * ```
 */
export async function measureLoudness(
  ffmpeg: FfmpegPaths,
  file: string,
  options: { signal?: AbortSignal } = {},
): Promise<Loudness> {
  const stdout = await runFfmpeg(ffmpeg, [
    "-i",
    file,
    "-map",
    "a:0",
    "-af",
    LOUDNESS_METER_FILTER,
    "-f",
    "null",
    "-",
  ], options);
  return parseLoudness(new TextDecoder().decode(stdout));
}
