/**
 * Writing an MP4 in-process: an H.264 track whose samples reel made (stills and skipped pictures) and the AAC track
 * of an M4A that ffmpeg encoded, copied sample by sample with its edit (the encoder's priming) and its sample
 * groups. The index comes first (`moov` before `mdat`, like ffmpeg's `+faststart`) and the two tracks are
 * interleaved a second at a time. Nothing is encoded or decoded, and no ffmpeg starts: a lesson's three formats
 * were three ffmpeg processes of about 0.4 CPU-s each, most of it starting up and parsing the stream again. The
 * same writer joins the AAC parts of a narration encoded in parts into one M4A (`writeJoinedAac`).
 * @module
 */
import { readFull } from "../core/read_full.ts";
import {
  type Box,
  box,
  childBox,
  children,
  editList,
  fields,
  fourCc,
  readMoov,
  timing,
} from "./_mp4_boxes.ts";
import type { PictureSample } from "./h264/still_stream.ts";

/** The video track: its frame rate, parameter sets, picture size and a way to read its samples (twice). */
export interface Mp4Video {
  /** Frames a second, a whole number. */
  fps: number;
  /** The SPS and PPS NAL units (no start code), for the `avcC` box. */
  sps: Uint8Array;
  pps: Uint8Array;
  /** The picture's size in pixels. */
  width: number;
  height: number;
  /** The samples in order; called once for their sizes and once to write them, so it must give the same both times. */
  samples: () => Iterable<PictureSample>;
}

/** An AAC track read from an M4A: where each sample lies in the file, and the boxes copied as they are. */
interface AudioTrack {
  timescale: number;
  /** The media's duration in its timescale (`mdhd`). */
  duration: number;
  /** The `mdhd` language field. */
  language: number;
  /** The `mp4a` sample entry, as it is. */
  sampleEntry: Uint8Array;
  /** The `stts` box, as it is. */
  stts: Uint8Array;
  /** `sgpd` and `sbgp` boxes (the AAC roll distance), as they are. */
  groups: Uint8Array[];
  /** The one edit: its length in seconds and the media time it starts at (the priming); null when none. */
  edit: { seconds: number; mediaTime: number } | null;
  sizes: Uint32Array;
  offsets: Float64Array;
  /** Each sample's decoding time in the media's timescale. */
  times: Float64Array;
}

/** What the writer needs of an AAC track: its boxes, timing and sizes; where its samples lie is its reader's. */
type AudioIndex = Omit<AudioTrack, "offsets">;

/** The movie's timescale: milliseconds, as ffmpeg writes it. */
const MOVIE_TIMESCALE = 1000;
/** Ticks a frame in the video track's timescale (fps × 512), as the ffmpeg mux this replaces wrote them. */
const TICKS_PER_FRAME = 512;
/** The bytes of audio a chunk of an M4A without video holds at most. */
const AUDIO_RUN_BYTES = 1 << 20;
const IDENTITY_MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

/**
 * Writes an MP4 of a video track and the AAC track of an M4A, index first.
 *
 * @param output The file to write (replaced).
 * @param video The video track.
 * @param audioFile An M4A with one AAC track, as ffmpeg writes it (not fragmented).
 * @param options `signal`: stops between chunks (the file is then incomplete; the caller discards it).
 * @throws {Error} When the M4A is not such a file (or its tables are cut short), naming it.
 *
 * @example
 * ```ts
 * import { writeMp4 } from "./mp4_mux.ts";
 * // await writeMp4("a.mp4", { fps: 30, sps, pps, width: 1920, height: 1080, samples: () => pictureSamples(...) }, "narration.m4a");
 * ```
 */
export async function writeMp4(
  output: string,
  video: Mp4Video,
  audioFile: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const audio = await readAacTrack(audioFile);
  using source = await Deno.open(audioFile, { read: true });
  await writeMovie(output, video, {
    track: audio,
    read: (first, count) => readAudioChunk(source, audio, first, count, audioFile),
  }, options.signal);
}

/** One part of a joined AAC track: an M4A that ffmpeg encoded, and the run of its samples (AAC frames) to keep. */
export interface AacPart {
  file: string;
  /** The first sample to keep. */
  first: number;
  /** How many to keep. */
  count: number;
}

