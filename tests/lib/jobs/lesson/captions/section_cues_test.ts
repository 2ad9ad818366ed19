/**
 * A section's cues from its narration and the pauses in its speech: the text rules on long and awkward narrations,
 * and sentence starts on speech whose timing is known (pauses given as `silencedetect` would report them).
 */
import assert from "node:assert/strict";
import { sectionCues } from "../../../../../lib/jobs/lesson/captions/section_cues.ts";
import { DEFAULT_CAPTION_RULES, textLength } from "../../../../../lib/media/caption_rules.ts";
import { captionWords, joinWords } from "../../../../../lib/media/caption_words.ts";
import { ruleBreaches, syntheticSpeech } from "../../../../_support/caption_checks.ts";
import { lessonSentences, lessonText, sentenceCues } from "../../../../_support/lesson_text.ts";

const RULES = DEFAULT_CAPTION_RULES;
/** Pauses of 0.1–0.6 s after sentences, varied. */
const pause = (i: number) => 0.1 + ((i * 37) % 50) / 100;

function cuesOf(text: string, perSecond: number) {
  const sentences = lessonSentences(text);
  const speech = syntheticSpeech(sentences, { perSecond, pause });
  return { sentences, speech, cues: sectionCues(text, { rules: RULES, ...speech }) };
}

function assertAllWords(cues: readonly { lines: readonly string[] }[], text: string) {
  assert.equal(cues.map((cue) => cue.lines.join(" ")).join(" "), joinWords(captionWords(text)));
}

Deno.test("sectionCues(): a 5,000-word narration yields cues that all meet the rules", () => {
  for (const seed of [1, 2]) {
    const text = lessonText(5000, seed);
    assert.ok(text.split(" ").length >= 5000);
    // Speech at 15 characters a second (flite and espeak-ng at 165 words a minute say 14–17).
    const { cues, sentences, speech } = cuesOf(text, 15);
    assert.ok(cues.length > 300, `${cues.length} cues`);
    assert.deepEqual(ruleBreaches(cues, RULES), []);
    assertAllWords(cues, text);
    for (const { sentence, start } of sentenceCues(cues, sentences)) {
      const error = Math.abs(start - speech.starts[sentence]!);
      assert.ok(error <= 0.25, `sentence ${sentence} starts ${error.toFixed(3)} s off`);
    }
  }
});

Deno.test("sectionCues(): with no pauses found, a 5,000-word narration still meets the rules", () => {
  const text = lessonText(5000, 3);
  const cues = sectionCues(text, { rules: RULES, silences: [], duration: textLength(text) / 15 });
  assert.deepEqual(ruleBreaches(cues, RULES), []);
  assertAllWords(cues, text);
});

Deno.test("sectionCues(): speech up to 20 characters a second keeps every rule, reading speed included", () => {
  for (const perSecond of [8, 12, 17, 20]) {
    // Seed 4 at 20/s has a "Look closely." said in 0.65 s before a pause: it must share a cue, not flash by.
    const text = lessonText(perSecond === 20 ? 5000 : 600, perSecond === 20 ? 4 : perSecond);
    const { cues, sentences, speech } = cuesOf(text, perSecond);
    assert.deepEqual(ruleBreaches(cues, RULES), [], `${perSecond} characters a second`);
    for (const { sentence, start } of sentenceCues(cues, sentences)) {
      assert.ok(Math.abs(start - speech.starts[sentence]!) <= 0.25, `${perSecond}/s: sentence ${sentence}`);
    }
  }
});

Deno.test("sectionCues(): speech faster than 20 characters a second is read as fast as it is said, never faster", () => {
  // 20 characters a second cannot hold when the speaker is faster: cues follow the speech instead of lagging.
  // Up to 30 characters a second every other rule holds; beyond, a cue may be shorter than 1 s.
  for (const perSecond of [25, 30, 45]) {
    const text = lessonText(600, perSecond);
    const { cues, sentences, speech } = cuesOf(text, perSecond);
    const breaches = ruleBreaches(cues, RULES, { readingSpeed: false, minDuration: perSecond <= 30 });
    assert.deepEqual(breaches, [], `${perSecond} characters a second`);
    for (const cue of cues) {
      const speed = textLength(cue.lines.join(" ")) / (cue.end - cue.start);
      assert.ok(speed <= perSecond * 1.1, `${speed.toFixed(1)}/s read for ${perSecond}/s said`);
    }
    for (const { sentence, start } of sentenceCues(cues, sentences)) {
      assert.ok(Math.abs(start - speech.starts[sentence]!) <= 0.25, `${perSecond}/s: sentence ${sentence}`);
    }
  }
});

