/**
 * What a lesson video shows, frame by frame, in one format: its parts (title card, sections, end card) laid end to
 * end on the narration's frames; the pictures the stills step encodes once each (every part's slide, and with
 * burned captions a copy of the slide for each of its cues); and the clips that must be encoded frame by frame (a
 * transition across each join, a Ken Burns move). The stills step, the clips step and the video step each compute
 * it from the same inputs, so they agree on every index.
 * @module
 */
import { type CaptionWindow, partCaptions, stillRuns } from "./_timeline_captions.ts";

/** A view of a picture in a Ken Burns move: its zoom and the centre, as shares of the picture's width and height. */
export interface View {
  zoom: number;
  x: number;
  y: number;
}

/** One part of the video as the planner sees it. */
export interface TimelinePart {
  /** A still picture, or a Ken Burns move from one view to another over the part. */
  motion: { from: View; to: View } | null;
  /** The part's cues when captions are burned (times from the part's start), else none. */
  cues: readonly CaptionWindow[];
}

/** Where a clip's picture comes from at each of its frames. */
export interface ClipSource {
  /** The picture (an index into the pictures). */
  picture: number;
  /** The part's Ken Burns move, or null for a still. */
  motion: { from: View; to: View } | null;
  /** The part's frames, and the part's frame at the clip's first frame (frames outside the part hold its ends). */
  partFrames: number;
  offset: number;
}

/** A stretch encoded frame by frame. */
export interface Clip {
  frames: number;
  /** The picture before a transition, or the moving picture. */
  from: ClipSource;
  /** The picture after a transition, or null for a Ken Burns move alone. */
  to: ClipSource | null;
  /** Captions to burn into the clip, times from its first frame. */
  cues: CaptionWindow[];
}

/** A run of frames of the video: a still shown, or a clip played. */
export type Piece = { still: number; frames: number } | { clip: number; frames: number };

/** The video's pictures, pieces and clips. */
export interface PictureTimeline {
  /** For each picture, its part and the cue drawn on it (or null): the stills step encodes these, in order. */
  pictures: { part: number; cue: number | null }[];
  pieces: Piece[];
  clips: Clip[];
  /** Frames in all. */
  total: number;
}

/**
 * Lays out a video's pictures.
 *
 * @param parts The parts, in order.
 * @param options Each part's frames, the frames per second, and the frames of a transition (0 for cuts).
 * @returns The timeline.
 * @throws {RangeError} When the frame counts do not match the parts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pictureTimeline } from "./picture_timeline.ts";
 * const still = { motion: null, cues: [] };
 * const timeline = pictureTimeline([still, still], { frames: [30, 30], fps: 30, transition: 10 });
 * assert.deepEqual(timeline.pieces, [{ still: 0, frames: 25 }, { clip: 0, frames: 10 }, { still: 1, frames: 25 }]);
 * ```
 */
export function pictureTimeline(
  parts: readonly TimelinePart[],
  options: { frames: readonly number[]; fps: number; transition: number },
): PictureTimeline {
  const { frames, fps } = options;
  if (frames.length !== parts.length) {
    throw new RangeError(`Expected frame counts for ${parts.length} parts, got ${frames.length}`);
  }
  const pictures = timelinePictures(parts);
  const first = parts.map((_, p) => pictures.findIndex((picture) => picture.part === p));
  // Half a transition on each side of a join, never more than leaves each part a frame of its own.
  const halves = frames.slice(1).map((count, j) =>
    Math.max(
      0,
      Math.min(
        Math.floor(options.transition / 2),
        Math.floor((frames[j]! - 1) / 2),
        Math.floor((count - 1) / 2),
      ),
    )
  );
  const pieces: Piece[] = [];
  const clips: Clip[] = [];
  let start = 0;
  const source = (p: number, offset: number): ClipSource => ({
    picture: first[p]!,
    motion: parts[p]!.motion,
    partFrames: frames[p]!,
    offset,
  });
  const clipCues = (from: number, count: number) => partCaptions(parts, { frames, fps, from, count });
  for (const [p, part] of parts.entries()) {
    const head = p === 0 ? 0 : halves[p - 1]!;
    const tail = p === parts.length - 1 ? 0 : halves[p]!;
    const own = frames[p]! - head - tail;
    if (part.motion !== null) {
      clips.push({ frames: own, from: source(p, head), to: null, cues: clipCues(start + head, own) });
      pieces.push({ clip: clips.length - 1, frames: own });
    } else {
      for (const run of stillRuns(part.cues, { fps, from: head, to: head + own })) {
        pieces.push({ still: first[p]! + (run.cue === null ? 0 : run.cue + 1), frames: run.frames });
      }
    }
    if (tail > 0) {
      const join = start + frames[p]!;
      clips.push({
        frames: 2 * tail,
        from: source(p, frames[p]! - tail),
        to: source(p + 1, -tail),
        cues: clipCues(join - tail, 2 * tail),
      });
      pieces.push({ clip: clips.length - 1, frames: 2 * tail });
    }
    start += frames[p]!;
  }
  return { pictures, pieces: merged(pieces), clips, total: start };
}

/**
 * The pictures the stills step encodes: each part's slide, and after it a copy for each of its burned cues.
 *
 * @param parts The parts.
 * @returns For each picture, its part and its cue (null for the plain slide).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timelinePictures } from "./picture_timeline.ts";
 * const cue = { start: 0, end: 1, text: "Hi" };
 * assert.deepEqual(timelinePictures([{ motion: null, cues: [cue] }, { motion: null, cues: [] }]), [
 *   { part: 0, cue: null },
 *   { part: 0, cue: 0 },
 *   { part: 1, cue: null },
 * ]);
 * ```
 */
export function timelinePictures(parts: readonly TimelinePart[]): { part: number; cue: number | null }[] {
  return parts.flatMap((
    part,
    p,
  ) => [{ part: p, cue: null }, ...part.cues.map((_, cue) => ({ part: p, cue }))]);
}

/** Adjacent runs of one still made one. */
function merged(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out.at(-1);
    if (last !== undefined && "still" in last && "still" in piece && last.still === piece.still) {
      last.frames += piece.frames;
    } else if (piece.frames > 0) out.push({ ...piece });
  }
  return out;
}
