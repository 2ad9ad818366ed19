import assert from "node:assert/strict";
import { cuesFromDurations } from "../../../../lib/jobs/lesson/steps/subtitles_step.ts";
import { formatSrt, formatVtt } from "../../../../lib/media/captions.ts";

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

Deno.test("formatVtt() writes <, > and & in cue text as character references; formatSrt() keeps the text as it is", () => {
  const cues = cuesFromDurations(["Use <b> tags & a -> b", "Ben & Jerry's: x < 3 > 2"], [1, 1]);
  const vtt = formatVtt(cues);
  assert.ok(vtt.includes("\nUse &lt;b&gt; tags &amp; a -&gt; b\n"), vtt);
  assert.ok(vtt.includes("\nBen &amp; Jerry's: x &lt; 3 &gt; 2\n"), vtt);
  assert.doesNotMatch(vtt.replaceAll(/&(amp|lt|gt);/g, ""), /[<&]/);
  const srt = formatSrt(cues);
  assert.ok(srt.includes("\nUse <b> tags & a -> b\n"), srt);
  assert.ok(srt.includes("\nBen & Jerry's: x < 3 > 2\n"), srt);
});
