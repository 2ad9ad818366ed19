/**
 * Reading real outcomes from media files: durations, streams, pixel colours at a time.
 * @module
 */
import { findFfmpeg, probeMedia, type ProbeResult, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";

/** ffprobe of a file. */
export async function probe(file: string): Promise<ProbeResult> {
  return await probeMedia(await findFfmpeg(), file);
}

/**
 * The RGB bytes of the first frame whose time is at or after `seconds` (cut to the millisecond, so that a frame's
 * exact time, k / fps, gives frame k), whole or through `filter` (a crop, say).
 */
export async function frameAt(
  file: string,
  seconds: number,
  filter: string | null = null,
): Promise<Uint8Array> {
  const { ffmpeg } = await findFfmpeg();
  const { stdout } = await runProcess(ffmpeg, [
    "-v",
    "error",
    "-ss",
    (Math.floor(seconds * 1000 + 1e-6) / 1000).toFixed(3),
    "-i",
    file,
    "-frames:v",
    "1",
    ...filter === null ? [] : ["-vf", filter],
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-",
  ]);
  return stdout;
}

/** The RGB colour of pixel (x, y) of the frame {@linkcode frameAt} takes. */
export async function pixelAt(
  file: string,
  seconds: number,
  x: number,
  y: number,
): Promise<[number, number, number]> {
  const stdout = await frameAt(file, seconds, `format=rgb24,crop=1:1:${x}:${y}`);
  if (stdout.length < 3) throw new Error(`No frame at ${seconds}s in ${file}`);
  return [stdout[0]!, stdout[1]!, stdout[2]!];
}

/** Writes one PNG of a solid colour a colour (`slide0.png`, `slide1.png`, ...) in `dir`; returns their paths. */
export async function solidPngs(
  dir: string,
  colours: readonly string[],
  size: { width: number; height: number },
): Promise<string[]> {
  const ffmpeg = await findFfmpeg();
  return await Promise.all(colours.map(async (colour, i) => {
    const path = `${dir}/slide${i}.png`;
    const source = `color=c=${colour}:s=${size.width}x${size.height}`;
    await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", source, "-frames:v", "1", path]);
    return path;
  }));
}

/** Parses "#rrggbb". */
export function hexToRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Largest channel difference between two colours. */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
}

/**
 * Where the ink of one line of text starts at each end: how far below the line's top the first inked row of its
 * leftmost and rightmost eighth lies, as a share of the line's height. A line closed by dots (`........`) whose
 * letters do not reach below it starts low at the end its dots are: above 0.6 there, below 0.4 at the other end.
 *
 * @param lit Whether the pixel at (x, y) is ink.
 * @param region The part of the image the line lies in.
 */
export function inkStartAtEnds(
  lit: (x: number, y: number) => boolean,
  region: { x: number; y: number; width: number; height: number },
): { left: number; right: number } {
  const points: [number, number][] = [];
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) if (lit(x, y)) points.push([x, y]);
  }
  if (points.length === 0) throw new Error("No ink in the region");
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = (right - left) / 8;
  const startsAt = (inside: (x: number) => boolean) =>
    (Math.min(...points.filter(([x]) => inside(x)).map(([, y]) => y)) - top) / (bottom - top);
  return { left: startsAt((x) => x <= left + span), right: startsAt((x) => x >= right - span) };
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

/** What a delivery platform checks of an MP4: rates, profile, keyframes, durations, where the index is. */
export interface DeliveryFacts {
  /** The video stream's nominal and average frame rates, as ffprobe writes them (e.g. "30/1"). */
  rFrameRate: string;
  avgFrameRate: string;
  profile: string;
  pixFmt: string;
  frames: number;
  videoDuration: number;
  audioDuration: number;
  audioProfile: string;
  sampleRate: number;
  /** Presentation times of the video's keyframes, in seconds. */
  keyframes: number[];
  /** True when the `moov` box (the index) comes before `mdat`: playback starts before the download ends. */
  indexFirst: boolean;
}

