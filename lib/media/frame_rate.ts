/**
 * Frame rates as ffmpeg takes them exactly: the NTSC rates people write to three decimals (23.976, 29.97, 59.94)
 * are the fractions they stand for (24000/1001…), which players and editors take for those rates.
 * @module
 */

/** The numerator over 1001 of the NTSC rate `fps` is written for (30000 for 29.97), or null for another rate. */
function ntsc(fps: number): number | null {
  const whole = Math.round(fps * 1.001);
  return !Number.isInteger(fps) && Math.abs(fps - (whole * 1000) / 1001) < 0.0015 ? whole * 1000 : null;
}

/**
 * A frame rate as ffmpeg takes it exactly: the NTSC rates written to three decimals (23.976, 29.97, 59.94) as the
 * fractions they stand for (before, 23.976 was 2997/125, which players and editors do not take for film's rate).
 *
 * @param fps The rate.
 * @returns `24000/1001`, or the rate as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameRate } from "./frame_rate.ts";
 * assert.equal(frameRate(23.976), "24000/1001");
 * assert.equal(frameRate(29.97), "30000/1001");
 * assert.equal(frameRate(25), "25");
 * assert.equal(frameRate(12.5), "12.5");
 * ```
 */
export function frameRate(fps: number): string {
  const numerator = ntsc(fps);
  return numerator === null ? `${fps}` : `${numerator}/1001`;
}

/**
 * A frame rate as a number that ffmpeg reads back exactly: an NTSC rate written to three decimals as the fraction
 * it stands for (29.97 as 30000/1001, 29.970029…), any other as it is. For filters that take the rate as a number
 * (`fps=`, `r=`), whose output ffmpeg then writes as `30000/1001` (before, a montage at 29.97 was 2997/100).
 *
 * @param fps The rate written.
 * @returns The rate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactFps } from "./frame_rate.ts";
 * assert.equal(exactFps(29.97), 30000 / 1001);
 * assert.equal(exactFps(25), 25);
 * ```
 */
export function exactFps(fps: number): number {
  const numerator = ntsc(fps);
  return numerator === null ? fps : numerator / 1001;
}
