/**
 * What a chunk's value must be to be merged: the chunk step stores only such values, and a stored one that is not
 * is named, word by word.
 */
import assert from "node:assert/strict";
import type { Json } from "../../../../lib/core/json.ts";
import { chunkValueProblem, fitChunkWords } from "../../../../lib/jobs/transcribe/chunk_value.ts";

const word = (text: string, start: number, end: number) => ({ text, start, end, confidence: 0.8 });

Deno.test("chunkValueProblem() passes words in order within the chunk, and its last word a frame past its end", () => {
  assert.equal(chunkValueProblem({ duration: 5, words: [] }, 5), null);
  assert.equal(
    chunkValueProblem({
      duration: 5,
      words: [word("rain", 0, 0.4), word("falls", 0.5, 0.9), word("now", 4.6, 5.01)],
    }, 5),
    null,
  );
  // Two words that start together (a recognizer's filler and its word) are in order.
  assert.equal(chunkValueProblem({ duration: 5, words: [word("a", 1, 1.2), word("b", 1, 1.3)] }, 5), null);
});

Deno.test("chunkValueProblem() names the word that does not fit its chunk, and why", () => {
  const problem = (words: unknown[], duration: unknown = 5) =>
    chunkValueProblem({ duration, words } as never, 5);
  assert.equal(
    problem([word("rain", 0.2, 0.6), word("falls", 30.2, 30.6)]),
    'word 2 ("falls") ends at 30.6 s, past the end of the chunk\'s 5.00 s of audio',
  );
  assert.equal(problem([word("rain", -1, 0.6)]), 'word 1 ("rain") starts at -1 s, before the chunk');
  assert.equal(problem([word("rain", 2, 1)]), 'word 1 ("rain") ends at 1 s, before it starts (2 s)');
  assert.equal(
    problem([word("falls", 2, 2.4), word("rain", 1, 1.4)]),
    'word 2 ("rain") starts at 1 s, before the word before it (2 s)',
  );
  assert.equal(
    problem([{ text: "rain", start: "1", end: 2 }]),
    'word 1 ("rain") has no start and end in seconds',
  );
  assert.equal(problem([{ start: 1, end: 2 }]), "word 1 has no text");
  assert.equal(problem([], 7), "its duration (7) is not the chunk's 5.00 s");
  assert.equal(chunkValueProblem({ duration: 5 }, 5), "it holds no list of words");
  assert.equal(chunkValueProblem(null, 5), "its duration (null) is not the chunk's 5.00 s");
});

Deno.test("chunkValueProblem() passes a value that says whether its words are timed, or not, and nothing else", () => {
  assert.equal(chunkValueProblem({ duration: 5, words: [word("rain", 0, 0.4)], timed: false }, 5), null);
  assert.equal(chunkValueProblem({ duration: 5, words: [word("rain", 0, 0.4)], timed: true }, 5), null);
  assert.equal(
    chunkValueProblem({ duration: 5, words: [word("rain", 0, 0.4)], timed: "no" }, 5),
    'its "timed" ("no") is not true or false',
  );
});

Deno.test("fitChunkWords() cuts times to the chunk and sorts by start, so what a chunk stores always passes", () => {
  const heard = [word("now", 4.7, 5.4), word("rain", -0.01, 0.3), word("falls", 0.4, 0.8)];
  const fitted = fitChunkWords(heard, 5);
  assert.deepEqual(fitted.map((w) => [w.text, w.start, w.end]), [["rain", 0, 0.3], ["falls", 0.4, 0.8], [
    "now",
    4.7,
    5,
  ]]);
  assert.equal(chunkValueProblem({ duration: 5, words: fitted } as unknown as Json, 5), null);
});

Deno.test("fitChunkWords() gives a word cut to nothing at the chunk's end a frame inside it, and rounds no time past the end", () => {
  // A server's word that starts past the end of the 60-s chunk (within its second of slack), cut there: it lasted
  // nothing, and made a cue 00:01:00,000 --> 00:01:00,000.
  assert.deepEqual(
    fitChunkWords([word("rain", 58, 59.5), word("again", 60, 60), word("falls", 59.6, 60)], 60)
      .map((w) => [w.text, w.start, w.end]),
    [["rain", 58, 59.5], ["falls", 59.6, 60], ["again", 59.99, 60]],
  );
  // 48.8125625 s of audio: a word cut at its end ends at 48.812, not 48.813 (rounded up past it).
  const length = 781_001 / 16_000;
  const [last] = fitChunkWords([word("now", 48.5, length)], length);
  assert.deepEqual([last?.start, last?.end], [48.5, 48.812]);
  // A word of no length inside the chunk lasts a frame from its start.
  assert.deepEqual(fitChunkWords([word("a", 3, 3)], 60).map((w) => [w.start, w.end]), [[3, 3.01]]);
  for (const fitted of fitChunkWords([word("x", 61, 61), word("y", -1, 0), word("z", 0.0004, 0.0004)], 60)) {
    assert.ok(fitted.end > fitted.start && fitted.start >= 0 && fitted.end <= 60, JSON.stringify(fitted));
  }
});
