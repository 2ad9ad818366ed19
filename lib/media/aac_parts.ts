/**
 * A long narration's AAC encoded as parts at once, one ffmpeg each, and spliced into one M4A. ffmpeg's AAC encoder
 * runs on one core (a 3-minute narration took 2 s while the other core waited at the end of a one-video render);
 * encoded in parts, the cores share it.
 *
 * An AAC frame is 1024 samples, and the decoder overlaps each frame's second half with the next frame's first, so
 * two encoders meet cleanly only where both saw the same signal around the join. Each part after the first is
 * encoded from {@linkcode CONTEXT_FRAMES} frames before its first frame (its encoder's priming and warm-up are
 * dropped) and each part before the last until {@linkcode LOOKAHEAD_FRAMES} after its last (the encoder decides a
 * frame's window from the next one); every part is fed the same samples, as each runs the whole filter chain from
 * the track's start and trims at its end. Parts join in a section's trailing silence where one is near. Measured on
 * speech, the error of the frames around a join is within that of the same frames encoded whole; the
 * sample-accurate join test holds.
 *
 * How many parts depends on the track's length alone (a part a minute, up to eight), never on the machine, so the
 * bytes follow the key.
 * @module
 */
import { box, fields } from "./_mp4_boxes.ts";
import { readAacPackets, readAacTrack } from "./mp4_mux.ts";

/** Samples in an AAC frame. */
export const AAC_FRAME = 1024;
/** Frames each part after the first is encoded from before its first kept frame. */
export const CONTEXT_FRAMES = 32;
/** Frames each part before the last is encoded after its last kept frame. */
export const LOOKAHEAD_FRAMES = 8;
/** A part's length, about: a track shorter than one and a half parts is encoded whole. */
export const PART_SECONDS = 60;
const MAX_PARTS = 8;

/** One part: the samples its encoder reads, and which of its packets are kept. */
export interface AacPart {
  /** The first sample it encodes, and the sample after its last. */
  from: number;
  to: number;
  /** Packets dropped at its start (priming and context), then the packets kept. */
  skip: number;
  count: number;
}

/**
 * Splits a track of `samples` samples into parts, joined at the section joins nearest to even shares where there
 * are some (at a join's silence), else at the shares. One part (the whole track) when it is short.
 *
 * @param samples The track's length in samples.
 * @param joins The samples where sections meet (each section's end), in order.
 * @param sampleRate Samples a second.
 * @param partSeconds A part's length, about. @default PART_SECONDS
 * @returns The parts in order; their kept packets are the track's packets, each once (the priming packet first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aacParts } from "./aac_parts.ts";
 * assert.equal(aacParts(48_000 * 60, [], 48_000).length, 1);
 * const parts = aacParts(48_000 * 180, [48_000 * 59, 48_000 * 121], 48_000);
 * assert.equal(parts.length, 3);
 * assert.equal(parts.reduce((sum, part) => sum + part.count, 0), Math.ceil((48_000 * 180) / 1024) + 1);
 * ```
 */
export function aacParts(
  samples: number,
  joins: readonly number[],
  sampleRate: number,
  partSeconds = PART_SECONDS,
): AacPart[] {
  const packets = Math.ceil(samples / AAC_FRAME) + 1;
  const wanted = Math.min(MAX_PARTS, Math.round(samples / (partSeconds * sampleRate)));
  const starts = [0];
  for (let i = 1; i < wanted; i++) {
    const share = (i * samples) / wanted;
    const join = joins.filter((at) => at > 0 && at < samples)
      .reduce<number | null>(
        (best, at) => best === null || Math.abs(at - share) < Math.abs(best - share) ? at : best,
        null,
      );
    const at = join !== null && Math.abs(join - share) <= samples / wanted / 2 ? join : share;
    // The two frames whose windows meet at the part's first packet end before the join: in its silence.
    const first = Math.floor(at / AAC_FRAME) - 1;
    if (first > starts.at(-1)! + CONTEXT_FRAMES + 1 && first < packets - 1) starts.push(first);
  }
  return starts.map((first, i) => {
    const next = starts[i + 1] ?? packets;
    return {
      from: i === 0 ? 0 : (first - 1 - CONTEXT_FRAMES) * AAC_FRAME,
      to: i === starts.length - 1 ? samples : Math.min(samples, (next + LOOKAHEAD_FRAMES) * AAC_FRAME),
      skip: i === 0 ? 0 : CONTEXT_FRAMES + 1,
      count: next - first,
    };
  });
}

/**
 * Writes the M4A of the parts' kept packets: one AAC track of `samples` samples after the encoder's priming, with
 * the sample entry of the first part (its bit rates set for the whole), as ffmpeg writes one (an edit skips the
 * priming; every packet rolls back one).
 *
 * @param output The M4A to write.
 * @param files Each part's M4A, as ffmpeg encoded it, in order.
 * @param parts The parts, as {@linkcode aacParts} made them.
 * @param samples The track's length in samples.
 * @throws {Error} When a part holds fewer packets than it should, naming it.
 *
 * @example
 * ```ts
 * import { aacParts, spliceAacParts } from "./aac_parts.ts";
 * // const parts = aacParts(samples, joins, 48_000); (encode each part's `from`–`to` to files[i] at once, then:)
 * // await spliceAacParts("narration.m4a", files, parts, samples);
 * ```
 */
