/**
 * Video made of stills without encoding their frames: each still is encoded once as an IDR picture, then shown
 * for as many frames as it lasts by repeating that IDR every GOP (so the video stays seekable) and filling the
 * frames between with skipped pictures, which copy the picture before. The result is one H.264 stream at a
 * constant frame rate: as Annex-B chunks ({@linkcode pictureStream}) or as MP4 samples, a frame at a time
 * ({@linkcode pictureSamples}, which `mp4_mux.ts` writes).
 * @module
 */
import { concatBytes } from "../../core/concat_bytes.ts";
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
  /** The first SPS and PPS as they are written. */
  parameterSets: Uint8Array[];
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
  return readPictures(stream, { idrOnly: true });
}

/**
 * Reads every picture of an encoder's stream (each with the parameter sets before it), for clips that are played
 * as they were encoded. Their parameter sets must be the stills' (see {@linkcode sameParameters}).
 *
 * @param stream An Annex-B stream of CAVLC pictures, one slice each.
 * @param options `idrOnly`: keep only the IDR pictures.
 * @returns The pictures and the parameter sets.
 * @throws {RangeError} When the stream has no SPS or PPS, or its parameters do not allow skipped pictures.
 *
 * @example
 * ```ts
 * import { readPictures } from "./still_stream.ts";
 * // const clip = readPictures(await Deno.readFile("clip.h264"));
 * ```
 */
export function readPictures(stream: Uint8Array, options: { idrOnly?: boolean } = {}): EncodedStills {
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
    const picture = unit.type === NAL.idr || (!options.idrOnly && unit.type === NAL.slice);
    if (!picture) continue;
    stills.push({ units: [...pending, unit].map((nal) => nal.bytes) });
    pending = [];
  }
  const params = { sps: parseSps(sps), pps: parsePps(pps) };
  skipFrame(params, 1); // throws now, not mid-stream, when the parameters do not allow skipped pictures
  return { stills, params, parameterSets: [sps.bytes, pps.bytes] };
}

/**
 * Whether two streams' pictures can follow each other: their SPS and PPS are the same bytes.
 *
 * @param a One stream.
 * @param b The other.
 * @returns True when they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameParameters } from "./still_stream.ts";
 * const stream = { stills: [], params: {} as never, parameterSets: [Uint8Array.of(0x67, 1), Uint8Array.of(0x68, 2)] };
 * assert.ok(sameParameters(stream, stream));
 * ```
 */
export function sameParameters(a: EncodedStills, b: EncodedStills): boolean {
  return a.parameterSets.length === b.parameterSets.length &&
    a.parameterSets.every((unit, i) => equalBytes(unit, b.parameterSets[i]!));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
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
  const { frames } = options;
  if (frames.length !== stills.stills.length) {
    throw new RangeError(`Expected frame counts for ${stills.stills.length} stills, got ${frames.length}`);
  }
  return pictureStream(stills, null, {
    ...options,
    pieces: frames.map((count, still) => ({ still, frames: count })),
  });
}

/** A run of frames: a still shown for `frames` frames, or a clip's pictures played (`frames` of them). */
export type StreamPiece = { still: number; frames: number } | { clip: number; frames: number };

/**
 * Writes the stream of stills and clips in a given order: each still shown for its frames (IDR, then skipped
 * pictures, the IDR again every GOP), each clip's pictures as they were encoded. The arguments are checked at once.
 *
 * @param stills The encoded stills.
 * @param clips Each clip's pictures (parameter sets equal to the stills'), or null when there are none.
 * @param options The pieces in order, the GOP, the size of the chunks yielded.
 * @returns The stream's bytes, in chunks to write in order.
 * @throws {RangeError} When a piece names a still or clip that is not there, a clip's frames are not its pictures,
 *   a count or the GOP is below 1, or a clip was encoded with other parameters than the stills.
 *
 * @example
 * ```ts
 * import { pictureStream } from "./still_stream.ts";
 * // pictureStream(stills, [clip], { pieces: [{ still: 0, frames: 25 }, { clip: 0, frames: 10 }, { still: 1, frames: 25 }], gop: 60 });
 * ```
 */
export function pictureStream(
  stills: EncodedStills,
  clips: readonly EncodedStills[] | null,
  options: { pieces: readonly StreamPiece[]; gop: number; chunkBytes?: number },
): Generator<Uint8Array> {
  const { pieces, gop, chunkBytes = 1 << 20 } = options;
  checkPieces(stills, clips, pieces, gop);
  return chunks(framePictures(stills, clips ?? [], { pieces, gop }, withStartCode), chunkBytes);
}

/** One frame of a stream, as an MP4 sample: its NAL units, each after its length; whether it is an IDR picture. */
export interface PictureSample {
  bytes: Uint8Array;
  sync: boolean;
}

