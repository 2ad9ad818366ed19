/**
 * Finding the silences of a recording as ffmpeg's `silencedetect` finds them: where speech pauses, so it can be cut
 * there without cutting a word. A 16-bit PCM WAV (every speech step's and the transcription's decoded audio) is
 * scanned here, sample by sample with `silencedetect`'s rules: an ffmpeg process costs more CPU to start than the
 * scan of a section's speech (about 0.1–0.2 CPU-s against a few milliseconds). Any other file goes to ffmpeg.
 * @module
 */
import { readFull } from "../core/read_full.ts";
import { isUnreadableFile } from "../core/exists.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { runFfmpeg } from "./ffmpeg.ts";
import { readWavLayout, type WavLayout } from "./wav_pcm.ts";

/** A stretch of silence, in seconds. */
export interface Silence {
  /** Where it starts. */
  start: number;
  /** Where it ends (the end of the audio for a silence that runs to it). */
  end: number;
}

/** Options for {@linkcode detectSilences}. */
export interface DetectSilencesOptions {
  /** The level under which audio counts as silence, in dB. */
  noise: number;
  /** The shortest silence that counts, in seconds. */
  minDuration: number;
  /** The audio's length, the end of a silence that runs to it. */
  duration: number;
  /** Kills ffmpeg. */
  signal?: AbortSignal;
}

/**
 * Lists the silences of an audio file, in order: a 16-bit PCM WAV scanned here (see {@linkcode SilenceScanner}),
 * anything else by ffmpeg's `silencedetect`.
 *
 * @param ffmpeg The binaries.
 * @param file Any audio file ffmpeg reads.
 * @param options Threshold, shortest silence, the audio's length and the signal.
 * @returns The silences.
 * @throws {ProcessError} When ffmpeg fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectSilences } from "./detect_silences.ts";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * const ffmpeg = await findFfmpeg();
 * const file = await Deno.makeTempFile({ suffix: ".wav" });
 * await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=f=440:d=1", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono",
 *   "-filter_complex", "[1]atrim=0:1[s];[0][s]concat=n=2:v=0:a=1", file]);
 * const silences = await detectSilences(ffmpeg, file, { noise: -35, minDuration: 0.3, duration: 2 });
 * assert.equal(silences.length, 1);
 * assert.ok(Math.abs(silences[0]!.start - 1) < 0.05 && silences[0]!.end === 2);
 * await Deno.remove(file);
 * ```
 */
export async function detectSilences(
  ffmpeg: FfmpegPaths,
  file: string,
  options: DetectSilencesOptions,
): Promise<Silence[]> {
  const { noise, minDuration, duration, signal } = options;
  const layout = await pcm16Layout(file);
  if (layout !== null && noise < 0 && minDuration >= 0) {
    const scanner = new SilenceScanner({ noise, minDuration, ...layout });
    await scanWav(file, layout, scanner, signal);
    return scanner.silences(duration);
  }
  return await ffmpegSilences(ffmpeg, file, options);
}

/**
 * Lists the silences of any audio file with ffmpeg's `silencedetect`.
 *
 * @param ffmpeg The binaries.
 * @param file Any audio file ffmpeg reads.
 * @param options Threshold, shortest silence, the audio's length and the signal.
 * @returns The silences.
 * @throws {ProcessError} When ffmpeg fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ffmpegSilences } from "./detect_silences.ts";
 * import { findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
 * const ffmpeg = await findFfmpeg();
 * const file = await Deno.makeTempFile({ suffix: ".mp3" });
 * await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=f=440:d=1,apad=pad_dur=1", file]);
 * const [silence] = await ffmpegSilences(ffmpeg, file, { noise: -35, minDuration: 0.3, duration: 2 });
 * assert.ok(silence !== undefined && Math.abs(silence.start - 1) < 0.1);
 * await Deno.remove(file);
 * ```
 */
export async function ffmpegSilences(
  ffmpeg: FfmpegPaths,
  file: string,
  options: DetectSilencesOptions,
): Promise<Silence[]> {
  const { noise, minDuration, duration, signal } = options;
  const filter = `silencedetect=noise=${noise}dB:d=${minDuration},ametadata=mode=print:file=-`;
  const stdout = await runFfmpeg(ffmpeg, ["-i", file, "-af", filter, "-f", "null", "-"], { signal });
  return parseSilences(new TextDecoder().decode(stdout), duration);
}