export async function spliceAacParts(
  output: string,
  files: readonly string[],
  parts: readonly AacPart[],
  samples: number,
): Promise<void> {
  const sizes: number[] = [];
  const data: Uint8Array[] = [];
  let entry: Uint8Array | null = null;
  let timescale = 0;
  let priming = 0;
  for (const [i, part] of parts.entries()) {
    const track = await readAacTrack(files[i]!);
    if (track.sizes.length < part.skip + part.count) {
      throw new Error(
        `${files[i]} holds ${track.sizes.length} packets, fewer than ${part.skip + part.count}`,
      );
    }
    if (i === 0) {
      entry = track.sampleEntry;
      timescale = track.timescale;
      priming = track.edit?.mediaTime ?? AAC_FRAME;
    }
    data.push(await readAacPackets(files[i]!, track, part.skip, part.count));
    for (let k = part.skip; k < part.skip + part.count; k++) sizes.push(track.sizes[k]!);
  }
  const total = sizes.length;
  const lastDelta = samples + priming - (total - 1) * AAC_FRAME;
  if (!(lastDelta > 0 && lastDelta <= AAC_FRAME)) {
    throw new RangeError(`${total} packets cannot hold ${samples} samples after ${priming} of priming`);
  }
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  const bitrate = Math.round((bytes * 8 * timescale) / (samples + priming));
  const seconds = Math.round((samples / timescale) * 1000);
  const ftyp = box("ftyp", [ascii("isom"), 0x200, ascii("isom"), ascii("iso2"), ascii("mp41")]);
  const moov = (offset: number) =>
    box("moov", [
      box("mvhd", [
        0,
        0,
        0,
        1000,
        seconds,
        0x10000,
        fields([2, 0x100], [2, 0], [8, 0]),
        ...MATRIX,
        new Uint8Array(24),
        2,
      ]),
      box("trak", [
        box("tkhd", [
          3,
          0,
          0,
          1,
          0,
          seconds,
          fields([8, 0], [2, 0], [2, 1], [2, 0x100], [2, 0]),
          ...MATRIX,
          0,
          0,
        ]),
        box("edts", [box("elst", [0, 1, seconds, priming, 0x10000])]),
        box("mdia", [
          box("mdhd", [0, 0, 0, timescale, samples + priming, fields([2, 0x55c4], [2, 0])]),
          box("hdlr", [0, 0, ascii("soun"), new Uint8Array(12), ascii("SoundHandler\0")]),
          box("minf", [
            box("smhd", [0, 0]),
            box("dinf", [box("dref", [0, 1, box("url ", [1])])]),
            box("stbl", [
              box("stsd", [0, 1, withBitrate(entry!, bitrate)]),
              box("stts", total > 1 ? [0, 2, total - 1, AAC_FRAME, 1, lastDelta] : [0, 1, 1, lastDelta]),
              box("stsc", [0, 1, 1, total, 1]),
              box("stsz", [0, 0, total, ...sizes]),
              box("stco", [0, 1, offset]),
              box("sgpd", [0x1000000, ascii("roll"), 2, 1, fields([2, 0xffff])]),
              box("sbgp", [0, ascii("roll"), 1, total, 1]),
            ]),
          ]),
        ]),
      ]),
    ]);
  const header = ftyp.length + moov(0).length + 8;
  using file = await Deno.open(output, { write: true, create: true, truncate: true });
  for (const part of [ftyp, moov(header), fields([4, 8 + bytes]), ascii("mdat"), ...data]) {
    for (let at = 0; at < part.length;) at += await file.write(part.subarray(at));
  }
}

const MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

/** The `mp4a` sample entry with the bit rates of its `esds` decoder config and its `btrt` box set to `bitrate`. */
function withBitrate(entry: Uint8Array, bitrate: number): Uint8Array {
  const out = entry.slice();
  const view = new DataView(out.buffer);
  // The entry's 28 bytes of fields after its header, then its boxes.
  for (let at = 36; at + 8 <= out.length;) {
    const size = view.getUint32(at);
    const type = String.fromCharCode(...out.subarray(at + 4, at + 8));
    if (size < 8) break;
    if (type === "btrt") {
      view.setUint32(at + 12, bitrate);
      view.setUint32(at + 16, bitrate);
    }
    if (type === "esds") {
      const config = decoderConfigBitrates(out, at + 12);
      if (config !== null) {
        view.setUint32(config, bitrate);
        view.setUint32(config + 4, bitrate);
      }
    }
    at += size;
  }
  return out;
}

/** Where the decoder config's maximum bit rate lies in an ES descriptor starting at `at`, or null. */
function decoderConfigBitrates(bytes: Uint8Array, at: number): number | null {
  const skipLength = (from: number) => {
    let next = from;
    while (bytes[next]! & 0x80) next++;
    return next + 1;
  };
  if (bytes[at] !== 3) return null;
  let next = skipLength(at + 1) + 2;
  const flags = bytes[next++]!;
  if (flags & 0x80) next += 2;
  if (flags & 0x40) next += 1 + bytes[next]!;
  if (flags & 0x20) next += 2;
  if (bytes[next] !== 4) return null;
  // Object type, stream type and buffer size come before the bit rates.
  return skipLength(next + 1) + 1 + 1 + 3;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