/**
 * Writes an M4A of one AAC track made of runs of samples from several M4As that ffmpeg encoded with the same
 * options (see `aac_parts.ts`): their frames are copied as they are, one after the other, under the first part's
 * sample entry and priming edit, with the track's length in samples. Nothing is encoded or decoded.
 *
 * @param output The file to write (replaced).
 * @param parts The runs of samples, in order.
 * @param samples The joined track's length in samples, without the priming.
 * @param options `priming`: the samples of priming every part starts with (its edit), which the joined track keeps
 *   once; `signal`: stops between chunks.
 * @throws {Error} When a part is not an M4A as ffmpeg writes it, has fewer samples than its run or another
 *   priming, or the runs do not hold `samples` (naming the file or the counts).
 *
 * @example
 * ```ts
 * import { writeJoinedAac } from "./mp4_mux.ts";
 * // const parts = [{ file: "a.m4a", first: 0, count: 100 }, { file: "b.m4a", first: 13, count: 90 }];
 * // await writeJoinedAac("all.m4a", parts, 194_000, { priming: 1024 });
 * ```
 */
export async function writeJoinedAac(
  output: string,
  parts: readonly AacPart[],
  samples: number,
  options: { priming: number; signal?: AbortSignal },
): Promise<void> {
  const { priming } = options;
  const tracks: AudioTrack[] = [];
  for (const part of parts) {
    const track = await readAacTrack(part.file);
    if (part.first < 0 || part.count < 1 || part.first + part.count > track.sizes.length) {
      throw new Error(
        `${part.file} has ${track.sizes.length} AAC frames; its part needs frames ${part.first} to ` +
          `${part.first + part.count - 1}`,
      );
    }
    if ((track.edit?.mediaTime ?? 0) !== priming) {
      throw new Error(
        `${part.file} starts with ${track.edit?.mediaTime ?? 0} samples of priming, not ${priming}`,
      );
    }
    tracks.push(track);
  }
  const head = tracks[0];
  if (head === undefined) throw new RangeError("A joined track needs at least one part");
  const frame = head.sizes.length > 1 ? head.times[1]! - head.times[0]! : 0;
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const last = samples + priming - (count - 1) * frame;
  if (!(frame > 0) || !(last > 0 && last <= frame)) {
    throw new Error(
      `${count} AAC frames of ${frame} samples cannot hold ${samples} samples after ${priming} of priming`,
    );
  }
  const sizes = new Uint32Array(count);
  let at = 0;
  parts.forEach((part, i) => {
    sizes.set(tracks[i]!.sizes.subarray(part.first, part.first + part.count), at);
    at += part.count;
  });
  const track: AudioIndex = {
    timescale: head.timescale,
    duration: samples + priming,
    language: head.language,
    sampleEntry: head.sampleEntry,
    stts: box("stts", [0, 2, count - 1, frame, 1, last]),
    groups: head.groups.map((group) =>
      fourCc(group, 4) === "sbgp" ? oneGroup(group, count, parts[0]!.file) : group
    ),
    edit: { seconds: samples / head.timescale, mediaTime: priming },
    sizes,
    times: Float64Array.from({ length: count }, (_, i) => i * frame),
  };
  const files = parts.map((part) => Deno.openSync(part.file, { read: true }));
  try {
    await writeMovie(output, null, {
      track,
      // The joined samples [first, first + count) from the parts that hold them.
      read: async (first, want) => {
        const out = new Uint8Array(sizes.subarray(first, first + want).reduce((sum, size) => sum + size, 0));
        let written = 0;
        let start = 0;
        for (const [i, part] of parts.entries()) {
          const from = Math.max(first, start);
          const to = Math.min(first + want, start + part.count);
          if (from < to) {
            const bytes = await readAudioChunk(
              files[i]!,
              tracks[i]!,
              part.first + from - start,
              to - from,
              part.file,
            );
            out.set(bytes, written);
            written += bytes.length;
          }
          start += part.count;
        }
        return out;
      },
    }, options.signal);
  } finally {
    for (const file of files) file.close();
  }
}

/** An `sbgp` box of one run (what ffmpeg writes: every AAC frame in the roll group) rewritten for `count` samples. */
function oneGroup(group: Uint8Array, count: number, file: string): Uint8Array {
  const view = new DataView(group.buffer, group.byteOffset, group.byteLength);
  if (group.length < 28 || view.getUint8(8) !== 0 || view.getUint32(16) !== 1) {
    throw new Error(
      `${file} is not an M4A of one AAC track as ffmpeg writes it: a sample group of several runs`,
    );
  }
  return box("sbgp", [0, group.subarray(12, 16), 1, count, view.getUint32(24)]);
}

