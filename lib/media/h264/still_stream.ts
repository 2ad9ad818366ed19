/**
 * Video made of stills without encoding their frames: each still is encoded once as an IDR picture, then shown
 * for as many frames as it lasts by repeating that IDR every GOP (so the video stays seekable) and filling the
 * frames between with skipped pictures, which copy the picture before. The result is one H.264 Annex-B stream at
 * a constant frame rate, ready to be muxed by stream copy.
 * @module
 */
import {
  NAL,
  type NalUnit,
  parsePps,
  parseSps,
  type PictureParams,
  type SequenceParams,
  splitNalUnits,
} from "./h264_nal.ts";
import { skipFrame } from "./skip_frame.ts";

/** A still, encoded: the NAL units of its IDR access unit (parameter sets, then the IDR slice). */
export interface EncodedStill {
  units: Uint8Array[];
}

/** Stills and the parameter sets their slices agree with. */
export interface EncodedStills {
  stills: EncodedStill[];
  params: { sps: SequenceParams; pps: PictureParams };
}

const START_CODE = Uint8Array.from([0, 0, 0, 1]);

/**
 * Reads the stills out of an encoder's stream: every IDR access unit, in order, with the parameter sets before it
 * (other pictures, such as the P picture that made the encoder allow one reference frame, are dropped).
 *
 * @param stream An Annex-B stream of CAVLC pictures, an IDR for each still.
 * @returns The stills and the parameter sets.
 * @throws {RangeError} When the stream has no SPS or PPS, or its parameters do not allow skipped pictures.
 *
 * @example
 * ```ts
 * import { readStills } from "./still_stream.ts";
 * // const { stills } = readStills(await Deno.readFile("stills.h264"));
 * ```
 */
export function readStills(stream: Uint8Array): EncodedStills {
  const units = splitNalUnits(stream);
  const sps = units.find((unit) => unit.type === NAL.sps);
  const pps = units.find((unit) => unit.type === NAL.pps);
  if (sps === undefined || pps === undefined) {
    throw new RangeError("An H.264 stream of stills needs an SPS and a PPS");
  }
  const stills: EncodedStill[] = [];
  let pending: NalUnit[] = [];
  for (const unit of units) {
    if (unit.type === NAL.sps || unit.type === NAL.pps) pending.push(unit);
    if (unit.type !== NAL.idr) continue;
    stills.push({ units: [...pending, unit].map((nal) => nal.bytes) });
    pending = [];
  }
  const params = { sps: parseSps(sps), pps: parsePps(pps) };
  skipFrame(params, 1); // throws now, not mid-stream, when the parameters do not allow skipped pictures
  return { stills, params };
}

/**
 * Writes the stream of a sequence of stills, each shown for a number of frames, as the chunks of a generator (made
 * as they are read, so a long video never sits whole in memory). The arguments are checked at once.
 *
 * @param stills The encoded stills.
 * @param options How many frames each still lasts; the GOP, an IDR at least every `gop` frames; the size of the
 * chunks yielded (each is at least this big, but the last).
 * @returns The stream's bytes (start codes included), in chunks to write in order.
 * @throws {RangeError} When the frame counts do not match the stills, or a count or the GOP is below 1.
 *
 * @example
 * ```ts
 * import { stillStream } from "./still_stream.ts";
 * // for (const chunk of stillStream(readStills(bytes), { frames: [90, 45], gop: 60 })) await writer.write(chunk);
 * ```
 */
export function stillStream(
  stills: EncodedStills,
  options: { frames: readonly number[]; gop: number; chunkBytes?: number },
): Generator<Uint8Array> {
  const { frames, gop, chunkBytes = 1 << 20 } = options;
  if (frames.length !== stills.stills.length) {
    throw new RangeError(`Expected frame counts for ${stills.stills.length} stills, got ${frames.length}`);
  }
  if (!Number.isInteger(gop) || gop < 1 || frames.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new RangeError("Frame counts and the GOP must be whole numbers of at least 1");
  }
  return chunks(stills, frames, gop, chunkBytes);
}

function* chunks(
  stills: EncodedStills,
  frames: readonly number[],
  gop: number,
  chunkBytes: number,
): Generator<Uint8Array> {
  // One skipped picture per position in a GOP is enough: every GOP repeats them.
  const skips = Array.from(
    { length: gop },
    (_, position) => position === 0 ? null : withStartCode([skipFrame(stills.params, position)]),
  );
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for (const [i, still] of stills.stills.entries()) {
    const idr = withStartCode(still.units);
    for (let frame = 0; frame < frames[i]!; frame++) {
      const position = frame % gop;
      const picture = position === 0 ? idr : skips[position]!;
      pending.push(picture);
      pendingBytes += picture.length;
      if (pendingBytes < chunkBytes) continue;
      yield concat(pending, pendingBytes);
      pending.length = 0;
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) yield concat(pending, pendingBytes);
}

/** An access unit's bytes: each NAL unit after a start code. */
function withStartCode(units: readonly Uint8Array[]): Uint8Array {
  return concat(units.flatMap((unit) => [START_CODE, unit]));
}

function concat(
  parts: readonly Uint8Array[],
  length = parts.reduce((sum, part) => sum + part.length, 0),
): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
