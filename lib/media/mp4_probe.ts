/**
 * Reading the duration and streams of an MP4 or M4A file from its boxes, as ffprobe reports them, without starting
 * ffprobe (whose start costs more CPU than every box of a lesson's video: about 0.1 CPU-s, three times a video).
 * Only the plain files ffmpeg's mov muxer writes for reel are read here (one or no edit per track, H.264 without
 * B-frames and AAC); anything else returns null, and ffprobe reads it.
 * @module
 */
import { isUnreadableFile } from "../core/exists.ts";
import { type Box, childBox, children, editList, fourCc, readMoov, timing } from "./_mp4_boxes.ts";
import type { ProbedStream, ProbeResult } from "./ffmpeg.ts";
import { sampleEntryCodec } from "./mp4_codecs.ts";

/** What a track says of itself. */
interface Track {
  handler: string;
  timescale: number;
  duration: number;
  sampleEntry: Uint8Array | null;
  edits: { segment: number; mediaTime: number }[] | null;
}

/**
 * Reads an MP4's container duration and streams the way ffprobe reports them (`format=duration` and each stream's
 * codec, size and duration, to the microsecond).
 *
 * @param file The file.
 * @returns Duration and streams, or null when the file is not a plain MP4 of H.264 and AAC tracks (ask ffprobe).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probeMp4 } from "./mp4_probe.ts";
 * const file = await Deno.makeTempFile({ suffix: ".wav" });
 * assert.equal(await probeMp4(file), null); // not an MP4: ffprobe's to read
 * await Deno.remove(file);
 * ```
 */
export async function probeMp4(file: string): Promise<ProbeResult | null> {
  let moov;
  try {
    moov = await readMoov(file);
  } catch (error) {
    // A folder, a file that cannot be read: ffprobe names the file and what is wrong with it.
    if (isUnreadableFile(error) || error instanceof Deno.errors.InvalidData) return null;
    throw error;
  }
  if (moov === null) return null;
  try {
    return readMovie(moov);
  } catch (error) {
    if (error instanceof RangeError) return null; // a box cut short: ffprobe says what is wrong
    throw error;
  }
}

/** The movie's duration and tracks, or null for what only ffprobe reads. */
function readMovie(moov: Uint8Array): ProbeResult | null {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  let movie: { timescale: number; duration: number } | null = null;
  const tracks: Track[] = [];
  for (const box of children(moov, 0, moov.length)) {
    if (box.type === "mvhd") movie = timing(view, box);
    else if (box.type === "mvex") return null; // fragmented
    else if (box.type === "trak") {
      const track = readTrack(moov, view, box);
      if (track === null) return null;
      tracks.push(track);
    }
  }
  if (movie === null || movie.timescale === 0 || tracks.length === 0) return null;
  const streams: ProbedStream[] = [];
  for (const track of tracks) {
    const stream = readStream(track, movie.timescale);
    if (stream === null) return null;
    streams.push(stream);
  }
  return { duration: micro(movie.duration / movie.timescale), streams };
}

/** A `trak` box's handler, timing, edits and only sample entry; null for what only ffprobe reads. */
function readTrack(bytes: Uint8Array, view: DataView, trak: Box): Track | null {
  let track: Partial<Track> = { edits: null, sampleEntry: null };
  /** The sum of the sample table's durations (`stts`). */
  let samplesDuration: number | undefined;
  for (const box of children(bytes, trak.start, trak.end)) {
    if (box.type === "edts") {
      const elst = childBox(bytes, box, "elst");
      if (elst !== undefined) track.edits = editList(view, elst);
    }
    if (box.type !== "mdia") continue;
    for (const part of children(bytes, box.start, box.end)) {
      if (part.type === "mdhd") track = { ...track, ...timing(view, part) };
      if (part.type === "hdlr") track.handler = fourCc(bytes, part.start + 8);
      if (part.type !== "minf") continue;
      const stbl = childBox(bytes, part, "stbl");
      const stsd = childBox(bytes, stbl, "stsd");
      if (stsd === undefined) return null;
      // libavformat takes the shorter of mdhd's duration and the samples' (stts); ffmpeg writes them equal, and
      // where they differ (a recorder's file) ffprobe answers.
      const table = children(bytes, stbl!.start, stbl!.end);
      const stts = table.find((child) => child.type === "stts");
      // Composition offsets (B-frames) move the edit's media time onto presentation times: ffprobe's to read.
      if (stts === undefined || table.some((child) => child.type === "ctts")) return null;
      samplesDuration = sampleTableDuration(view, stts);
      // stsd: version and flags, an entry count, then the entries; a track with more than one is ffprobe's.
      if (view.getUint32(stsd.start + 4) !== 1) return null;
      const entry = children(bytes, stsd.start + 8, stsd.end)[0];
      if (entry === undefined) return null;
      track.sampleEntry = entry.start - entry.offset === 8 ? bytes.subarray(entry.offset, entry.end) : null;
    }
  }
  const { handler, timescale, duration, sampleEntry, edits } = track;
  if (handler === undefined || !timescale || duration === undefined || sampleEntry == null) return null;
  if (samplesDuration !== duration) return null;
  return { handler, timescale, duration, sampleEntry, edits: edits ?? null };
}

/** A track as ffprobe lists it: its codec, size, and its duration after its edit (as libavformat applies it). */
function readStream(track: Track, movieTimescale: number): ProbedStream | null {
  const entry = track.sampleEntry!;
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
  const format = fourCc(entry, 4);
  let duration = track.duration;
  if (track.edits !== null) {
    // One edit from a media time on (the AAC encoder's priming skipped): the track lasts what the edit keeps.
    if (track.edits.length !== 1 || track.edits[0]!.mediaTime < 0) return null;
    const { segment, mediaTime } = track.edits[0]!;
    const kept = Math.round(segment * track.timescale / movieTimescale);
    duration = Math.min(track.duration - mediaTime, kept);
  }
  const seconds = micro(duration / track.timescale);
  if (track.handler === "vide" && (format === "avc1" || format === "avc3")) {
    // A visual sample entry: 8 bytes of box header, 24 of fields, then width and height.
    return {
      type: "video",
      codec: "h264",
      width: view.getUint16(32),
      height: view.getUint16(34),
      duration: seconds,
    };
  }
  if (track.handler === "soun" && format === "mp4a" && sampleEntryCodec(entry) !== null) {
    return { type: "audio", codec: "aac", width: null, height: null, duration: seconds };
  }
  return null;
}

/** The sum of an `stts` box's sample counts × deltas, in the media's timescale. */
function sampleTableDuration(view: DataView, box: Box): number {
  const count = view.getUint32(box.start + 4);
  if (box.start + 8 + count * 8 > box.end) {
    throw new RangeError("An stts box holds fewer entries than it counts");
  }
  let total = 0;
  for (let i = 0, at = box.start + 8; i < count; i++, at += 8) {
    total += view.getUint32(at) * view.getUint32(at + 4);
  }
  return total;
}

/** Seconds to the microsecond, as ffprobe prints them. */
function micro(seconds: number): number {
  return Number(seconds.toFixed(6));
}
