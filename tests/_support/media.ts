/**
 * Reading real outcomes from media files: durations, streams, pixel colours at a time.
 * @module
 */
import { findFfmpeg, probeMedia, type ProbeResult } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";

/** ffprobe of a file. */
export async function probe(file: string): Promise<ProbeResult> {
  return await probeMedia(await findFfmpeg(), file);
}

/** The RGB colour of pixel (x, y) of the frame shown at `seconds`. */
export async function pixelAt(
  file: string,
  seconds: number,
  x: number,
  y: number,
): Promise<[number, number, number]> {
  const { ffmpeg } = await findFfmpeg();
  const { stdout } = await runProcess(ffmpeg, [
    "-v",
    "error",
    "-ss",
    seconds.toFixed(3),
    "-i",
    file,
    "-frames:v",
    "1",
    "-vf",
    `format=rgb24,crop=1:1:${x}:${y}`,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-",
  ]);
  if (stdout.length < 3) throw new Error(`No frame at ${seconds}s in ${file}`);
  return [stdout[0]!, stdout[1]!, stdout[2]!];
}

/** Parses "#rrggbb". */
export function hexToRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Largest channel difference between two colours. */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
}

/** Parses SRT cues: start and end in seconds and text. */
export function parseSrt(text: string): { start: number; end: number; text: string }[] {
  const seconds = (stamp: string) => {
    const [h, m, rest] = stamp.split(":");
    return Number(h) * 3600 + Number(m) * 60 + Number(rest!.replace(",", "."));
  };
  return text.trim().split(/\n\s*\n/).map((block) => {
    const lines = block.split("\n");
    const [start, end] = lines[1]!.split(" --> ");
    return { start: seconds(start!), end: seconds(end!), text: lines.slice(2).join("\n") };
  });
}
