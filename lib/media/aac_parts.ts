/**
 * A long track encoded to AAC in parts, on several ffmpeg processes at once, and joined into one M4A that plays as
 * one encoder's output. ffmpeg's AAC encoder is single-threaded (about 100× real time here), so a lesson's
 * narration, which every format waits for, was one core's work while the others idled.
 *
 * The joins lie on the whole track's AAC frame grid (1024 samples), so the encoder's priming is paid once, at the
 * start, and every sample stays where it was. An AAC frame's transform spans its own samples and the previous
 * frame's, and the encoder decides each frame's window from the next one, so each part is encoded with
 * {@linkcode ROLL} samples of the track before and after it (the encoder and a limiter in the source's filters
 * settle there) and keeps only the frames that decode its own samples: at a join, the frame from one part overlaps
 * the next part's first frame as they would have in one encode. Joins are placed at the given positions (section
 * joins, which are silence) when one is near.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { mapBounded, type MapBoundedOptions } from "../core/map_bounded.ts";
import { runFfmpeg } from "./ffmpeg.ts";
import { writeJoinedAac } from "./mp4_mux.ts";

/** Samples an AAC frame decodes to. */
export const AAC_FRAME = 1024;
/** Samples of the track encoded before and after each part and not kept: 12 frames, a quarter second at 48 kHz. */
export const ROLL = 12 * AAC_FRAME;
/** The priming ffmpeg's AAC encoder writes before the first sample (the first frame decodes to it alone). */
const PRIMING = AAC_FRAME;

/**
 * Samples of a track as ffmpeg makes them: its inputs' options (each ending with `-i` and the input) and a filter
 * graph that reads input `i` as `[i:a]` and ends at the pad `[out]`.
 */
export interface PcmSource {
  inputs: string[][];
  graph: string;
}

/** Options for {@linkcode encodeAacInParts}. */
export interface AacPartsOptions {
  /** The track's length in samples. */
  samples: number;
  /** The samples `[from, to)` of the track, at the encoder's rate. */
  source: (from: number, to: number) => PcmSource;
  /** ffmpeg's output options that encode AAC into an M4A, e.g. `NARRATION_AAC_ARGS`. */
  encode: readonly string[];
  /** Samples a part holds at least: the track is cut into `floor(samples / partSamples)` parts, 1 at least. */
  partSamples: number;
  /** Sample positions to cut at when one lies near (within a quarter part), e.g. where sections join. */
  joins?: readonly number[];
  /**
   * Cores to use: one ffmpeg a part, this many at once. The parts do not depend on it, and each part's encoder gets
   * the same samples either way: so neither do the bytes.
   */
  concurrency: number;
  /** The M4A to write. */
  output: string;
  /** A folder for the parts. */
  scratchDir: string;
  /** Kills the encoders. */
  signal?: AbortSignal;
  /**
   * Asks for a core more while parts are left to start (see `StepContext.borrowCore`): each core lent encodes
   * parts beside the `concurrency` ones. The bytes do not depend on it either.
   */
  borrowCore?: MapBoundedOptions["borrow"];
}

/**
 * Encodes a track to one M4A, in parts when it is long enough for several (see the module's text).
 *
 * @param ffmpeg The binaries.
 * @param options The track, its parts and where to write.
 * @throws {ProcessError} When an encoder fails.
 * @throws {Error} When a part's M4A is not what ffmpeg's AAC encoder writes (another priming, too few frames).
 *
 * @example
 * ```ts
 * import { encodeAacInParts } from "./aac_parts.ts";
 * import { NARRATION_AAC_ARGS } from "./narration_encoding.ts";
 * // await encodeAacInParts(ffmpeg, {
 * //   samples: 4_800_000, partSamples: 960_000, concurrency: 2, encode: NARRATION_AAC_ARGS,
 * //   source: (from, to) => ({
 * //     inputs: [["-i", "voice.wav"]],
 * //     graph: `[0:a]atrim=start_sample=${from}:end_sample=${to},asetpts=N/SR/TB[out]`,
 * //   }),
 * //   output: "narration.m4a", scratchDir: "scratch",
 * // });
 * ```
 */