/** The AAC track of a movie and a way to read a run of its samples' bytes. */
interface AudioSource {
  track: AudioIndex;
  read: (first: number, count: number) => Promise<Uint8Array>;
}

/** Writes an MP4 of a video track (or none: an M4A) and an AAC track, index first. */
async function writeMovie(
  output: string,
  video: Mp4Video | null,
  source: AudioSource,
  signal: AbortSignal | undefined,
): Promise<void> {
  const audio = source.track;
  const sizes: number[] = [];
  const syncs: number[] = [];
  for (const sample of video?.samples() ?? []) {
    sizes.push(sample.bytes.length);
    if (sample.sync) syncs.push(sizes.length);
  }
  if (video !== null && sizes.length === 0) throw new RangeError("A video needs at least one frame");
  const layout = interleave(sizes, video?.fps ?? 1, audio);
  const mdatBytes = layout.reduce((sum, chunk) => sum + chunk.bytes, 0);
  const large = mdatBytes > 0xffff_ff00 - 64 * 2 ** 20;
  const ftyp = box("ftyp", [
    ascii("isom"),
    0x200,
    ascii("isom"),
    ascii("iso2"),
    ...video === null ? [] : [ascii("avc1")],
    ascii("mp41"),
  ]);
  const mdatHeader = large ? 16 : 8;
  // The index's size does not depend on the offsets it holds (their width is chosen above): write it once to
  // measure it, then again with the offsets from where the media data will start.
  const moovAt = (base: number) => movie(video, sizes, syncs, audio, layout, base, large);
  const base = ftyp.length + moovAt(0).length + mdatHeader;
  const moov = moovAt(base);
  using file = await Deno.open(output, { write: true, create: true, truncate: true });
  const writer = new ChunkWriter(file);
  await writer.write(ftyp);
  await writer.write(moov);
  // A 64-bit size (after a size of 1) when the media data may pass 4 GB.
  await writer.write(large ? fields([4, 1]) : fields([4, 8 + mdatBytes]));
  await writer.write(ascii("mdat"));
  if (large) await writer.write(fields([8, 16 + mdatBytes]));
  const samples = (video?.samples() ?? [])[Symbol.iterator]();
  for (const chunk of layout) {
    signal?.throwIfAborted();
    if (chunk.track === "video") {
      for (let i = 0; i < chunk.count; i++) {
        const next = samples.next();
        if (next.done === true) {
          throw new RangeError("The video's samples changed between their two readings");
        }
        await writer.write(next.value.bytes);
      }
    } else await writer.write(await source.read(chunk.first, chunk.count));
  }
  await writer.flush();
}

/** A chunk of samples of one track, in file order. */
interface Chunk {
  track: "video" | "audio";
  first: number;
  count: number;
  bytes: number;
  /** Where it starts in `mdat`'s body. */
  offset: number;
}

/**
 * The chunks: a second of video, then the audio decoded within the same second, and so on to the longer's end; with
 * no video, runs of audio of about a megabyte (as ffmpeg writes an M4A), read in few reads.
 */
function interleave(sizes: readonly number[], fps: number, audio: AudioIndex): Chunk[] {
  const chunks: Chunk[] = [];
  let offset = 0;
  const add = (track: "video" | "audio", first: number, count: number, size: (i: number) => number) => {
    if (count === 0) return;
    let bytes = 0;
    for (let i = first; i < first + count; i++) bytes += size(i);
    chunks.push({ track, first, count, bytes, offset });
    offset += bytes;
  };
  if (sizes.length === 0) {
    for (let first = 0; first < audio.sizes.length;) {
      let bytes = 0;
      let end = first;
      while (end < audio.sizes.length && (end === first || bytes + audio.sizes[end]! <= AUDIO_RUN_BYTES)) {
        bytes += audio.sizes[end++]!;
      }
      add("audio", first, end - first, (i) => audio.sizes[i]!);
      first = end;
    }
    return chunks;
  }
  let frame = 0;
  let sample = 0;
  for (let second = 1; frame < sizes.length || sample < audio.sizes.length; second++) {
    const frames = Math.min(sizes.length, second * fps) - frame;
    add("video", frame, frames, (i) => sizes[i]!);
    frame += frames;
    let last = sample;
    while (last < audio.sizes.length && audio.times[last]! < second * audio.timescale) last++;
    add("audio", sample, last - sample, (i) => audio.sizes[i]!);
    sample = last;
  }
  return chunks;
}