/**
 * Reads the `lavfi.silence_start` / `lavfi.silence_end` lines that `silencedetect` and `ametadata=mode=print`
 * write.
 *
 * @param text The printed metadata.
 * @param duration The audio's length: the end of a silence still open at the end.
 * @returns The silences, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSilences } from "./detect_silences.ts";
 * const text = "lavfi.silence_start=1.5\nlavfi.silence_end=2.25\nlavfi.silence_start=9\n";
 * assert.deepEqual(parseSilences(text, 10), [{ start: 1.5, end: 2.25 }, { start: 9, end: 10 }]);
 * ```
 */
export function parseSilences(text: string, duration: number): Silence[] {
  const silences: Silence[] = [];
  let start: number | null = null;
  for (const line of text.split("\n")) {
    // ffmpeg prints times with %.6g: a silence at the first samples reads 6.25e-05.
    const match = /^lavfi\.silence_(start|end)=([-+]?[\d.]+(?:e[-+]?\d+)?)/.exec(line.trim());
    if (match === null) continue;
    const at = Math.min(duration, Math.max(0, Number(match[2])));
    if (match[1] === "start") start = at;
    else if (start !== null) {
      silences.push({ start, end: at });
      start = null;
    }
  }
  if (start !== null && start < duration) silences.push({ start, end: duration });
  return silences;
}

/** Options for {@linkcode SilenceScanner}. */
export interface SilenceScannerOptions {
  /** The level under which a sample counts as silent, in dB (below 0). */
  noise: number;
  /** The shortest silence that counts, in seconds. */
  minDuration: number;
  /** Samples per second. */
  sampleRate: number;
  /** Channels, interleaved. */
  channels: number;
}

/**
 * Finds silences in 16-bit samples fed in order, by the rules of ffmpeg's `silencedetect` (libavfilter
 * `af_silencedetect.c`, default mode: every channel silent): a sample is silent when its magnitude is under the
 * threshold (10^(dB/20) × 32767, truncated); a silence starts at the first of `minDuration` seconds of silent
 * samples (rounded to the nearest sample) and ends at the first sample that is not; times are printed as ffmpeg
 * 5.1 prints them (6 significant digits; ffmpeg 7 prints microseconds). One difference: ffmpeg reports silences
 * as metadata on the decoded frame where they start or end, one value a key, so when two silences start or end
 * within one frame (4096 bytes of a WAV: 93 ms of 16-bit mono at 22.05 kHz) it keeps the last start and the last
 * end, paired wrongly; this keeps each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SilenceScanner } from "./detect_silences.ts";
 * // 1 s of sound, 0.5 s of silence, 0.5 s of sound, at 1 kHz: one silence from 1 s to 1.5 s.
 * const samples = new Int16Array(2000).fill(8000);
 * samples.fill(0, 1000, 1500);
 * const scanner = new SilenceScanner({ noise: -40, minDuration: 0.3, sampleRate: 1000, channels: 1 });
 * scanner.push(samples);
 * assert.deepEqual(scanner.silences(2), [{ start: 1, end: 1.5 }]);
 * ```
 */
export class SilenceScanner {
  readonly #threshold: number;
  readonly #notify: number;
  readonly #minSamples: number;
  readonly #channels: number;
  readonly #sampleRate: number;
  readonly #found: { start: number; end: number | null }[] = [];
  /** Interleaved samples seen so far. */
  #index = 0;
  /** Silent interleaved samples in a row, while no silence is open. */
  #silentRun = 0;
  /** The open silence's first frame, or -1. */
  #start = -1;

  /**
   * @param options Threshold, shortest silence, sample rate and channels.
   * @throws {RangeError} When the threshold is not below 0 dB or the layout is not positive.
   */
  constructor(options: SilenceScannerOptions) {
    const { noise, minDuration, sampleRate, channels } = options;
    if (!(noise < 0) || !(minDuration >= 0) || !(sampleRate > 0) || !(channels > 0)) {
      throw new RangeError(`Cannot scan for silences under ${noise} dB of ${minDuration} s`);
    }
    // silencedetect: the threshold as an int16_t (truncated); the duration parsed to microseconds, then
    // av_rescale'd to samples (rounded to nearest); every channel counted in default mode.
    this.#threshold = Math.trunc(10 ** (noise / 20) * 32767);
    const micros = Math.round(minDuration * 1e6);
    this.#minSamples = Math.floor((micros * sampleRate + 500_000) / 1e6);
    this.#notify = this.#minSamples * channels;
    this.#channels = channels;
    this.#sampleRate = sampleRate;
  }

