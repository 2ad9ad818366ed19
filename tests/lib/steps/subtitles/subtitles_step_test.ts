import assert from "node:assert/strict";
import { cuesFromDurations, formatSrt, formatVtt } from "../../../../lib/steps/subtitles/subtitles_step.ts";

Deno.test("cuesFromDurations() lays cues end to end and keeps each cue on one clean line", () => {
  const cues = cuesFromDurations(["First.\n\nSecond paragraph.", "Arrows --> here"], [1.25, 2]);
  assert.deepEqual(cues, [
    { start: 0, end: 1.25, text: "First. Second paragraph." },
    { start: 1.25, end: 3.25, text: "Arrows → here" },
  ]);
  assert.equal(formatSrt(cues).split("\n\n").length, 2);
  assert.equal(formatVtt(cues).match(/-->/g)?.length, 2);
  assert.match(formatSrt(cues), /00:00:01,250 --> 00:00:03,250/);
});
