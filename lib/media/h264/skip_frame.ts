/**
 * A picture identical to the one before it, written by hand: one P slice whose every macroblock is skipped (CAVLC
 * `mb_skip_run` over the whole picture). A still shown for N frames then costs one encoded picture and N − 1 of
 * these, a dozen bytes each, instead of N encoded pictures.
 * @module
 */
import { BitWriter, escapeRbsp } from "./_bits.ts";
import { NAL, type PictureParams, type SequenceParams } from "./h264_nal.ts";

/**
 * Writes the NAL unit of a skipped P picture.
 *
 * @param params The stream's SPS and PPS fields (CAVLC, no weighted prediction).
 * @param position The picture's place after the last IDR (1 for the first picture after it).
 * @returns The NAL unit's bytes (header included, no start code).
 * @throws {RangeError} When the PPS uses CABAC or weighted prediction, or the SPS allows no reference frame.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skipFrame } from "./skip_frame.ts";
 * const sps = { id: 0, log2MaxFrameNum: 4, pocType: 2, log2MaxPocLsb: 0, maxRefFrames: 1, widthInMbs: 20, heightInMbs: 12, width: 320, height: 180 };
 * const pps = { id: 0, spsId: 0, cabac: false, bottomFieldPocPresent: false, weightedPred: false, deblockingControl: true, redundantPicCnt: false };
 * assert.equal(skipFrame({ sps, pps }, 1)[0]! & 0x1f, 1);
 * ```
 */
export function skipFrame(params: { sps: SequenceParams; pps: PictureParams }, position: number): Uint8Array {
  const { sps, pps } = params;
  if (pps.cabac || pps.weightedPred || sps.maxRefFrames < 1) {
    throw new RangeError("Skipped pictures need CAVLC, no weighted prediction and one reference frame");
  }
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(5); // slice_type: P, and every slice of the picture is P
  w.ue(pps.id);
  w.u(sps.log2MaxFrameNum, position % 2 ** sps.log2MaxFrameNum); // frame_num: each picture is a reference
  if (sps.pocType === 0) {
    w.u(sps.log2MaxPocLsb, (2 * position) % 2 ** sps.log2MaxPocLsb);
    if (pps.bottomFieldPocPresent) w.se(0);
  }
  if (pps.redundantPicCnt) w.ue(0);
  w.u(1, 0); // num_ref_idx_active_override_flag
  w.u(1, 0); // ref_pic_list_modification_flag_l0
  w.u(1, 0); // adaptive_ref_pic_marking_mode_flag: the sliding window
  w.se(0); // slice_qp_delta
  if (pps.deblockingControl) w.ue(1); // disable_deblocking_filter_idc: nothing to filter in a copy
  w.ue(sps.widthInMbs * sps.heightInMbs); // mb_skip_run: the whole picture
  const header = 0x20 | NAL.slice; // nal_ref_idc 1, a non-IDR slice
  return Uint8Array.from([header, ...escapeRbsp(w.finish())]);
}