Deno.test("sectionCues(): a sentence starts its own cue, at the end of the pause before it", () => {
  const text = "The sun is a star at the centre of our solar system. It holds the planets in their orbits. " +
    "Without it, nothing on Earth could live.";
  const { cues, sentences, speech } = cuesOf(text, 15);
  assert.deepEqual(cues.map((cue) => cue.lines), [
    ["The sun is a star at the centre", "of our solar system."],
    ["It holds the planets in their orbits."],
    ["Without it, nothing on Earth could live."],
  ]);
  const found = sentenceCues(cues, sentences);
  assert.deepEqual(found.map(({ sentence }) => sentence), [0, 1, 2]);
  for (const { sentence, start } of found) assert.ok(Math.abs(start - speech.starts[sentence]!) < 1e-9);
});

Deno.test("sectionCues(): a word longer than a line is cut into pieces on lines that fit, nothing lost", () => {
  const long = "Pneumonoultramicroscopicsilicovolcanoconiosis-related";
  const text = `The longest word in some dictionaries is ${long} and it names a lung disease.`;
  const { cues } = cuesOf(text, 15);
  assert.ok(
    cues.some((cue) => cue.lines.some((line) => line.endsWith("Pneumonoultramicroscopicsilicovolcanoconio"))),
  );
  assert.deepEqual(ruleBreaches(cues, RULES), []);
  const bare = (words: string) => words.replace(/\s+/g, "");
  assert.equal(bare(cues.flatMap((cue) => cue.lines).join("")), bare(text));
});

Deno.test("sectionCues(): text without punctuation is cut into cues that meet the rules", () => {
  const text =
    "so the water runs down the hill and into the valley where it joins the river and the river carries " +
    "it on past the town because the land slopes toward the sea which lies far away beyond the hills and " +
    "the forest that covers them and the farms that lie between them";
  const cues = sectionCues(text, { rules: RULES, silences: [], duration: textLength(text) / 15 });
  assert.ok(cues.length >= 4);
  assert.deepEqual(ruleBreaches(cues, RULES), []);
  assertAllWords(cues, text);
});

Deno.test("sectionCues(): a section shorter than a cue's shortest time has one cue as long as the section", () => {
  // The shortest time cannot hold: the cue takes the leading silence too, and ends with the section.
  const cues = sectionCues("Hi.", { rules: RULES, silences: [{ start: 0, end: 0.1 }], duration: 0.6 });
  assert.deepEqual(cues, [{ start: 0, end: 0.6, lines: ["Hi."] }]);
});

Deno.test("sectionCues(): blank narration has no cues", () => {
  assert.deepEqual(sectionCues("  ", { rules: RULES, silences: [], duration: 1 }), []);
});

Deno.test("sectionCues(): the voice's language breaks lines where words tell none; clear words overrule it", () => {
  // Too few German words to tell the language (one "oder"): read as English, the line broke inside "sehr schnell".
  const lines = (text: string, voiceLanguage: string | null) =>
    sectionCues(text, { rules: RULES, silences: [], duration: 5, voiceLanguage }).map((cue) => cue.lines);
  const short = "Junge Pflanzen wachsen sehr schnell oder bleiben ganz klein.";
  assert.deepEqual(lines(short, "de"), [["Junge Pflanzen wachsen sehr schnell", "oder bleiben ganz klein."]]);
  assert.deepEqual(lines(short, null), [["Junge Pflanzen wachsen sehr", "schnell oder bleiben ganz klein."]]);
  // rv22: German words enough to tell, said by an English voice (`en-us` named), still break as German.
  const german =
    "Die Pflanze wächst, weil sie das Licht der Sonne mit den Blättern aufnimmt und daraus Zucker macht, " +
    "den sie in den Wurzeln speichert.";
  assert.deepEqual(lines(german, "en"), lines(german, "de"));
  assert.notDeepEqual(lines(german, "en")[0], ["Die Pflanze wächst,"]);
});
