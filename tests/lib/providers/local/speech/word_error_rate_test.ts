import assert from "node:assert/strict";
import {
  countWordErrors,
  normalizeWords,
  wordErrorRate,
} from "../../../../../lib/providers/local/speech/word_error_rate.ts";

Deno.test("normalizeWords() lowers case, drops punctuation and accents, keeps inner apostrophes", () => {
  assert.deepEqual(normalizeWords("  Café-au-lait, 'quoted' DON’T stop!\n"), [
    "cafe",
    "au",
    "lait",
    "quoted",
    "don't",
    "stop",
  ]);
  assert.deepEqual(normalizeWords(" ... "), []);
});

Deno.test("wordErrorRate() is 0 for the same words whatever the case and punctuation", () => {
  assert.equal(wordErrorRate("Hello, World!", "hello world"), 0);
});

Deno.test("wordErrorRate() counts substitutions, deletions and insertions", () => {
  assert.deepEqual(countWordErrors("the cat sat on the mat", "the bat sat on mat"), {
    errors: 2,
    referenceWords: 6,
  });
  assert.equal(wordErrorRate("a b c d", "a x c d"), 0.25);
  assert.equal(wordErrorRate("a b c d", "a c d"), 0.25);
  assert.equal(wordErrorRate("a b c d", "a b b c d"), 0.25);
});

Deno.test("wordErrorRate() is 1 for an empty hypothesis and can exceed 1 with extra words", () => {
  assert.equal(wordErrorRate("one two", ""), 1);
  assert.equal(wordErrorRate("one", "one two three"), 2);
});

Deno.test("wordErrorRate() throws a RangeError when the reference has no words", () => {
  assert.throws(() => wordErrorRate("?!", "anything"), RangeError);
});
