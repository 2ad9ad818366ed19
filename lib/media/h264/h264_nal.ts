/**
 * H.264 Annex-B byte streams: NAL units split at their start codes, and the fields of the sequence and picture
 * parameter sets that slices written by hand must agree with.
 * @module
 */
import { BitReader, unescapeRbsp } from "./_bits.ts";

/** NAL unit types reel reads or writes. */
export const NAL = { slice: 1, idr: 5, sei: 6, sps: 7, pps: 8, aud: 9 } as const;

/** One NAL unit: its header byte's fields and its bytes (header included, start code not). */
export interface NalUnit {
  type: number;
  refIdc: number;
  bytes: Uint8Array;
}

/**
 * Splits an Annex-B byte stream at its start codes (`00 00 01` or `00 00 00 01`).
 *
 * @param stream The byte stream.
 * @returns Its NAL units, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitNalUnits } from "./h264_nal.ts";
 * const units = splitNalUnits(new Uint8Array([0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3]));
 * assert.deepEqual(units.map((unit) => unit.type), [7, 8]);
 * ```
 */
export function splitNalUnits(stream: Uint8Array): NalUnit[] {
  const starts: { at: number; length: number }[] = [];
  for (let i = 0; i + 2 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      const long = i > 0 && stream[i - 1] === 0;
      starts.push({ at: long ? i - 1 : i, length: long ? 4 : 3 });
      i += 2;
    }
  }
  return starts.map((start, n) => {
    const end = starts[n + 1]?.at ?? stream.length;
    const bytes = stream.subarray(start.at + start.length, end);
    return { type: bytes[0]! & 0x1f, refIdc: (bytes[0]! >> 5) & 3, bytes };
  });
}

/** What a slice written by hand must agree with in the sequence parameter set. */
export interface SequenceParams {
  id: number;
  log2MaxFrameNum: number;
  pocType: number;
  /** Bits of `pic_order_cnt_lsb` (POC type 0), else 0. */
  log2MaxPocLsb: number;
  maxRefFrames: number;
  widthInMbs: number;
  heightInMbs: number;
  /** The picture's width in pixels: the macroblocks' less the frame cropping. */
  width: number;
  /** The picture's height in pixels: the macroblocks' less the frame cropping. */
  height: number;
}

/** What a slice written by hand must agree with in the picture parameter set. */
export interface PictureParams {
  id: number;
  spsId: number;
  cabac: boolean;
  bottomFieldPocPresent: boolean;
  weightedPred: boolean;
  deblockingControl: boolean;
  redundantPicCnt: boolean;
}

/**
 * Reads the fields of a sequence parameter set that slices depend on (frame-only streams; POC types 0 and 2).
 *
 * @param unit An SPS NAL unit.
 * @returns Its fields.
 * @throws {RangeError} For streams reel does not write slices for (fields, scaling matrices, POC type 1).
 */
export function parseSps(unit: NalUnit): SequenceParams {
  const r = new BitReader(unescapeRbsp(unit.bytes.subarray(1)));
  const profile = r.u(8);
  r.u(16); // constraint flags, reserved bits, level
  const id = r.ue();
  let chromaFormat = 1;
  let separatePlanes = 0;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
    chromaFormat = r.ue();
    if (chromaFormat === 3) separatePlanes = r.u(1);
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.u(1); // qpprime_y_zero_transform_bypass_flag
    if (r.u(1) === 1) throw new RangeError("H.264 streams with scaling matrices are not supported");
  }
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  let log2MaxPocLsb = 0;
  if (pocType === 0) log2MaxPocLsb = r.ue() + 4;
  else if (pocType === 1) throw new RangeError("H.264 streams with POC type 1 are not supported");
  const maxRefFrames = r.ue();
  r.u(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.ue() + 1;
  const heightInMbs = r.ue() + 1;
  if (r.u(1) !== 1) throw new RangeError("Interlaced H.264 streams are not supported");
  r.u(1); // direct_8x8_inference_flag
  // Cropping counts in chroma samples: two luma samples each way for 4:2:0, two across for 4:2:2 (frames only).
  const chroma = separatePlanes === 1 ? 0 : chromaFormat;
  const [cropX, cropY] = chroma === 1 ? [2, 2] : chroma === 2 ? [2, 1] : [1, 1];
  const crop = r.u(1) === 1 ? [r.ue(), r.ue(), r.ue(), r.ue()] : [0, 0, 0, 0];
  const width = widthInMbs * 16 - cropX * (crop[0]! + crop[1]!);
  const height = heightInMbs * 16 - cropY * (crop[2]! + crop[3]!);
  return {
    id,
    log2MaxFrameNum,
    pocType,
    log2MaxPocLsb,
    maxRefFrames,
    widthInMbs,
    heightInMbs,
    width,
    height,
  };
}

/**
 * Reads the fields of a picture parameter set that slices depend on.
 *
 * @param unit A PPS NAL unit.
 * @returns Its fields.
 * @throws {RangeError} For slice groups (FMO), which reel does not write slices for.
 */
export function parsePps(unit: NalUnit): PictureParams {
  const r = new BitReader(unescapeRbsp(unit.bytes.subarray(1)));
  const id = r.ue();
  const spsId = r.ue();
  const cabac = r.u(1) === 1;
  const bottomFieldPocPresent = r.u(1) === 1;
  if (r.ue() !== 0) throw new RangeError("H.264 streams with slice groups are not supported");
  r.ue(); // num_ref_idx_l0_default_active_minus1
  r.ue(); // num_ref_idx_l1_default_active_minus1
  const weightedPred = r.u(1) === 1;
  r.u(2); // weighted_bipred_idc
  r.se(); // pic_init_qp_minus26
  r.se(); // pic_init_qs_minus26
  r.se(); // chroma_qp_index_offset
  const deblockingControl = r.u(1) === 1;
  r.u(1); // constrained_intra_pred_flag
  const redundantPicCnt = r.u(1) === 1;
  return { id, spsId, cabac, bottomFieldPocPresent, weightedPred, deblockingControl, redundantPicCnt };
}
