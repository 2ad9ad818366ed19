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
  /**
   * The peak: true peak in dBTP (4× oversampled) from a `true` meter, the sample peak in dBFS (cheaper, up to about
   * half a dB lower for speech) from a `sample` one; `-Infinity` for digital silence.
   */
  peak: number;
}

/**
 * A filter chain that passes audio through unchanged and prints its running loudness to stdout once a second (the
 * last lines hold the whole recording's): append it to a graph, then read the output with {@linkcode parseLoudness}.
 *
 * @param peak `true` meters true peaks (oversampled, about twice the cost), `sample` sample peaks.
 * @returns The filter chain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loudnessMeterFilter } from "./loudness_meter.ts";
 * assert.ok(loudnessMeterFilter("true").includes("ebur128=peak=true"));
 * ```
 */
export function loudnessMeterFilter(peak: "true" | "sample"): string {
  return `asetnsamples=n=48000:p=0,ebur128=peak=${peak}:metadata=1,ametadata=mode=print:file=-`;
}

/**
 * Reads the last integrated loudness and peak that a {@linkcode loudnessMeterFilter} printed.
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
 * const { integrated, peak } = parseLoudness(text);
 * assert.equal(integrated, -21.5);
 * assert.ok(Math.abs(peak - -6.02) < 0.01);
 * ```
 */
export function parseLoudness(text: string): Loudness {
  const last = (key: string): number | null => {
    const value = [...text.matchAll(new RegExp(`^lavfi\\.r128\\.${key}=(\\S+)$`, "gm"))].at(-1)?.[1];
    return value === undefined || Number.isNaN(Number(value)) ? null : Number(value);
  };
  const integrated = last("I");
  const peak = last("true_peak") ?? last("sample_peak");
  if (integrated === null || peak === null) throw new Error("The loudness meter printed no measurement");
  return { integrated, peak: 20 * Math.log10(peak) };
}

/**
 * Measures a file's first audio stream.
 *
 * @param ffmpeg The binaries.
 * @param file Any file with audio that ffmpeg reads.
 * @param options Which peak to meter (`true` by default) and the signal that kills ffmpeg.
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
 * const { integrated, peak } = await measureLoudness(ffmpeg, file);
 * assert.ok(Math.abs(integrated - -21) < 0.5 && Math.abs(peak - -18) < 0.5, `${integrated} ${peak}`);
 * await Deno.remove(file);
 * ```
 */
export async function measureLoudness(
  ffmpeg: FfmpegPaths,
  file: string,
  options: { peak?: "true" | "sample"; signal?: AbortSignal } = {},
): Promise<Loudness> {
  const { peak = "true", signal } = options;
  const stdout = await runFfmpeg(ffmpeg, [
    "-i",
    file,
    "-map",
    "a:0",
    "-af",
    loudnessMeterFilter(peak),
    "-f",
    "null",
    "-",
  ], { signal });
  return parseLoudness(new TextDecoder().decode(stdout));
}
