/**
 * Finding the silences of a recording with ffmpeg's `silencedetect`: where speech pauses, so it can be cut there
 * without cutting a word.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { runFfmpeg } from "./ffmpeg.ts";

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
 * Lists the silences of an audio file, in order.
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
    const match = /^lavfi\.silence_(start|end)=(-?[\d.]+)/.exec(line.trim());
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
