/**
 * The narration's sound: the joined voice, with the video's music under it, brought to the lesson's loudness and
 * encoded once. How the narration step's params carry the sound fields, and the passes that make the track.
 * @module
 */
import type { Json } from "../../../core/json.ts";
import type { StepTask } from "../../../core/step_task.ts";
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import { loudnessMeterFilter, parseLoudness } from "../../../media/loudness_meter.ts";
import { musicMixFilter, soundLoop } from "../../../media/music_mix_filter.ts";
import { type AacPartsOptions, encodeAacInParts, type PcmSource } from "../../../media/aac_parts.ts";
import { NARRATION_AAC_ARGS, NARRATION_SAMPLE_RATE } from "../../../media/narration_encoding.ts";
import { type LoudnessTarget, normalizeLoudness } from "../../../media/normalize_loudness.ts";
import type { ResolvedLoudness, ResolvedMusic } from "../sound_schema.ts";

/** The music's fields that shape the track: its digest (not its path) and how it is mixed. */
type MusicParams = Omit<ResolvedMusic, "path" | "field">;

/** The sound of a narration as its step reads it: the music with its file, and the loudness target. */
export interface NarrationSound {
  music: (MusicParams & { path: string }) | null;
  loudness: LoudnessTarget | null;
}

/**
 * The narration step's sound params: the loudness target and the music's digest and settings (its path goes in the
 * runtime, so moving the file does not re-run the step, changing its bytes does).
 *
 * @param music The video's music, or null.
 * @param loudness The lesson's loudness target, or null.
 * @returns The params to merge into the step's.
 */
export function soundParams(
  music: ResolvedMusic | null,
  loudness: ResolvedLoudness,
): { music: Json; loudness: Json } {
  if (music === null) return { music: null, loudness };
  const { path: _path, field: _field, ...fields } = music;
  return { music: { ...fields }, loudness };
}

/**
 * Reads the sound from a narration task: `params.music` and `params.loudness`, and the music file at
 * `runtime.musicPath`.
 *
 * @param task The narration step's task.
 * @returns The sound.
 * @throws {TypeError} When the params are not what {@linkcode soundParams} writes.
 */
export function narrationSound(task: StepTask): NarrationSound {
  const params = task.params as { music?: MusicParams | null; loudness?: LoudnessTarget | null };
  const music = params.music ?? null;
  const path = task.runtime.musicPath;
  if (music !== null && typeof path !== "string") {
    throw new TypeError("A narration with music needs its file");
  }
  return {
    music: music === null ? null : { ...music, path: path as string },
    loudness: params.loudness ?? null,
  };
}

/** One part of the voice: ffmpeg's input options for it and its length in samples, padded with silence. */
export interface VoicePart {
  input: string[];
  samples: number;
}

/** Options for {@linkcode writeNarrationSound}. */
export interface NarrationSoundOptions {
  /** The voice's parts, in order: the sections' speech and the cards' silences. */
  parts: readonly VoicePart[];
  /** The music and the loudness. */
  sound: NarrationSound;
  /** Samples an AAC part holds at least (see `aac_parts.ts`); the parts depend on it and the track's length only. */
  partSamples: number;
  /** Cores to encode on (the bytes do not depend on it). */
  concurrency: number;
  /** Where more cores may be borrowed while parts are left (see `aac_parts.ts`). */
  borrowCore?: AacPartsOptions["borrowCore"];
  /** The AAC file to write. */
  output: string;
  /** A folder for the intermediate PCM and the AAC parts. */
  scratchDir: string;
  /** Kills ffmpeg. */
  signal: AbortSignal;
}

/**
 * Builds the filter graph that pads each input to its length in samples and joins them.
 *
 * @param lengths Samples of each part, in order (input `i` is part `i`).
 * @param sampleRate The output's sample rate.
 * @returns The graph; its output label is `[narration]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinFilter } from "./_narration_sound.ts";
 * assert.equal(
 *   joinFilter([48_000, 1600], 48_000),
 *   "[0:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=mono,apad,atrim=end_sample=48000[a0];" +
 *     "[1:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=mono,apad,atrim=end_sample=1600[a1];" +
 *     "[a0][a1]concat=n=2:v=0:a=1[narration]",
 * );
 * ```
 */
