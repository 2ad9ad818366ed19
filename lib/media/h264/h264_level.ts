/**
 * H.264 levels: the lowest one whose limits on frame size and macroblock rate a picture size and frame rate fit,
 * so players that check the level (phones, social platforms) accept the stream.
 * @module
 */

/** [level × 10, max frame size in macroblocks, max macroblocks per second] (ITU-T H.264 table A-1). */
const LEVELS: readonly [number, number, number][] = [
  [30, 1620, 40_500],
  [31, 3600, 108_000],
  [32, 5120, 216_000],
  [40, 8192, 245_760],
  [41, 8192, 245_760],
  [42, 8704, 522_240],
  [50, 22_080, 589_824],
  [51, 36_864, 983_040],
  [52, 36_864, 2_073_600],
  [60, 139_264, 4_177_920],
  [61, 139_264, 8_355_840],
  [62, 139_264, 16_711_680],
];

/**
 * The lowest level (3.0 and up) a picture size and frame rate fit.
 *
 * @param size Width and height in pixels, and frames per second.
 * @returns The level as x264 takes it, e.g. `4.0`.
 * @throws {RangeError} When no level fits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { h264Level } from "./h264_level.ts";
 * assert.equal(h264Level({ width: 1920, height: 1080, fps: 30 }), "4.0");
 * assert.equal(h264Level({ width: 1080, height: 1920, fps: 60 }), "4.2");
 * ```
 */
export function h264Level(size: { width: number; height: number; fps: number }): string {
  const macroblocks = Math.ceil(size.width / 16) * Math.ceil(size.height / 16);
  const found = LEVELS.find(([, frame, rate]) => macroblocks <= frame && macroblocks * size.fps <= rate);
  if (found === undefined) {
    throw new RangeError(`No H.264 level fits ${size.width}x${size.height} at ${size.fps} fps`);
  }
  return (found[0] / 10).toFixed(1);
}
