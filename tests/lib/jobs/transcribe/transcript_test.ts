/**
 * A transcript's segments and cues: each ends after it starts and within the recording, whatever words a chunk
 * stored.
 */
import assert from "node:assert/strict";
import { segmentWords, transcriptCues } from "../../../../lib/jobs/transcribe/transcript.ts";
import { formatSrt } from "../../../../lib/media/captions.ts";

const word = (text: string, start: number, end: number) => ({ text, start, end, confidence: 0.8 });

function srtOf(words: ReturnType<typeof word>[], duration: number): string {
  const segments = segmentWords(words, { duration });
  return formatSrt(transcriptCues({ duration, language: "en", engine: "e", words: words.length, segments }));
}

Deno.test("segmentWords() joins a word that lasts nothing to the segment before it: no cue ends where it starts", () => {
  // A chunk stored before words were given a frame: "again" cut to nothing at the 60-s end, after a pause.
  const segments = segmentWords([word("rain", 58, 58.4), word("falls", 58.5, 59), word("again", 60, 60)], {
    duration: 75,
  });
  assert.deepEqual(segments.map((s) => [s.text, s.start, s.end]), [["rain falls again", 58, 60]]);
  assert.equal(
    srtOf([word("rain", 58, 58.4), word("again", 60, 60)], 75),
    "1\n00:00:58,000 --> 00:01:00,000\nrain again\n",
  );
});

Deno.test("segmentWords() keeps every segment within the recording and lasting", () => {
  // Rounded up past the end: 48.813 of 48.8125625 s.
  const [last] = segmentWords([word("now", 48.5, 48.813)], { duration: 48.8125625 });
  assert.equal(last?.end, 48.8125625);
  assert.equal(last?.words[0]?.end, 48.8125625);
  // A recording whose only word lasts nothing, at its very end.
  const [only] = segmentWords([word("hm", 10, 10)], { duration: 10 });
  assert.ok(only !== undefined && only.start < only.end && only.end <= 10, JSON.stringify(only));
  // The first word lasts nothing: it joins the segment after it.
  const first = segmentWords([word("uh", 1, 1), word("rain", 1.2, 1.6)], { duration: 10 });
  assert.deepEqual(first.map((s) => [s.text, s.start, s.end]), [["uh rain", 1, 1.6]]);
});

Deno.test("transcriptCues() writes a segment in lines of at most 42 characters, two where they do, its words all kept", () => {
  // Before: one line of up to 84 characters (tx helper: every cue of continuous speech).
  const words = "the captain carried the kitchen table across the yard and into the old barn before the rain"
    .split(" ").map((text, i) => ({ text, start: i * 0.3, end: i * 0.3 + 0.25, confidence: 1 }));
  const segments = segmentWords(words, { duration: 6 });
  assert.ok(segments.some((segment) => segment.text.length > 42), "a long segment to lay out");
  const cues = transcriptCues({ duration: 6, language: "en", engine: "e", words: words.length, segments });
  for (const [i, cue] of cues.entries()) {
    const lines = cue.text.split("\n");
    assert.ok(lines.length <= 2, cue.text);
    for (const line of lines) assert.ok(line.length <= 42, `${line.length}: ${line}`);
    assert.equal(lines.join(" "), segments[i]!.text);
  }
  assert.ok(cues.some((cue) => cue.text.includes("\n")));
  // In SRT: the number, the times, then the cue's lines, each on its own.
  for (const block of formatSrt(cues).trimEnd().split("\n\n")) {
    const [, , ...text] = block.split("\n");
    assert.ok(cues.some((cue) => cue.text === text.join("\n")), block);
  }
});

Deno.test("segmentWords() counts lines as the cue lays them out: a lone dash joins the word before it", () => {
  // Before (rv12): counted word by word, this segment fit two lines, and its cue took three.
  const texts = ["a".repeat(37), "bbbb", "-", "c".repeat(36), "dddd"];
  const words = texts.map((text, i) => ({ text, start: i * 0.3, end: i * 0.3 + 0.25, confidence: 1 }));
  const segments = segmentWords(words, { duration: 10 });
  const cues = transcriptCues({ duration: 10, language: "en", engine: "e", words: words.length, segments });
  for (const cue of cues) assert.ok(cue.text.split("\n").length <= 2, JSON.stringify(cue.text));
  assert.deepEqual(segments.flatMap((segment) => segment.words.map((word) => word.text)), texts);
});

Deno.test("segmentWords() ends a segment at 6 s whatever its word's end: a text-only word spread over a silence", () => {
  // Before: one word of 8.6 s made a cue of 8.6 s, shown through the silence (tx).
  const word = (text: string, start: number, end: number) => ({ text, start, end, confidence: null });
  const segments = segmentWords([word("Hello", 1, 1.4), word("there", 2, 10.6), word("again", 10.6, 11)]);
  assert.deepEqual(segments.map((segment) => [segment.text, segment.start, segment.end]), [
    ["Hello", 1, 1.4],
    ["there", 2, 8],
    ["again", 10.6, 11],
  ]);
});