/** The `moov` box, with chunk offsets from `base` (where `mdat`'s body starts in the file). */
function movie(
  video: Mp4Video | null,
  sizes: readonly number[],
  syncs: readonly number[],
  audio: AudioIndex,
  layout: readonly Chunk[],
  base: number,
  large: boolean,
): Uint8Array {
  const videoSeconds = video === null ? 0 : sizes.length / video.fps;
  const audioSeconds = audio.edit?.seconds ?? audio.duration / audio.timescale;
  const videoLength = Math.round(videoSeconds * MOVIE_TIMESCALE);
  const audioLength = Math.round(audioSeconds * MOVIE_TIMESCALE);
  const tracks = (track: "video" | "audio") => layout.filter((chunk) => chunk.track === track);
  const mvhd = box("mvhd", [
    fields([4, 0], [4, 0], [4, 0], [4, MOVIE_TIMESCALE], [4, Math.max(videoLength, audioLength)]),
    fields([4, 0x10000], [2, 0x100], [2, 0], [8, 0]),
    ...IDENTITY_MATRIX,
    new Uint8Array(24),
    video === null ? 2 : 3, // the next track's ID
  ]);
  const videoTrak = video === null ? null : box("trak", [
    trackHeader(1, videoLength, { width: video.width, height: video.height }),
    box("mdia", [
      mediaHeader(video.fps * TICKS_PER_FRAME, sizes.length * TICKS_PER_FRAME, 0x55c4),
      handler("vide", "VideoHandler"),
      box("minf", [
        box("vmhd", [1, fields([2, 0], [2, 0], [2, 0], [2, 0])]),
        dataInformation(),
        box("stbl", [
          box("stsd", [0, 1, avc1(video)]),
          box("stts", [0, 1, sizes.length, TICKS_PER_FRAME]),
          box("stss", [0, syncs.length, ...syncs]),
          sampleToChunk(tracks("video")),
          box("stsz", [0, 0, sizes.length, ...sizes]),
          chunkOffsets(tracks("video"), base, large),
        ]),
      ]),
    ]),
  ]);
  const edit = audio.edit;
  const audioTrak = box("trak", [
    trackHeader(video === null ? 1 : 2, audioLength, null),
    ...edit === null ? [] : [box("edts", [box("elst", [0, 1, audioLength, edit.mediaTime, 0x10000])])],
    box("mdia", [
      mediaHeader(audio.timescale, audio.duration, audio.language),
      handler("soun", "SoundHandler"),
      box("minf", [
        box("smhd", [0, 0]),
        dataInformation(),
        box("stbl", [
          box("stsd", [0, 1, audio.sampleEntry]),
          audio.stts,
          sampleToChunk(tracks("audio")),
          box("stsz", [0, 0, audio.sizes.length, ...audio.sizes]),
          chunkOffsets(tracks("audio"), base, large),
          ...audio.groups,
        ]),
      ]),
    ]),
  ]);
  return box("moov", videoTrak === null ? [mvhd, audioTrak] : [mvhd, videoTrak, audioTrak]);
}

function trackHeader(
  id: number,
  duration: number,
  picture: { width: number; height: number } | null,
): Uint8Array {
  return box("tkhd", [
    3, // enabled, in the movie
    0,
    0,
    id,
    0,
    duration,
    fields([8, 0]),
    // Layer; alternate group (audio tracks are alternatives of each other); volume (audio only).
    fields([2, 0], [2, picture === null ? 1 : 0], [2, picture === null ? 0x100 : 0], [2, 0]),
    ...IDENTITY_MATRIX,
    (picture?.width ?? 0) * 0x10000,
    (picture?.height ?? 0) * 0x10000,
  ]);
}

function mediaHeader(timescale: number, duration: number, language: number): Uint8Array {
  return box("mdhd", [0, 0, 0, timescale, duration, fields([2, language], [2, 0])]);
}

function handler(type: string, name: string): Uint8Array {
  return box("hdlr", [0, 0, ascii(type), new Uint8Array(12), ascii(`${name}\0`)]);
}

function dataInformation(): Uint8Array {
  return box("dinf", [box("dref", [0, 1, box("url ", [1])])]);
}

