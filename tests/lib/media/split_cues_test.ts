import assert from "node:assert/strict";
import { textLength } from "../../../lib/media/caption_rules.ts";
import { captionWords, joinWords } from "../../../lib/media/caption_words.ts";
import { splitCues } from "../../../lib/media/split_cues.ts";

const RULES = { maxLineLength: 42, maxLines: 2 };
const cut = (text: string, options: { maxCharacters?: number; minCharacters?: number } = {}) =>
  splitCues(captionWords(text), { rules: RULES, ...options }).map(joinWords);

Deno.test("splitCues() cuts a sentence at its clauses first and keeps every word in order", () => {
  const text = "It beats about a hundred thousand times a day, and it never rests, " +
    "not even while we sleep at night, from the day we are born.";
  const cues = cut(text);
  assert.deepEqual(cues, [
    "It beats about a hundred thousand times a day, and it never rests,",
    "not even while we sleep at night, from the day we are born.",
  ]);
  assert.equal(cues.join(" "), text);
});

Deno.test("splitCues() without punctuation cuts before conjunctions and never inside a word", () => {
  const text = "the water runs down the hill into the valley where it joins the river and the river " +
    "carries it past the town because the land slopes toward the sea which is far away";
  const cues = cut(text);
  assert.equal(cues.join(" "), text);
  for (const cue of cues) assert.ok(textLength(cue) <= 84, cue);
  // Every cut but the last falls before a conjunction.
  for (const cue of cues.slice(1)) assert.match(cue, /^(and|where|because|which|when)\b/, cue);
});

Deno.test("splitCues() cuts a word longer than two lines into cues whose lines fit", () => {
  const long = "x".repeat(100);
  const cues = cut(`Say ${long} now.`);
  assert.deepEqual(cues, [`Say ${"x".repeat(42)}`, `${"x".repeat(58)} now.`]);
});

Deno.test("splitCues() keeps cues under maxCharacters", () => {
  const text = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen.";
  for (const cue of cut(text, { maxCharacters: 30 })) assert.ok(textLength(cue) <= 30, cue);
});

Deno.test("splitCues() gives a short sentence a cue of its own only without minCharacters", () => {
  const text = "Look closely. An electric motor protects the land around it — even on the coldest days — " +
    "because the sun drives the trade between distant towns in ways we rarely notice.";
  assert.deepEqual(cut(text, { maxCharacters: 133 }), [
    "Look closely.",
    "An electric motor protects the land around it — even on the coldest days —",
    "because the sun drives the trade between distant towns in ways we rarely notice.",
  ]);
  assert.deepEqual(cut(text, { maxCharacters: 133, minCharacters: 20 }), [
    "Look closely. An electric motor protects the land around it —",
    "even on the coldest days —",
    "because the sun drives the trade between distant towns in ways we rarely notice.",
  ]);
});

Deno.test("splitCues() of no words is no cues", () => {
  assert.deepEqual(splitCues([], { rules: RULES }), []);
});
