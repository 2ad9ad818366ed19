/**
 * Background music under a voice: the music looped to the voice's length (its decoded samples repeated, `aloop`),
 * faded in and out, ducked while the voice speaks (`sidechaincompress` keyed by the voice) and mixed with it at
 * their own levels (`amix` without normalising).
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { readHead } from "../core/read_full.ts";
import { toMicroseconds } from "../core/units.ts";
import { ffprobeMedia } from "./ffmpeg.ts";

/** How the music goes under the voice. */
export interface MusicMix {
  /** The ffmpeg input index of the music (opened once: the graph loops its samples). */
  input: number;
  /** How the music is looped (see {@linkcode soundLoop}), or null when it plays once, long enough. */
  loop: SoundLoop | null;
  /** The voice's length in samples: the mix lasts exactly this long. */
  samples: number;
  /** The voice's sample rate. */
  sampleRate: number;
  /** The music's gain, linear (1 keeps the file's level). */
  volume: number;
  /** Seconds the music takes to rise from silence at the start (0 for none). */
  fadeIn: number;
  /** Seconds the music takes to fall to silence at the end (0 for none). */
  fadeOut: number;
  /** How many dB the music dips while the voice speaks (0: it does not). */
  duck: number;
}

/** `aloop`'s largest size, in samples: it repeats the sound whole, however long (its graph ends it). */
const ALOOP_MAX = 2 ** 31 - 1;

/** How a sound is looped: `seconds` of it (an MP4's stated length), or all it decodes to (null). */
export interface SoundLoop {
  seconds: number | null;
}

/**
 * The filters that loop a sound opened once (no `-stream_loop`): its decoded samples repeated, each loop joined to
 * the last sample of the one before, after it is cut to `loop.seconds` when given (see {@linkcode soundLoop}); none
 * when it plays once. ffmpeg's `-stream_loop -1` decoded the file again at each loop, and an M4A's, AAC's or Opus's
 * encoder delay came back at every loop as 6 to 26 ms of silence. `aloop` holds what it repeats: the whole sound,
 * which is shorter than the graph's output (else it is not looped).
 *
 * @param loop How the sound is looped, or null.
 * @returns The filters, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loopFilters } from "./music_mix_filter.ts";
 * assert.deepEqual(loopFilters({ seconds: 2 }), [
 *   "asetpts=PTS-STARTPTS", "atrim=duration=2", "aloop=loop=-1:size=2147483647",
 * ]);
 * assert.deepEqual(loopFilters({ seconds: null }), ["aloop=loop=-1:size=2147483647"]);
 * assert.deepEqual(loopFilters(null), []);
 * ```
 */
export function loopFilters(loop: SoundLoop | null): string[] {
  if (loop === null) return [];
  // From its first sample: an MP4's sound may start after 0, and its stated length is a duration, not an end.
  const cut = loop.seconds === null
    ? []
    : ["asetpts=PTS-STARTPTS", `atrim=duration=${toMicroseconds(loop.seconds)}`];
  return [...cut, `aloop=loop=-1:size=${ALOOP_MAX}`];
}

/**
 * Sidechain compressor settings: a low threshold and the highest ratio push the music far down as soon as the voice
 * speaks; `mix` then sets how far, whatever the voice's own level (a fully compressed signal blended with
 * `1 - mix` of the dry one sits `-20·log10(1 - mix)` dB down). The release holds the dip through the gaps between
 * words.
 */
const DUCKER = "threshold=0.001:ratio=20:attack=20:release=400";

