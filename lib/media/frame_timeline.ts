/**
 * Where parts of a constant-frame-rate video start and end: each part lasts a whole number of frames, and its
 * audio is padded to the sample where its last frame ends, so pictures and sound change together at every join
 * and never drift apart however many parts there are.
 * @module
 */

/** Parts laid end to end on whole frames. */
export interface FrameTimeline {
  /** Frames per second. */
  fps: number;
  /** How many frames each part lasts (at least 1). */
  frames: number[];
  /** The frame each part starts at. */
  starts: number[];
  /** All frames. */
  total: number;
}

/**
 * Lays parts end to end, each rounded up to whole frames (a part never cuts its own sound short).
 *
 * @param durations Each part's length in seconds.
 * @param fps Frames per second, a whole number.
 * @returns The timeline.
 * @throws {RangeError} When `fps` is not a positive whole number or a duration is negative or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameTimeline } from "./frame_timeline.ts";
 * assert.deepEqual(frameTimeline([1, 0.51], 30), { fps: 30, frames: [30, 16], starts: [0, 30], total: 46 });
 * ```
 */
export function frameTimeline(durations: readonly number[], fps: number): FrameTimeline {
  if (!Number.isInteger(fps) || fps < 1) {
    throw new RangeError(`A frame rate must be a whole number, got ${fps}`);
  }
  const frames = durations.map((seconds) => {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`A part cannot last ${seconds} s`);
    // The tolerance keeps a part of exactly N frames (as floating point writes it) at N.
    return Math.max(1, Math.ceil(seconds * fps - 1e-6));
  });
  const starts: number[] = [];
  let total = 0;
  for (const count of frames) {
    starts.push(total);
    total += count;
  }
  return { fps, frames, starts, total };
}

/**
 * The audio sample where a frame starts, at a sample rate: rounded from the exact time, so that sums of parts
 * never drift even when the rate is not a multiple of the frame rate.
 *
 * @param frame A frame number (the total for the end of the last part).
 * @param fps Frames per second.
 * @param sampleRate Samples per second.
 * @returns The sample number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleAtFrame } from "./frame_timeline.ts";
 * assert.equal(sampleAtFrame(30, 30, 48_000), 48_000);
 * assert.equal(sampleAtFrame(1, 29, 48_000), 1655);
 * ```
 */
export function sampleAtFrame(frame: number, fps: number, sampleRate: number): number {
  return Math.round((frame * sampleRate) / fps);
}
