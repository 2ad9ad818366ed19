/**
 * Measuring rendered sound for tests, independently of the code under test: ffmpeg's `ebur128` summary for
 * loudness, decoded samples for levels in time windows.
 * @module
 */
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";

/**
 * The integrated loudness (LUFS) and true peak (dBTP) of a file's audio, as the `ebur128` filter's summary prints
 * them.
 */
export async function ebur128Summary(file: string): Promise<{ integrated: number; truePeak: number }> {
  const { stderr } = await runProcess((await findFfmpeg()).ffmpeg, [
    "-hide_banner",
    "-nostats",
    "-i",
    file,
    "-map",
    "a:0",
    "-af",
    "ebur128=peak=true:framelog=verbose",
    "-f",
    "null",
    "-",
  ]);
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const integrated = Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]);
  const truePeak = Number(/Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1]?.replace("-inf", "-Infinity"));
  if (Number.isNaN(integrated) || Number.isNaN(truePeak)) {
    throw new Error(`No ebur128 summary in: ${summary}`);
  }
  return { integrated, truePeak };
}

/**
 * A file's audio decoded to mono 48 kHz samples, through an optional ffmpeg audio filter (e.g. a high-pass that
 * keeps only a test tone).
 */
export async function decodeMono(file: string, filter: string | null = null): Promise<Float32Array> {
  const { stdout } = await runProcess((await findFfmpeg()).ffmpeg, [
    "-v",
    "error",
    "-i",
    file,
    "-map",
    "a:0",
    ...filter === null ? [] : ["-af", filter],
    "-ar",
    "48000",
    "-ac",
    "1",
    "-f",
    "f32le",
    "pipe:1",
  ]);
  return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength));
}

/** The RMS level in dBFS of `samples` (48 kHz) from `from` to `to` seconds. */
export function levelDb(samples: Float32Array, from: number, to: number): number {
  const part = samples.subarray(Math.round(from * 48_000), Math.round(to * 48_000));
  const power = part.reduce((sum, value) => sum + value * value, 0) / Math.max(1, part.length);
  return 10 * Math.log10(power + 1e-20);
}

/**
 * The deepest dip of a steady sound between `from` and `to` seconds: how far (dB) its quietest window of 5 ms lies
 * under the median window's level, and when (a gap at a loop's join is such a dip).
 */
export function deepestDip(samples: Float32Array, from: number, to: number): { db: number; at: number } {
  const windows: { at: number; level: number }[] = [];
  for (let at = from; at < to; at += 0.005) windows.push({ at, level: levelDb(samples, at, at + 0.005) });
  const median = windows.map((window) => window.level).sort((a, b) => a - b)[Math.floor(windows.length / 2)]!;
  const quietest = windows.reduce((low, window) => window.level < low.level ? window : low);
  return { db: median - quietest.level, at: quietest.at };
}

/**
 * Writes a 48 kHz mono float WAV of `seconds`: the `aevalsrc` expression `tone` (of `t`) over seeded white noise of
 * amplitude `noise`, for tests that need a signal where a sample out of place or a click shows.
 */
export async function toneOverNoise(
  path: string,
  options: { tone: string; noise: number; seed: number; seconds: number },
): Promise<string> {
  const { tone, noise, seed, seconds } = options;
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `aevalsrc='${tone}':s=48000:d=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `anoisesrc=r=48000:a=${noise}:seed=${seed}:d=${seconds}`,
    "-filter_complex",
    "[0:a][1:a]amix=inputs=2:normalize=0",
    "-c:a",
    "pcm_f32le",
    path,
  ]);
  return path;
}
