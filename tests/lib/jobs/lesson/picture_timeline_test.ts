import assert from "node:assert/strict";
import { pictureTimeline, type TimelinePart } from "../../../../lib/jobs/lesson/picture_timeline.ts";

const still: TimelinePart = { motion: null, cues: [] };
const moving: TimelinePart = {
  motion: { from: { zoom: 1, x: 0.5, y: 0.5 }, to: { zoom: 1.2, x: 0.5, y: 0.5 } },
  cues: [],
};

const framesOf = (pieces: { frames: number }[]) => pieces.reduce((sum, piece) => sum + piece.frames, 0);

Deno.test("picture timeline: cuts show each part's still for its frames", () => {
  const timeline = pictureTimeline([still, still, still], { frames: [30, 45, 20], fps: 30, transition: 0 });
  assert.deepEqual(timeline.pieces, [{ still: 0, frames: 30 }, { still: 1, frames: 45 }, {
    still: 2,
    frames: 20,
  }]);
  assert.deepEqual(timeline.clips, []);
  assert.equal(timeline.total, 95);
});

Deno.test("picture timeline: a transition is centred on each join, from one part's picture to the next", () => {
  const timeline = pictureTimeline([still, still, still], { frames: [30, 45, 20], fps: 30, transition: 12 });
  assert.deepEqual(timeline.pieces, [
    { still: 0, frames: 24 },
    { clip: 0, frames: 12 },
    { still: 1, frames: 33 },
    { clip: 1, frames: 12 },
    { still: 2, frames: 14 },
  ]);
  assert.equal(framesOf(timeline.pieces), timeline.total);
  assert.deepEqual(timeline.clips[0]!.from, { picture: 0, motion: null, partFrames: 30, offset: 24 });
  assert.deepEqual(timeline.clips[0]!.to, { picture: 1, motion: null, partFrames: 45, offset: -6 });
});

Deno.test("picture timeline: a transition never takes a short part's every frame", () => {
  const timeline = pictureTimeline([still, still, still], { frames: [30, 5, 30], fps: 30, transition: 20 });
  // The 5-frame part keeps its middle frame: 2 frames of each transition on its side.
  assert.deepEqual(timeline.pieces.map((piece) => piece.frames), [28, 4, 1, 4, 28]);
  const one = pictureTimeline([still, still], { frames: [1, 30], fps: 30, transition: 20 });
  assert.deepEqual(one.pieces, [{ still: 0, frames: 1 }, { still: 1, frames: 30 }]);
});

Deno.test("picture timeline: a Ken Burns part is one clip between its transitions, its move along the part", () => {
  const timeline = pictureTimeline([still, moving, still], { frames: [30, 60, 30], fps: 30, transition: 10 });
  assert.deepEqual(
    timeline.pieces.map((piece) => "clip" in piece ? `c${piece.frames}` : `s${piece.frames}`),
    [
      "s25",
      "c10",
      "c50",
      "c10",
      "s25",
    ],
  );
  const move = timeline.clips[1]!;
  assert.equal(move.to, null);
  assert.deepEqual([move.from.offset, move.from.partFrames], [5, 60]);
  // The transitions into and out of the move take its picture where the move is at their frames.
  assert.deepEqual([timeline.clips[0]!.to!.offset, timeline.clips[2]!.from.offset], [-5, 55]);
});

Deno.test("picture timeline: burned cues split a part's still into the slide and its captioned copies", () => {
  const cued: TimelinePart = {
    motion: null,
    cues: [{ start: 0.1, end: 1, text: "One" }, { start: 1.5, end: 2, text: "Two" }],
  };
  const timeline = pictureTimeline([still, cued], { frames: [10, 25], fps: 10, transition: 4 });
  assert.deepEqual(timeline.pictures, [
    { part: 0, cue: null },
    { part: 1, cue: null },
    { part: 1, cue: 0 },
    { part: 1, cue: 1 },
  ]);
  assert.deepEqual(timeline.pieces, [
    { still: 0, frames: 8 },
    { clip: 0, frames: 4 },
    { still: 2, frames: 8 },
    { still: 1, frames: 5 },
    { still: 3, frames: 5 },
    { still: 1, frames: 5 },
  ]);
  // The cue under the transition is burned into the clip, timed from the clip's first frame.
  assert.deepEqual(timeline.clips[0]!.cues, [{ start: 0.3, end: 0.4, text: "One" }]);
});

Deno.test("picture timeline: frame counts must match the parts", () => {
  assert.throws(
    () => pictureTimeline([still], { frames: [1, 2], fps: 30, transition: 0 }),
    /2 parts|1 parts/,
  );
});
