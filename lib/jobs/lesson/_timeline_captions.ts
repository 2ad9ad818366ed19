/**
 * Burned captions on the picture timeline: which cue a still shows at each frame of its part, and the cues a clip
 * must draw.
 * @module
 */

/** A cue as it is burned: its text (lines joined by `\n`) and its times in seconds. */
export interface CaptionWindow {
  start: number;
  end: number;
  text: string;
}

/** The frame a time falls on: the nearest frame's start (a cue begins or ends on the frame nearest its time). */
function frameAt(seconds: number, fps: number): number {
  return Math.round(seconds * fps);
}

/**
 * Splits a part's frames `[from, to)` into runs that show the plain slide (`cue: null`) or one cue's copy.
 *
 * @param cues The part's cues, times from its start, in order, never overlapping.
 * @param range The frames per second and the frames to cover, from the part's start.
 * @returns The runs, in order, covering the range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stillRuns } from "./_timeline_captions.ts";
 * assert.deepEqual(stillRuns([{ start: 0.5, end: 1, text: "Hi" }], { fps: 10, from: 0, to: 20 }), [
 *   { cue: null, frames: 5 },
 *   { cue: 0, frames: 5 },
 *   { cue: null, frames: 10 },
 * ]);
 * ```
 */
export function stillRuns(
  cues: readonly CaptionWindow[],
  range: { fps: number; from: number; to: number },
): { cue: number | null; frames: number }[] {
  const runs: { cue: number | null; frames: number }[] = [];
  let at = range.from;
  const add = (cue: number | null, until: number) => {
    const end = Math.min(until, range.to);
    if (end > at) runs.push({ cue, frames: end - at });
    at = Math.max(at, end);
  };
  for (const [i, cue] of cues.entries()) {
    add(null, frameAt(cue.start, range.fps));
    add(i, frameAt(cue.end, range.fps));
  }
  add(null, range.to);
  return runs;
}

/**
 * The cues that show during a stretch of the video, with times from the stretch's first frame.
 *
 * @param parts Every part's cues (times from the part's start).
 * @param stretch Every part's frames, the frames per second, and the stretch (first frame, frame count).
 * @returns The cues that overlap the stretch, clipped to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partCaptions } from "./_timeline_captions.ts";
 * const parts = [{ cues: [] }, { cues: [{ start: 0, end: 1, text: "Hi" }] }];
 * assert.deepEqual(partCaptions(parts, { frames: [10, 10], fps: 10, from: 5, count: 10 }), [
 *   { start: 0.5, end: 1, text: "Hi" },
 * ]);
 * ```
 */
export function partCaptions(
  parts: readonly { cues: readonly CaptionWindow[] }[],
  stretch: { frames: readonly number[]; fps: number; from: number; count: number },
): CaptionWindow[] {
  const { frames, fps, from, count } = stretch;
  const out: CaptionWindow[] = [];
  let partStart = 0;
  for (const [p, part] of parts.entries()) {
    for (const cue of part.cues) {
      const start = Math.max(frameAt(cue.start, fps) + partStart, from);
      const end = Math.min(frameAt(cue.end, fps) + partStart, from + count);
      if (end > start) out.push({ start: (start - from) / fps, end: (end - from) / fps, text: cue.text });
    }
    partStart += frames[p]!;
  }
  return out;
}
