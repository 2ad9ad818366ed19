/**
 * A track's loudness measured in parts, on several ffmpeg processes at once (or all on one), and combined into the
 * whole track's measurement. EBU R128's integrated loudness gates blocks of 400 ms every 100 ms, the blocks ffmpeg's
 * `ebur128` meter computes (its momentary loudness, printed every 100 ms here): each part meters its samples after
 * {@linkcode METER_ROLL} of the track before them (faded in over its first 100 ms, so neither the K-weighting filter
 * nor the true-peak oversampler starts on a step; a block's 400 ms window and both filters settle in the rest) and
 * keeps the blocks that end inside it; the kept blocks are gated over the whole track as the meter gates them
 * (-70 LUFS absolute, 10 LU under the mean relative), and the peak is the parts' highest. Cuts lie on the blocks'
 * 100 ms grid, so every block is one of the whole track's. A part may also write its own samples as a float WAV,
 * read by later passes through {@linkcode wavPartsSource}.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { mapBounded } from "../core/map_bounded.ts";
import { ffmpegArgs, type PcmSource } from "./aac_parts.ts";
import { escapeFilterOption } from "./escape_filter_option.ts";
import { runFfmpeg } from "./ffmpeg.ts";
import type { Loudness } from "./loudness_meter.ts";

/** Samples between two of the meter's blocks: 100 ms at 48 kHz; parts are cut on this grid. */
export const METER_BLOCK = 4800;
/** Samples of a block's window: 400 ms. */
const METER_WINDOW = 4 * METER_BLOCK;
/** Samples of the track metered before a part and not kept: the window and 100 ms for the filters to settle. */
export const METER_ROLL = METER_WINDOW + METER_BLOCK;
/** The meter's absolute gate (LUFS), and the relative gate under the gated mean (LU). */
const ABSOLUTE_GATE = -70;
const RELATIVE_GATE = -10;

/** Options for {@linkcode meterInParts}. */
export interface MeterPartsOptions {
  /** Where the parts start, from 0 to the track's length, on the {@linkcode METER_BLOCK} grid. */
  cuts: readonly number[];
  /** The samples `[from, to)` of the track, at 48 kHz. */
  source: (from: number, to: number) => PcmSource;
  /** `true` meters true peaks (4× oversampled), `sample` sample peaks. */
  peak: "true" | "sample";
  /** When given, each part writes its own samples (from its cut to the next) as a float WAV to this file. */
  write?: (part: number) => string;
  /** Cores to use: one ffmpeg a part, this many at once; with 1, one ffmpeg meters every part. */
  concurrency: number;
  /** A folder for the meters' printouts. */
  scratchDir: string;
  /** Kills ffmpeg. */
  signal?: AbortSignal;
}

/**
 * Meters a track in parts and combines them: its integrated loudness and its peak.
 *
 * @param ffmpeg The binaries.
 * @param options The parts, the source, the peak to meter and where the parts' WAVs go.
 * @returns The track's loudness (-70 LUFS and the peak for a track with no block over the absolute gate).
 * @throws {ProcessError} When ffmpeg fails.
 * @throws {RangeError} When a cut is off the block grid.
 *
 * @example
 * ```ts
 * import { meterInParts } from "./loudness_parts.ts";
 * // const loudness = await meterInParts(ffmpeg, {
 * //   cuts: [0, 240_000, 480_000], peak: "true", concurrency: 2, scratchDir: "scratch",
 * //   source: (from, to) => ({ inputs: [["-i", "voice.wav"]], graph: `[0:a]atrim=start_sample=${from}:end_sample=${to}[out]` }),
 * // });
 * ```
 */
export async function meterInParts(ffmpeg: FfmpegPaths, options: MeterPartsOptions): Promise<Loudness> {
  const { cuts, source, peak, write, scratchDir, signal } = options;
  if (cuts.slice(0, -1).some((cut) => cut % METER_BLOCK !== 0)) {
    throw new RangeError(`Loudness parts must be cut on the ${METER_BLOCK}-sample grid: ${cuts.join(", ")}`);
  }
  const parts = cuts.slice(0, -1).map((cut, i) => {
    const from = Math.max(0, cut - METER_ROLL);
    const printout = `${scratchDir}/meter-${i + 1}.txt`;
    const meter =
      `${from < cut ? `afade=t=in:d=${METER_BLOCK / 48_000},` : ""}asetnsamples=n=${METER_BLOCK}:p=0,` +
      `ebur128=peak=${peak}:metadata=1,ametadata=mode=print:file=${escapeFilterOption(printout)}`;
    const own = source(from, cuts[i + 1]!);
    if (!own.graph.endsWith("[out]")) throw new RangeError("A part's graph must end at [out]");
    const body = own.graph.slice(0, -"[out]".length);
    const graph = write === undefined
      ? `${body},${meter}[out]`
      : `${body},asplit[meter][pcm];[meter]${meter},anullsink;` +
        `[pcm]atrim=start_sample=${cut - from},asetpts=N/SR/TB[out]`;
    const output = write === undefined ? ["-f", "null", "-"] : ["-c:a", "pcm_f32le", write(i)];
    return { cut, from, to: cuts[i + 1]!, printout, source: { inputs: own.inputs, graph }, output };
  });
  if (options.concurrency <= 1 || parts.length === 1) {
    await runFfmpeg(ffmpeg, [
      ...ffmpegArgs(parts.map((part) => part.source)),
      ...parts.flatMap((part, i) => ["-map", `[out${i}]`, ...part.output]),
    ], { signal });
  } else {
    await mapBounded(parts, async (part) => {
      await runFfmpeg(ffmpeg, [...ffmpegArgs([part.source]), "-map", "[out0]", ...part.output], { signal });
    }, { concurrency: Math.min(options.concurrency, parts.length), signal });
  }
  const powers: number[] = [];
  let highest = 0;
  for (const part of parts) {
    const printed = readPrintout(await Deno.readTextFile(part.printout));
    for (const block of printed.blocks) {
      // The block that ends at sample `end` of the track, its window whole within what the part metered.
      const end = part.from + block.end;
      if (end > part.cut && end <= part.to && end - METER_WINDOW >= part.from) powers.push(block.power);
    }
    highest = Math.max(highest, printed.peak);
  }
  return { integrated: integratedLoudness(powers), peak: 20 * Math.log10(highest) };
}