export async function encodeAacInParts(ffmpeg: FfmpegPaths, options: AacPartsOptions): Promise<void> {
  const { samples, source, encode, output, scratchDir, signal } = options;
  const cuts = partCuts(samples, Math.floor(samples / options.partSamples), options.joins ?? []);
  if (cuts.length === 2) {
    await runFfmpeg(ffmpeg, [...sourceArgs(source(0, samples)), ...encode, output], {
      signal,
    });
    return;
  }
  const parts = cuts.slice(0, -1).map((cut, i) => {
    const from = Math.max(0, cut - ROLL);
    const next = cuts[i + 1]!;
    const last = i === cuts.length - 2;
    // The frame that decodes the samples [k·1024, (k + 1)·1024) of the track is frame k + 1 (after the priming);
    // in this part's own encode it is frame k + 1 - from / 1024.
    const firstFrame = i === 0 ? 0 : cut / AAC_FRAME + 1 - from / AAC_FRAME;
    const to = last ? samples : Math.min(samples, next + ROLL);
    return {
      file: `${scratchDir}/aac-part-${i + 1}.m4a`,
      source: source(from, to),
      first: firstFrame,
      // Up to the frame that decodes the samples just before the next cut; the last part keeps its flush.
      count: last
        ? Math.ceil((samples - from) / AAC_FRAME) + 1 - firstFrame
        : next / AAC_FRAME + 1 - from / AAC_FRAME - firstFrame,
    };
  });
  // One ffmpeg a part, one after the other when one core is given: no dearer than one ffmpeg of several encoders
  // (measured here: 1.2 s either way for two halves of 100 s, 1.0 s for one encode of it; three encoders in one
  // ffmpeg 1.5-1.8 s, their states taking turns in the caches).
  // A part that fails stops the others' encoders (the step fails for it).
  await mapBounded(parts, async (part, _index, stopped) => {
    await runFfmpeg(ffmpeg, [...sourceArgs(part.source), ...encode, part.file], {
      signal: stopped,
    });
  }, {
    concurrency: Math.max(1, Math.min(options.concurrency, parts.length)),
    signal,
    borrow: options.borrowCore,
  });
  await writeJoinedAac(output, parts, samples, { signal, priming: PRIMING });
}

/**
 * ffmpeg's options that read a source: its inputs, its graph and the `-map` of its `[out]`.
 *
 * @param source The source.
 * @returns The options before the output's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceArgs } from "./aac_parts.ts";
 * assert.deepEqual(sourceArgs({ inputs: [["-i", "a.wav"]], graph: "[0:a]anull[out]" }), [
 *   "-i", "a.wav", "-filter_complex", "[0:a]anull[out]", "-map", "[out]",
 * ]);
 * ```
 */
export function sourceArgs(source: PcmSource): string[] {
  return [...source.inputs.flat(), "-filter_complex", source.graph, "-map", "[out]"];
}

/**
 * Where a track of `samples` is cut into `count` parts: on the AAC frame grid, at a join position when one lies
 * within a quarter part of the even cut, each part at least {@linkcode ROLL} twice long (fewer parts when the track
 * is too short).
 *
 * @param samples The track's length.
 * @param count The parts wanted.
 * @param joins Positions to prefer.
 * @returns The cuts from 0 to `samples`, ascending: one more than the parts made.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partCuts } from "./aac_parts.ts";
 * assert.deepEqual(partCuts(480_000, 1, []), [0, 480_000]);
 * assert.deepEqual(partCuts(480_000, 2, []), [0, 239_616, 480_000]);
 * assert.deepEqual(partCuts(480_000, 2, [200_000]), [0, 199_680, 480_000]);
 * ```
 */
export function partCuts(samples: number, count: number, joins: readonly number[]): number[] {
  const parts = Math.max(1, Math.min(count, Math.floor(samples / (2 * ROLL))));
  const cuts = [0];
  for (let i = 1; i < parts; i++) {
    const even = (samples * i) / parts;
    const reach = samples / parts / 4;
    const near = joins.filter((join) => Math.abs(join - even) <= reach)
      .sort((a, b) => Math.abs(a - even) - Math.abs(b - even))[0];
    const cut = Math.round((near ?? even) / AAC_FRAME) * AAC_FRAME;
    if (cut - cuts.at(-1)! >= 2 * ROLL && samples - cut >= 2 * ROLL) cuts.push(cut);
  }
  cuts.push(samples);
  return cuts;
}
