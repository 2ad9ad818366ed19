/**
 * The picture timeline of one format of a video, as the stills, clips and video steps read it from their params
 * and inputs: the parts (`title`, `section`, `end`), their moves, the narration's frames and the sections' cues.
 * @module
 */
import type { Json } from "../../../core/json.ts";
import { frameTimeline } from "../../../media/frame_timeline.ts";
import { numberField, numbersField } from "../../../steps/task_fields.ts";
import { cuesOf } from "./cues_step.ts";
import type { CaptionWindow } from "../_timeline_captions.ts";
import { type PictureTimeline, pictureTimeline, type TimelinePart, type View } from "../picture_timeline.ts";

/** The params the three steps share. */
export interface TimelineParams {
  fps: number;
  /** Each part's kind, in order. */
  parts: ("title" | "section" | "end")[];
  /** Each part's Ken Burns move, or null. */
  motion: ({ from: View; to: View } | null)[];
  /** A transition's frames (0 for cuts). */
  transition: number;
  /** True when the sections' cues are burned in (the steps then take each section's cues as inputs). */
  burn: boolean;
}

/** A video's frames as its narration lays them: each section's, and the title and end cards' (0 for none). */
export interface NarrationFrames {
  fps: number;
  frames: number[];
  lead: number;
  tail: number;
}

/**
 * The frames of a video's narration: each section's speech on whole frames at `fps`, and the title and end cards'
 * frames from their seconds. The narration step's value holds them (with the track's length), and the clips make
 * them from the same speech: what moves reads the speech's lengths, not the narration's sound (its music, its
 * loudness), which re-encoded every clip when it changed.
 *
 * @param durations Each section's speech, in seconds, in order.
 * @param cards The frame rate and the title and end cards' seconds (0 for none).
 * @returns The frames.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { narrationFrames } from "./_lesson_timeline.ts";
 * const frames = narrationFrames([1, 0.51], { fps: 30, lead: 2, tail: 0 });
 * assert.deepEqual(frames, { fps: 30, frames: [30, 16], lead: 60, tail: 0 });
 * ```
 */
export function narrationFrames(
  durations: readonly number[],
  cards: { fps: number; lead: number; tail: number },
): NarrationFrames {
  const { fps } = cards;
  return {
    fps,
    frames: frameTimeline(durations, fps).frames,
    lead: Math.round(cards.lead * fps),
    tail: Math.round(cards.tail * fps),
  };
}

/**
 * Reads the frames from a narration step's value (`{ duration, fps, frames, lead, tail }`).
 *
 * @param value The value.
 * @returns Its frames.
 * @throws {TypeError} When the value has no such fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { narrationFramesOf } from "./_lesson_timeline.ts";
 * const value = { duration: 1, fps: 10, frames: [10], lead: 0, tail: 0 };
 * assert.deepEqual(narrationFramesOf(value), { fps: 10, frames: [10], lead: 0, tail: 0 });
 * ```
 */
export function narrationFramesOf(value: Json): NarrationFrames {
  return {
    fps: numberField(value, "fps"),
    frames: numbersField(value, "frames"),
    lead: numberField(value, "lead"),
    tail: numberField(value, "tail"),
  };
}

/**
 * Reads a `cues` step's value as caption windows.
 *
 * @param value The value, `{ cues: [{ start, end, lines }] }`.
 * @returns The cues.
 * @throws {TypeError} When the value has no such cues.
 */
export function cueWindows(value: Json): CaptionWindow[] {
  return cuesOf(value).map(({ start, end, lines }) => ({ start, end, text: lines.join("\n") }));
}

/**
 * The timeline parts: each part's move and, for sections when captions are burned, its cues.
 *
 * @param params The shared params.
 * @param cues Each section's cues step value, in order (empty when not burned).
 * @returns The parts.
 */
export function timelineParts(params: TimelineParams, cues: readonly Json[]): TimelinePart[] {
  let section = 0;
  return params.parts.map((kind, p) => ({
    motion: params.motion[p] ?? null,
    cues: kind === "section" && params.burn ? cueWindows(cues[section++]!) : [],
  }));
}

/**
 * The timeline, from the shared params, the narration's value and the sections' cues.
 *
 * @param params The shared params.
 * @param narration The video's frames: the narration step's value (see {@linkcode narrationFramesOf}), or the same
 *   frames made from the speech (see {@linkcode narrationFrames}).
 * @param cues Each section's cues step value (empty when not burned).
 * @returns The timeline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lessonTimeline } from "./_lesson_timeline.ts";
 * const params = { fps: 10, parts: ["title" as const, "section" as const], motion: [null, null], transition: 0, burn: false };
 * const timeline = lessonTimeline(params, { fps: 10, frames: [20], lead: 10, tail: 0 }, []);
 * assert.deepEqual(timeline.pieces, [{ still: 0, frames: 10 }, { still: 1, frames: 20 }]);
 * ```
 */
export function lessonTimeline(
  params: TimelineParams,
  narration: NarrationFrames,
  cues: readonly Json[],
): PictureTimeline {
  const { frames: sections, lead, tail } = narration;
  const frames = params.parts.flatMap((kind) => kind === "title" ? [lead] : kind === "end" ? [tail] : []);
  let section = 0;
  const counts = params.parts.map((kind) =>
    kind === "title" ? frames[0]! : kind === "end" ? frames.at(-1)! : sections[section++]!
  );
  if (section !== sections.length) {
    throw new TypeError(`The narration has ${sections.length} sections, the video ${section}`);
  }
  return pictureTimeline(timelineParts(params, cues), {
    frames: counts,
    fps: params.fps,
    transition: params.transition,
  });
}
