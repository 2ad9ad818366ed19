/**
 * Background music under a voice: the music looped to the voice's length (its input opened with
 * `-stream_loop -1`), faded in and out, ducked while the voice speaks (`sidechaincompress` keyed by the voice) and
 * mixed with it at their own levels (`amix` without normalising).
 * @module
 */
import { toMicroseconds } from "../core/units.ts";

/** How the music goes under the voice. */
export interface MusicMix {
  /** The ffmpeg input index of the music (opened with `-stream_loop -1`). */
  input: number;
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
 *   input: 2, samples: 480_000, sampleRate: 48_000, volume: 0.2, fadeIn: 1, fadeOut: 2, duck: 12,
 * });
 * assert.ok(graph.startsWith("[2:a]aresample=48000"));
 * assert.ok(graph.includes("afade=t=out:st=8:d=2") && graph.includes("sidechaincompress="));
 * assert.ok(graph.endsWith("amix=inputs=2:normalize=0:duration=first[mix]"));
 * // Fades of 10 s each on 5 s of voice share it: up for 2.5 s, down for 2.5 s.
 * const short = musicMixFilter("narration", {
 *   input: 2, samples: 240_000, sampleRate: 48_000, volume: 0.2, fadeIn: 10, fadeOut: 10, duck: 0,
 * });
 * assert.ok(short.includes("afade=t=in:st=0:d=2.5,afade=t=out:st=2.5:d=2.5"));
 * ```
 */
export function musicMixFilter(voice: string, music: MusicMix): string {
  const { input, samples, sampleRate, volume, fadeIn, fadeOut, duck } = music;
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