/** The `avc1` sample entry and its `avcC` (4-byte NAL lengths, one SPS, one PPS). */
function avc1(video: Mp4Video): Uint8Array {
  const { sps, pps } = video;
  const profile = sps[1]!;
  const avcC = box("avcC", [
    fields([1, 1], [1, profile], [1, sps[2]!], [1, sps[3]!], [1, 0xff], [1, 0xe1], [2, sps.length]),
    sps,
    fields([1, 1], [2, pps.length]),
    pps,
    // The High profiles' extension: 4:2:0, 8-bit, no SPS extensions (what reel's encoders write).
    ...[100, 110, 122, 244].includes(profile) ? [fields([1, 0xfd], [1, 0xf8], [1, 0xf8], [1, 0])] : [],
  ]);
  return box("avc1", [
    fields([4, 0], [2, 0], [2, 1]), // reserved, data reference 1
    new Uint8Array(16),
    fields([2, video.width], [2, video.height], [4, 0x480000], [4, 0x480000], [4, 0], [2, 1]),
    new Uint8Array(32), // compressor name
    fields([2, 0x18], [2, 0xffff]),
    avcC,
  ]);
}

/** `stsc`: runs of chunks with the same number of samples. */
function sampleToChunk(chunks: readonly Chunk[]): Uint8Array {
  const runs: number[] = [];
  chunks.forEach((chunk, i) => {
    if (i > 0 && chunks[i - 1]!.count === chunk.count) return;
    runs.push(i + 1, chunk.count, 1);
  });
  return box("stsc", [0, runs.length / 3, ...runs]);
}

function chunkOffsets(chunks: readonly Chunk[], base: number, large: boolean): Uint8Array {
  if (!large) return box("stco", [0, chunks.length, ...chunks.map((chunk) => base + chunk.offset)]);
  return box("co64", [0, chunks.length, ...chunks.map((chunk) => fields([8, base + chunk.offset]))]);
}

/**
 * Reads the AAC track of an M4A: its sample table (where each sample is), timing, edit and the boxes to copy.
 *
 * @throws {Error} When the file is not a plain M4A of one AAC track, naming it.
 */
async function readAacTrack(file: string): Promise<AudioTrack> {
  const unusable = (why: string, cause?: unknown) =>
    new Error(`${file} is not an M4A of one AAC track as ffmpeg writes it: ${why}`, { cause });
  const moov = await readMoov(file);
  if (moov === null) throw unusable("no index (moov) found");
  try {
    return readAacMoov(moov, unusable);
  } catch (error) {
    // A box or table cut short, a count past its box's end: named with the file, like the other refusals.
    if (error instanceof RangeError) throw unusable(error.message, error);
    throw error;
  }
}

/** The AAC track of an M4A's `moov` body; `unusable` makes the error of a file that is not one. */
function readAacMoov(moov: Uint8Array, unusable: (why: string) => Error): AudioTrack {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const top = children(moov, 0, moov.length);
  const traks = top.filter((b) => b.type === "trak");
  const mvhd = top.find((b) => b.type === "mvhd");
  if (traks.length !== 1 || mvhd === undefined) throw unusable(`${traks.length} tracks`);
  const movieTimescale = timing(view, mvhd).timescale;
  const trak = traks[0]!;
  const mdia = childBox(moov, trak, "mdia");
  const mdhd = childBox(moov, mdia, "mdhd");
  const stbl = childBox(moov, childBox(moov, mdia, "minf"), "stbl");
  if (mdhd === undefined || stbl === undefined) throw unusable("no media header or sample table");
  const table = children(moov, stbl.start, stbl.end);
  const find = (type: string) => table.find((b) => b.type === type);
  const stsd = find("stsd");
  const entry = stsd === undefined ? undefined : children(moov, stsd.start + 8, stsd.end)[0];
  if (entry === undefined || entry.type !== "mp4a" || view.getUint32(stsd!.start + 4) !== 1) {
    throw unusable("its track is not AAC (mp4a)");
  }
  const stts = find("stts");
  const stsz = find("stsz");
  const stsc = find("stsc");
  const stco = find("stco") ?? find("co64");
  if (stts === undefined || stsz === undefined || stsc === undefined || stco === undefined) {
    throw unusable("its sample table lacks stts, stsz, stsc or stco");
  }
  const count = view.getUint32(stsz.start + 8);
  const fixed = view.getUint32(stsz.start + 4);
  const holds = (box: Box, header: number, entries: number, size: number) =>
    box.start + header + entries * size <= box.end;
  if (
    (fixed === 0 && !holds(stsz, 12, count, 4)) || !holds(stts, 8, view.getUint32(stts.start + 4), 8) ||
    !holds(stsc, 8, view.getUint32(stsc.start + 4), 12) ||
    !holds(stco, 8, view.getUint32(stco.start + 4), stco.type === "co64" ? 8 : 4)
  ) {
    throw unusable("a sample table counts more entries than its box holds");
  }
  const sizes = Uint32Array.from(
    { length: count },
    (_, i) => fixed || view.getUint32(stsz.start + 12 + 4 * i),
  );
  const times = new Float64Array(count);
  let sample = 0;
  let time = 0;
  for (let i = 0, entries = view.getUint32(stts.start + 4); i < entries; i++) {
    const [n, delta] = [view.getUint32(stts.start + 8 + 8 * i), view.getUint32(stts.start + 12 + 8 * i)];
    for (let k = 0; k < n && sample < count; k++, sample++, time += delta) times[sample] = time;
  }
  const offsets = sampleOffsets(view, stsc, stco, sizes);
  const { timescale, duration } = timing(view, mdhd);
  const elst = childBox(moov, childBox(moov, trak, "edts"), "elst");
  const edits = elst === undefined ? [] : editList(view, elst);
  if (edits.length > 1) throw unusable("more than one edit");
  if (edits.some((edit) => edit.mediaTime < 0)) {
    throw unusable("an empty edit, or one played at another rate");
  }
  const edit = edits[0];
  const languageAt = mdhd.start + (view.getUint8(mdhd.start) === 1 ? 32 : 20);
  return {
    timescale,
    duration,
    language: view.getUint16(languageAt),
    sampleEntry: moov.subarray(entry.offset, entry.end),
    stts: moov.subarray(stts.offset, stts.end),
    groups: table.filter((b) => b.type === "sgpd" || b.type === "sbgp").map((b) =>
      moov.subarray(b.offset, b.end)
    ),
    edit: edit === undefined ? null : { seconds: edit.segment / movieTimescale, mediaTime: edit.mediaTime },
    sizes,
    offsets,
    times,
  };
}