export function joinFilter(lengths: readonly number[], sampleRate: number): string {
  const parts = lengths.map((samples, i) =>
    `[${i}:a]aresample=${sampleRate},aformat=sample_fmts=fltp:channel_layouts=mono,apad,` +
    `atrim=end_sample=${samples}[a${i}]`
  );
  const labels = lengths.map((_, i) => `[a${i}]`).join("");
  return `${parts.join(";")};${labels}concat=n=${lengths.length}:v=0:a=1[narration]`;
}

/** The filter that keeps the samples `[from, to)` of a stream (counted from its start) and restarts its clock. */
function trim(from: number, to: number): string {
  return `atrim=start_sample=${from}:end_sample=${to},asetpts=N/SR/TB`;
}

/**
 * Writes the narration's AAC: the voice joined, the music mixed under it, then (when a loudness is set) measured in
 * the same pass (integrated loudness and sample peak) as a float WAV and encoded at the gain that reaches the
 * target. A long narration's encode is cut into parts (`aac_parts.ts`): a part of the voice alone reads only the
 * sections it spans; with music, each part runs the whole mix up to its end (the music's fades and ducking follow
 * the whole track); with a loudness, the parts read the measured WAV.
 *
 * @param ffmpeg The binaries.
 * @param options The parts, the sound and where to write.
 * @throws {ProcessError} When ffmpeg fails.
 */
export async function writeNarrationSound(
  ffmpeg: FfmpegPaths,
  options: NarrationSoundOptions,
): Promise<void> {
  const { parts, sound, output, scratchDir, signal } = options;
  const starts: number[] = [0];
  for (const part of parts) starts.push(starts.at(-1)! + part.samples);
  const samples = starts.at(-1)!;
  const encode = (source: (from: number, to: number) => PcmSource, output: string) =>
    encodeAacInParts(ffmpeg, {
      samples,
      source,
      encode: NARRATION_AAC_ARGS,
      partSamples: options.partSamples,
      joins: starts.slice(1, -1),
      concurrency: options.concurrency,
      borrowCore: options.borrowCore,
      output,
      scratchDir,
      signal,
    });
  const inputs = parts.map((part) => part.input);
  let graph = joinFilter(parts.map((part) => part.samples), NARRATION_SAMPLE_RATE);
  let label = "narration";
  if (sound.music !== null) {
    inputs.push(["-i", sound.music.path]);
    const { volume, fadeIn, fadeOut, duck } = sound.music;
    const mix = {
      input: parts.length,
      loop: await soundLoop(ffmpeg, sound.music.path, { needed: samples / NARRATION_SAMPLE_RATE, signal }),
      samples,
      sampleRate: NARRATION_SAMPLE_RATE,
      volume,
      fadeIn,
      fadeOut,
      duck,
    };
    graph = `${graph};${musicMixFilter(label, mix)}`;
    label = "mix";
  }
  if (sound.loudness === null) {
    await encode((from, to) => {
      if (sound.music !== null) return { inputs, graph: `${graph};[${label}]${trim(from, to)}[out]` };
      // The voice alone: only the parts that [from, to) spans are read.
      const first = starts.findLastIndex((start) => start <= from);
      const last = starts.findIndex((start) => start >= to) - 1;
      const span = parts.slice(first, last + 1);
      const at = starts[first]!;
      return {
        inputs: span.map((part) => part.input),
        graph: `${joinFilter(span.map((part) => part.samples), NARRATION_SAMPLE_RATE)};` +
          `[narration]${trim(from - at, to - at)}[out]`,
      };
    }, output);
    return;
  }
  const pcm = `${scratchDir}/narration.wav`;
  const stdout = await runFfmpeg(ffmpeg, [
    ...inputs.flat(),
    "-filter_complex",
    `${graph};[${label}]${loudnessMeterFilter("sample")}[sound]`,
    "-map",
    "[sound]",
    "-c:a",
    "pcm_f32le",
    pcm,
  ], { signal });
  await normalizeLoudness(ffmpeg, pcm, output, {
    measured: parseLoudness(new TextDecoder().decode(stdout)),
    target: sound.loudness,
    encode: (input, filter, output) =>
      encode((from, to) => ({
        inputs: [["-i", input]],
        graph: `[0:a]${trim(from, to)}${filter === null ? "" : `,${filter}`}[out]`,
      }), output),
    signal,
  });
}
