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
import { musicMixFilter } from "../../../media/music_mix_filter.ts";
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

/** Options for {@linkcode writeNarrationSound}. */
export interface NarrationSoundOptions {
  /** ffmpeg's input options for the voice's parts, in order. */
  inputs: string[];
  /** The graph that joins them; its output label is `[narration]`. */
  join: string;
  /** The joined voice's length in samples. */
  samples: number;
  /** The music and the loudness. */
  sound: NarrationSound;
  /** The AAC file to write. */
  output: string;
  /** A folder for the intermediate PCM. */
  scratchDir: string;
  /** Kills ffmpeg. */
  signal: AbortSignal;
}

/**
 * Writes the narration's AAC: the voice joined, the music mixed under it, then (when a loudness is set) measured in
 * the same pass (integrated loudness and sample peak) as a float WAV and encoded at the gain that reaches the
 * target.
 *
 * @param ffmpeg The binaries.
 * @param options The parts, the sound and where to write.
 * @throws {ProcessError} When ffmpeg fails.
 */
export async function writeNarrationSound(
  ffmpeg: FfmpegPaths,
  options: NarrationSoundOptions,
): Promise<void> {
  const { inputs, join, samples, sound, output, scratchDir, signal } = options;
  const parts = inputs.filter((arg) => arg === "-i").length;
  const args = [...inputs];
  let graph = join;
  let label = "narration";
  if (sound.music !== null) {
    args.push("-stream_loop", "-1", "-i", sound.music.path);
    const { volume, fadeIn, fadeOut, duck } = sound.music;
    const mix = { input: parts, samples, sampleRate: NARRATION_SAMPLE_RATE, volume, fadeIn, fadeOut, duck };
    graph = `${graph};${musicMixFilter(label, mix)}`;
    label = "mix";
  }
  if (sound.loudness === null) {
    await runFfmpeg(ffmpeg, [
      ...args,
      "-filter_complex",
      graph,
      "-map",
      `[${label}]`,
      ...NARRATION_AAC_ARGS,
      output,
    ], {
      signal,
    });
    return;
  }
  const pcm = `${scratchDir}/narration.wav`;
  const stdout = await runFfmpeg(ffmpeg, [
    ...args,
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
    encode: NARRATION_AAC_ARGS,
    signal,
  });
}