/** Reads the {@linkcode DeliveryFacts} of an MP4 with ffprobe and its box order from the file. */
export async function deliveryFacts(file: string): Promise<DeliveryFacts> {
  const { ffprobe } = await findFfmpeg();
  const { stdout } = await runProcess(ffprobe, [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_type,r_frame_rate,avg_frame_rate,profile,pix_fmt,nb_frames,duration,sample_rate",
    "-of",
    "json",
    file,
  ]);
  type Stream = Record<string, string | number | undefined>;
  const { streams } = JSON.parse(new TextDecoder().decode(stdout)) as { streams: Stream[] };
  const video = streams.find((stream) => stream.codec_type === "video")!;
  // A video without sound (a montage without a soundtrack) has no audio facts: NaN and "undefined".
  const audio = streams.find((stream) => stream.codec_type === "audio");
  const packets = await runProcess(ffprobe, [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "packet=pts_time,flags",
    "-of",
    "csv=p=0",
    file,
  ]);
  const keyframes = new TextDecoder().decode(packets.stdout).trim().split("\n")
    .map((line) => line.split(","))
    .filter(([, flags]) => flags?.startsWith("K"))
    .map(([time]) => Number(time));
  return {
    rFrameRate: String(video.r_frame_rate),
    avgFrameRate: String(video.avg_frame_rate),
    profile: String(video.profile),
    pixFmt: String(video.pix_fmt),
    frames: Number(video.nb_frames),
    videoDuration: Number(video.duration),
    audioDuration: Number(audio?.duration),
    audioProfile: String(audio?.profile),
    sampleRate: Number(audio?.sample_rate),
    keyframes,
    indexFirst: await topBoxes(file).then((boxes) => boxes.indexOf("moov") < boxes.indexOf("mdat")),
  };
}

/** The names of an MP4's top-level boxes, in file order. */
async function topBoxes(file: string): Promise<string[]> {
  const bytes = await Deno.readFile(file);
  const view = new DataView(bytes.buffer);
  const names: string[] = [];
  for (let offset = 0; offset + 8 <= bytes.length;) {
    let size = view.getUint32(offset);
    if (size === 1) size = Number(view.getBigUint64(offset + 8));
    names.push(new TextDecoder().decode(bytes.subarray(offset + 4, offset + 8)));
    if (size < 8) break;
    offset += size;
  }
  return names;
}

/**
 * Checks an MP4 against what platforms ask for: a constant `fps` (nominal = average), H.264 High in yuv420p, a
 * keyframe at least every 2 s, AAC-LC at 48 kHz, audio and video within one frame of each other and of `frames`,
 * the index at the front.
 */
export async function assertDeliverable(
  file: string,
  expected: { fps: number; frames: number },
): Promise<void> {
  const facts = await deliveryFacts(file);
  const { fps, frames } = expected;
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check(facts.rFrameRate === `${fps}/1` && facts.avgFrameRate === `${fps}/1`, "constant frame rate");
  check(facts.profile === "High" && facts.pixFmt === "yuv420p", "High profile, yuv420p");
  check(facts.frames === frames, `${frames} frames`);
  check(Math.abs(facts.videoDuration - frames / fps) < 1e-3, "video duration = frames / fps");
  check(Math.abs(facts.audioDuration - facts.videoDuration) < 1 / fps, "audio within one frame of the video");
  check(facts.audioProfile === "LC" && facts.sampleRate === 48_000, "AAC-LC at 48 kHz");
  const gaps = [...facts.keyframes, facts.videoDuration].map((time, i, all) =>
    i === 0 ? time : time - all[i - 1]!
  );
  check(facts.keyframes[0] === 0 && Math.max(...gaps) <= 2 + 1e-6, "a keyframe at 0 and at least every 2 s");
  check(facts.indexFirst, "the index (moov) before the media (mdat)");
  if (problems.length > 0) {
    throw new Error(`${file} is not deliverable: ${problems.join("; ")}\n${JSON.stringify(facts)}`);
  }
}
