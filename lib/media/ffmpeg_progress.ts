/**
 * Running ffmpeg with its `-progress` report read as it goes: how much of the output's duration is written, as a
 * fraction, for progress bars and ETAs.
 * @module
 */
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { runFfmpegSaying } from "./ffmpeg.ts";

/** Options for {@linkcode runFfmpegWithProgress}. */
export interface FfmpegProgressOptions {
  /** Kills ffmpeg. */
  signal?: AbortSignal;
  /** The output's expected duration in seconds: `out_time` is divided by it. */
  duration: number;
  /** Receives the fraction written (0…1), at most once per percent, and 1 at the end. */
  onProgress: (fraction: number) => void;
}

/**
 * Reads ffmpeg's `-progress` key=value lines and tells how far the output is. Feed it stdout chunks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressReader } from "./ffmpeg_progress.ts";
 * const seen: number[] = [];
 * const reader = new ProgressReader(10, (fraction) => seen.push(fraction));
 * reader.push(new TextEncoder().encode("out_time_us=2500000\nprogress=continue\nout_time_us=5000000\n"));
 * reader.push(new TextEncoder().encode("progress=end\n"));
 * assert.deepEqual(seen, [0.25, 0.5, 1]);
 * ```
 */
export class ProgressReader {
  readonly #duration: number;
  readonly #onProgress: (fraction: number) => void;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #reported = -1;

  /**
   * @param duration The output's expected duration in seconds.
   * @param onProgress Receives the fraction written.
   */
  constructor(duration: number, onProgress: (fraction: number) => void) {
    this.#duration = duration;
    this.#onProgress = onProgress;
  }

  /**
   * Reads one chunk of ffmpeg's stdout.
   *
   * @param chunk Bytes as they arrived.
   */
  push(chunk: Uint8Array): void {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    const lines = this.#buffer.split("\n");
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) this.#line(line.trim());
  }

  #line(line: string): void {
    const [key, value] = line.split("=", 2);
    if (key === "progress" && value === "end") return this.#report(1);
    // `out_time_ms` is in microseconds too (an old misnomer); prefer `out_time_us` where both come.
    if (key !== "out_time_us" && key !== "out_time_ms") return;
    const micros = Number(value);
    if (!Number.isFinite(micros) || micros < 0 || !(this.#duration > 0)) return;
    this.#report(Math.min(0.99, micros / 1e6 / this.#duration));
  }

  #report(fraction: number): void {
    const rounded = Math.floor(fraction * 100) / 100;
    if (rounded <= this.#reported) return;
    this.#reported = rounded;
    this.#onProgress(rounded);
  }
}

/**
 * Runs ffmpeg (`-hide_banner -nostdin -y -loglevel error -nostats -progress pipe:1` and `args`) and reports its
 * progress as a fraction of `duration`.
 *
 * @param paths The binaries.
 * @param args ffmpeg arguments; null entries are dropped.
 * @param options The signal, the expected duration and the listener.
 * @returns What ffmpeg said on stderr (errors it went on past, such as a demuxer's `partial file`).
 * @throws {ProcessError} When ffmpeg exits with a non-zero code; the message holds its last stderr lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "./ffmpeg.ts";
 * import { runFfmpegWithProgress } from "./ffmpeg_progress.ts";
 * const seen: number[] = [];
 * await runFfmpegWithProgress(await findFfmpeg(), ["-f", "lavfi", "-i", "anullsrc", "-t", "1", "-f", "null", "-"], {
 *   duration: 1,
 *   onProgress: (fraction) => seen.push(fraction),
 * });
 * assert.equal(seen.at(-1), 1);
 * ```
 */
export async function runFfmpegWithProgress(
  paths: FfmpegPaths,
  args: readonly (string | null)[],
  options: FfmpegProgressOptions,
): Promise<string> {
  const reader = new ProgressReader(options.duration, options.onProgress);
  const { stderr } = await runFfmpegSaying(paths, ["-nostats", "-progress", "pipe:1", ...args], {
    signal: options.signal,
    onStdout: (chunk) => reader.push(chunk),
  });
  return stderr;
}