/** Each sample's offset in the file, from the chunk offsets and the sample-to-chunk runs. */
function sampleOffsets(view: DataView, stsc: Box, stco: Box, sizes: Uint32Array): Float64Array {
  const wide = stco.type === "co64";
  const chunkCount = view.getUint32(stco.start + 4);
  const chunkOffset = (i: number) =>
    wide ? Number(view.getBigUint64(stco.start + 8 + 8 * i)) : view.getUint32(stco.start + 8 + 4 * i);
  const runs = view.getUint32(stsc.start + 4);
  const offsets = new Float64Array(sizes.length);
  let sample = 0;
  for (let run = 0; run < runs; run++) {
    const first = view.getUint32(stsc.start + 8 + 12 * run) - 1;
    const perChunk = view.getUint32(stsc.start + 12 + 12 * run);
    const end = run + 1 < runs ? view.getUint32(stsc.start + 8 + 12 * (run + 1)) - 1 : chunkCount;
    for (let chunk = first; chunk < end; chunk++) {
      let at = chunkOffset(chunk);
      for (let k = 0; k < perChunk && sample < sizes.length; k++, sample++) {
        offsets[sample] = at;
        at += sizes[sample]!;
      }
    }
  }
  if (sample !== sizes.length) throw new RangeError("The sample table places fewer samples than it sizes");
  return offsets;
}

/** The bytes of `count` audio samples from `first`, read in as few reads as the file's layout allows. */
async function readAudioChunk(
  source: Deno.FsFile,
  audio: AudioTrack,
  first: number,
  count: number,
  file: string,
): Promise<Uint8Array> {
  let total = 0;
  for (let i = first; i < first + count; i++) total += audio.sizes[i]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (let i = first; i < first + count;) {
    // A run of samples that lie one after the other in the file.
    let end = i + 1;
    let length = audio.sizes[i]!;
    while (end < first + count && audio.offsets[end] === audio.offsets[end - 1]! + audio.sizes[end - 1]!) {
      length += audio.sizes[end]!;
      end++;
    }
    await source.seek(audio.offsets[i]!, Deno.SeekMode.Start);
    if (await readFull(source, out.subarray(at, at + length)) !== length) {
      throw new Error(`${file} ends before its samples do`);
    }
    at += length;
    i = end;
  }
  return out;
}

/** Collects small writes into writes of about a megabyte. */
class ChunkWriter {
  readonly #file: Deno.FsFile;
  readonly #buffer = new Uint8Array(1 << 20);
  #used = 0;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.#used + bytes.length > this.#buffer.length) await this.flush();
    if (bytes.length >= this.#buffer.length) return await writeAll(this.#file, bytes);
    this.#buffer.set(bytes, this.#used);
    this.#used += bytes.length;
  }

  async flush(): Promise<void> {
    await writeAll(this.#file, this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