/**
 * The blocks a meter printed (where each ends in its input, in samples, and its mean square) and its highest peak.
 * Its frames are {@linkcode METER_BLOCK} samples each, so frame `n` ends at `(n + 1)` blocks.
 */
function readPrintout(text: string): { blocks: { end: number; power: number }[]; peak: number } {
  const blocks: { end: number; power: number }[] = [];
  let frame: number | null = null;
  let peak = 0;
  for (const line of text.split("\n")) {
    const header = /^frame:(\d+)\s/.exec(line);
    if (header !== null) frame = Number(header[1]);
    const momentary = /^lavfi\.r128\.M=(\S+)$/.exec(line);
    if (momentary !== null && frame !== null) {
      blocks.push({ end: (frame + 1) * METER_BLOCK, power: 10 ** ((Number(momentary[1]) + 0.691) / 10) });
    }
    const top = /^lavfi\.r128\.(?:true|sample)_peak=(\S+)$/.exec(line);
    if (top !== null) peak = Math.max(peak, Number(top[1]));
  }
  if (frame === null) throw new Error("The loudness meter printed no measurement");
  return { blocks, peak };
}

/**
 * Integrated loudness (EBU R128, ITU-R BS.1770) from the mean squares of a track's 400 ms blocks, K-weighted:
 * the blocks at -70 LUFS or over, then those within 10 LU of their mean, averaged.
 *
 * @param powers Each block's K-weighted mean square.
 * @returns LUFS; -70 when no block passes the absolute gate (what ffmpeg's meter reports for silence).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integratedLoudness } from "./loudness_parts.ts";
 * // Blocks at -20 and -20 LUFS and one at -35 (under the relative gate): -20.
 * const power = (lufs: number) => 10 ** ((lufs + 0.691) / 10);
 * assert.ok(Math.abs(integratedLoudness([power(-20), power(-20), power(-35)]) - -20) < 1e-9);
 * assert.equal(integratedLoudness([power(-80)]), -70);
 * ```
 */
export function integratedLoudness(powers: readonly number[]): number {
  const loudness = (power: number) => -0.691 + 10 * Math.log10(power);
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const audible = powers.filter((power) => loudness(power) >= ABSOLUTE_GATE);
  if (audible.length === 0) return ABSOLUTE_GATE;
  const threshold = loudness(mean(audible)) + RELATIVE_GATE;
  return loudness(mean(audible.filter((power) => loudness(power) >= threshold)));
}

/**
 * The samples `[from, to)` of a track written as WAV parts by {@linkcode meterInParts}: the parts that span them,
 * joined and trimmed.
 *
 * @param cuts Where the parts start, from 0 to the track's length.
 * @param file Each part's WAV.
 * @param from The first sample.
 * @param to The sample after the last.
 * @returns The source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wavPartsSource } from "./loudness_parts.ts";
 * const source = wavPartsSource([0, 4800, 9600], (i) => `p${i}.wav`, 4000, 5000);
 * assert.deepEqual(source.inputs, [["-i", "p0.wav"], ["-i", "p1.wav"]]);
 * assert.equal(source.graph, "[0:a][1:a]concat=n=2:v=0:a=1,atrim=start_sample=4000:end_sample=5000,asetpts=N/SR/TB[out]");
 * ```
 */
export function wavPartsSource(
  cuts: readonly number[],
  file: (part: number) => string,
  from: number,
  to: number,
): PcmSource {
  const first = cuts.findLastIndex((cut, i) => cut <= from && i < cuts.length - 1);
  const last = cuts.findIndex((cut) => cut >= to) - 1;
  const parts = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const join = parts.length === 1
    ? "[0:a]"
    : `${parts.map((_, i) => `[${i}:a]`).join("")}concat=n=${parts.length}:v=0:a=1,`;
  const at = cuts[first]!;
  return {
    inputs: parts.map((part) => ["-i", file(part)]),
    graph: `${join}atrim=start_sample=${from - at}:end_sample=${to - at},asetpts=N/SR/TB[out]`,
  };
}