/**
 * Builds the graph that puts music under the voice labelled `voice`.
 *
 * @param voice The label of the voice in the graph (without brackets); it must be mono at `sampleRate`.
 * @param music Where the music comes from and how it is shaped.
 * @returns The graph; its output label is `[mix]`, mono and exactly `samples` long.
 * @throws {RangeError} When `duck` is negative or the volume is not positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { musicMixFilter } from "./music_mix_filter.ts";
 * const graph = musicMixFilter("narration", {
 *   input: 2, samples: 480_000, sampleRate: 48_000, volume: 0.2, fadeIn: 1, fadeOut: 2, duck: 12, loop: { seconds: 30 },
 * });
 * assert.ok(graph.includes("atrim=duration=30,aloop=loop=-1"));
 * assert.ok(graph.startsWith("[2:a]aresample=48000"));
 * assert.ok(graph.includes("afade=t=out:st=8:d=2") && graph.includes("sidechaincompress="));
 * assert.ok(graph.endsWith("amix=inputs=2:normalize=0:duration=first[mix]"));
 * // Fades of 10 s each on 5 s of voice share it: up for 2.5 s, down for 2.5 s.
 * const short = musicMixFilter("narration", {
 *   input: 2, samples: 240_000, sampleRate: 48_000, volume: 0.2, fadeIn: 10, fadeOut: 10, duck: 0, loop: null,
 * });
 * assert.ok(short.includes("afade=t=in:st=0:d=2.5,afade=t=out:st=2.5:d=2.5"));
 * ```
 */
export function musicMixFilter(voice: string, music: MusicMix): string {
  const { input, samples, sampleRate, volume, fadeIn, fadeOut, duck, loop } = music;
  if (!(duck >= 0) || !(volume > 0)) throw new RangeError(`Cannot duck ${duck} dB at volume ${volume}`);
  const seconds = samples / sampleRate;
  // Fades longer together than the track share it in their proportions, so the music still rises from silence
  // and falls back to it at the last sample (a fade-out of 10 s on 5 s began at 0 and was cut half-way, loudest
  // at the end).
  const squeeze = Math.min(1, seconds / (fadeIn + fadeOut || 1));
  const [rise, fall] = [fadeIn * squeeze, fadeOut * squeeze];
  const bed = [
    `[${input}:a]aresample=${sampleRate}`,
    "aformat=sample_fmts=fltp:channel_layouts=mono",
    ...loopFilters(loop),
    `atrim=end_sample=${samples}`,
    `volume=${volume}`,
    ...rise > 0 ? [`afade=t=in:st=0:d=${toMicroseconds(rise)}`] : [],
    ...fall > 0 ? [`afade=t=out:st=${toMicroseconds(seconds - fall)}:d=${toMicroseconds(fall)}`] : [],
  ].join(",");
  if (duck === 0) return `${bed}[bed];[${voice}][bed]amix=inputs=2:normalize=0:duration=first[mix]`;
  const mix = (1 - 10 ** (-duck / 20)).toFixed(4);
  return `${bed}[bed];[${voice}]asplit[voice][key];` +
    `[bed][key]sidechaincompress=${DUCKER}:mix=${mix}[ducked];` +
    "[voice][ducked]amix=inputs=2:normalize=0:duration=first[mix]";
}

/**
 * How a sound file is looped to last `needed` seconds: not at all (null) when it lasts that long and a second more
 * (its samples are then not held), else from the length an MP4 (M4A) says its sound has, or all its decoded samples
 * for other containers and for a stream (a pipe, read once). ffmpeg 5.1 decodes an MP4's AAC with its encoder's
 * padding after its end (5 to 20 ms of silence), which looped music would play at every loop; an MP4 says where the
 * sound ends. Other containers say it in their own way (MP3's LAME header, Ogg's granules, which ffmpeg honours) or
 * not at all (ADTS AAC, an MP3 without one: their padding stays).
 *
 * @param ffmpeg The binaries.
 * @param file The sound file.
 * @param options The seconds it must last, and the signal that kills ffprobe.
 * @returns The loop, or null.
 *
 * @example
 * ```ts
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { soundLoop } from "./music_mix_filter.ts";
 * // await soundLoop(await findFfmpeg(), "song.m4a", { needed: 60 }); // { seconds: 2 } for a 2-s loop
 * ```
 */
export async function soundLoop(
  ffmpeg: FfmpegPaths,
  file: string,
  options: { needed: number; signal?: AbortSignal },
): Promise<SoundLoop | null> {
  if (!(await Deno.stat(file)).isFile) return { seconds: null };
  const probed = await ffprobeMedia(ffmpeg, file, { signal: options.signal });
  if (probed.duration >= options.needed + 1) return null;
  const head = await readHead(file, 8);
  if (new TextDecoder().decode(head.subarray(4, 8)) !== "ftyp") return { seconds: null };
  const sound = probed.streams.find((stream) => stream.type === "audio")?.duration ?? null;
  return { seconds: sound !== null && sound > 0 ? sound : null };
}