/**
 * The same pictures as {@linkcode pictureStream}, one frame at a time, each NAL unit after its 4-byte length (as an
 * MP4 `avc1` track holds them). Pictures that repeat (a still's IDR, the skipped picture at a GOP position) are the
 * same array each time. The arguments are checked at once.
 *
 * @param stills The encoded stills.
 * @param clips Each clip's pictures (parameter sets equal to the stills'), or null when there are none.
 * @param options The pieces in order and the GOP.
 * @returns Each frame's sample, in order.
 * @throws {RangeError} As {@linkcode pictureStream} does.
 *
 * @example
 * ```ts
 * import { pictureSamples } from "./still_stream.ts";
 * // for (const { bytes, sync } of pictureSamples(stills, null, { pieces: [{ still: 0, frames: 90 }], gop: 60 })) ...
 * ```
 */
export function pictureSamples(
  stills: EncodedStills,
  clips: readonly EncodedStills[] | null,
  options: { pieces: readonly StreamPiece[]; gop: number },
): Generator<PictureSample> {
  checkPieces(stills, clips, options.pieces, options.gop);
  return framePictures(stills, clips ?? [], options, withLength);
}

function checkPieces(
  stills: EncodedStills,
  clips: readonly EncodedStills[] | null,
  pieces: readonly StreamPiece[],
  gop: number,
): void {
  if (
    !Number.isInteger(gop) || gop < 1 ||
    pieces.some((piece) => !Number.isInteger(piece.frames) || piece.frames < 1)
  ) {
    throw new RangeError("Frame counts and the GOP must be whole numbers of at least 1");
  }
  for (const piece of pieces) {
    if ("still" in piece && stills.stills[piece.still] === undefined) {
      throw new RangeError(`No still ${piece.still} among ${stills.stills.length}`);
    }
    if ("clip" in piece) {
      const clip = clips?.[piece.clip];
      if (clip === undefined) throw new RangeError(`No clip ${piece.clip}`);
      if (clip.stills.length !== piece.frames) {
        throw new RangeError(
          `Clip ${piece.clip} has ${clip.stills.length} pictures, expected ${piece.frames}`,
        );
      }
      if (!sameParameters(stills, clip)) {
        throw new RangeError(`Clip ${piece.clip} was encoded with other parameters than the stills`);
      }
    }
  }
}

/** Each frame's picture, its NAL units framed by `frame`: a still's IDR, a skipped picture, a clip's picture. */
function* framePictures(
  stills: EncodedStills,
  clips: readonly EncodedStills[],
  options: { pieces: readonly StreamPiece[]; gop: number },
  frame: (units: readonly Uint8Array[]) => Uint8Array,
): Generator<PictureSample> {
  const { pieces, gop } = options;
  // One skipped picture per position in a GOP is enough: every GOP repeats them.
  const skips = Array.from(
    { length: gop },
    (_, position) => position === 0 ? null : frame([skipFrame(stills.params, position)]),
  );
  const idrs = new Map<number, Uint8Array>();
  for (const piece of pieces) {
    for (let at = 0; at < piece.frames; at++) {
      if ("clip" in piece) {
        const units = clips[piece.clip]!.stills[at]!.units;
        yield { bytes: frame(units), sync: units.some((unit) => (unit[0]! & 0x1f) === NAL.idr) };
        continue;
      }
      const position = at % gop;
      if (position !== 0) {
        yield { bytes: skips[position]!, sync: false };
        continue;
      }
      let idr = idrs.get(piece.still);
      if (idr === undefined) idrs.set(piece.still, idr = frame(stills.stills[piece.still]!.units));
      yield { bytes: idr, sync: true };
    }
  }
}

/** The pictures' bytes in chunks of at least `chunkBytes` (the last may be smaller). */
function* chunks(pictures: Iterable<PictureSample>, chunkBytes: number): Generator<Uint8Array> {
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for (const { bytes } of pictures) {
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes < chunkBytes) continue;
    yield concatBytes(pending, pendingBytes);
    pending.length = 0;
    pendingBytes = 0;
  }
  if (pendingBytes > 0) yield concatBytes(pending, pendingBytes);
}

/** An access unit's bytes as an MP4 sample: each NAL unit after its length in 4 bytes. */
function withLength(units: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(units.reduce((sum, unit) => sum + 4 + unit.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const unit of units) {
    view.setUint32(offset, unit.length);
    out.set(unit, offset + 4);
    offset += 4 + unit.length;
  }
  return out;
}

/** An access unit's bytes: each NAL unit after a start code. */
function withStartCode(units: readonly Uint8Array[]): Uint8Array {
  return concatBytes(units.flatMap((unit) => [START_CODE, unit]));
}