  /**
   * Feeds the next samples (interleaved, whole frames or not).
   *
   * @param samples The samples.
   */
  push(samples: Int16Array): void {
    const threshold = this.#threshold;
    let index = this.#index;
    for (let i = 0; i < samples.length; i++, index++) {
      const sample = samples[i]!;
      if (sample < threshold && sample > -threshold) {
        if (this.#start < 0 && ++this.#silentRun >= this.#notify) {
          this.#start = Math.floor(index / this.#channels) + 1 - this.#minSamples;
          this.#found.push({ start: this.#start, end: null });
        }
      } else {
        if (this.#start >= 0) this.#found.at(-1)!.end = Math.floor(index / this.#channels);
        this.#silentRun = 0;
        this.#start = -1;
      }
    }
    this.#index = index;
  }

  /**
   * The silences found, in seconds; one still open ends at `duration`.
   *
   * @param duration The audio's length.
   * @returns The silences, in order, as {@linkcode parseSilences} reads ffmpeg's.
   */
  silences(duration: number): Silence[] {
    const seconds = (frame: number) =>
      Math.min(duration, Math.max(0, Number((frame * (1 / this.#sampleRate)).toPrecision(6))));
    const silences: Silence[] = [];
    for (const { start, end } of this.#found) {
      const from = seconds(start);
      if (end !== null) silences.push({ start: from, end: seconds(end) });
      else if (from < duration) silences.push({ start: from, end: duration });
    }
    return silences;
  }
}

/**
 * The level of a 16-bit PCM WAV's loudest stretch of `window` seconds (its RMS, every channel together), in dB
 * under full scale: how loud its speech is, whatever a click's lone sample says. Null for another kind of file, or
 * for one all of whose samples are 0.
 *
 * @param file The WAV.
 * @param options The stretch's length (50 ms by default) and the signal that stops the reading.
 * @returns The level in dB, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loudestStretchDb } from "./detect_silences.ts";
 * import { pcmWav } from "./wav_pcm.ts";
 * const file = await Deno.makeTempFile({ suffix: ".wav" });
 * // A square wave at half scale: -6 dB.
 * const samples = new Int16Array(1600).map((_, i) => (i % 2 === 0 ? 16384 : -16384));
 * await Deno.writeFile(file, pcmWav(new Uint8Array(samples.buffer), { sampleRate: 16_000 }));
 * assert.equal(Math.round(await loudestStretchDb(file) ?? 0), -6);
 * await Deno.remove(file);
 * ```
 */
export async function loudestStretchDb(
  file: string,
  options: { window?: number; signal?: AbortSignal } = {},
): Promise<number | null> {
  const layout = await pcm16Layout(file);
  if (layout === null) return null;
  const size = Math.max(1, Math.round((options.window ?? 0.05) * layout.sampleRate)) * layout.channels;
  let [sum, count, loudest] = [0, 0, 0];
  await scanWav(file, layout, {
    push: (samples) => {
      for (const sample of samples) {
        sum += sample * sample;
        if (++count === size) {
          loudest = Math.max(loudest, sum / count);
          [sum, count] = [0, 0];
        }
      }
    },
  }, options.signal);
  // A stretch shorter than the window counts only when it is all there is: a click in the last samples read as a
  // loud stretch (rv15).
  if (count > 0 && loudest === 0) loudest = sum / count;
  return loudest === 0 ? null : 10 * Math.log10(loudest / 32768 ** 2);
}

/** The layout of a 16-bit PCM WAV, or null for any other file. */
async function pcm16Layout(file: string): Promise<WavLayout | null> {
  let layout;
  try {
    layout = await readWavLayout(file);
  } catch (error) {
    // Not a PCM WAV (RangeError), or a file that cannot be read: ffmpeg names what is wrong with it.
    if (error instanceof RangeError || isUnreadableFile(error)) return null;
    throw error;
  }
  const usable = layout.bitsPerSample === 16 && layout.channels > 0 && layout.sampleRate > 0;
  return usable && LITTLE_ENDIAN ? layout : null;
}

/** Whether typed arrays read little-endian here (as WAV stores samples). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Feeds a WAV's samples to the scanner, a megabyte at a time. */
async function scanWav(
  file: string,
  layout: WavLayout,
  scanner: { push(samples: Int16Array): void },
  signal: AbortSignal | undefined,
): Promise<void> {
  const frameBytes = layout.channels * 2;
  let left = layout.dataBytes - (layout.dataBytes % frameBytes);
  const block = new Uint8Array(1 << 20);
  using handle = await Deno.open(file, { read: true });
  await handle.seek(layout.dataOffset, Deno.SeekMode.Start);
  while (left > 0) {
    signal?.throwIfAborted();
    const want = Math.min(block.length, left);
    const filled = await readFull(handle, block.subarray(0, want));
    const whole = filled - (filled % 2);
    scanner.push(new Int16Array(block.buffer, 0, whole / 2));
    left = filled < want ? 0 : left - filled;
  }
}
