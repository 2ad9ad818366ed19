import assert from "node:assert/strict";
import {
  breaksWord,
  ellipsizeRuns,
  type StyledRun,
  wrapRuns,
} from "../../../../../lib/providers/local/slides/_wrap.ts";

const PLAIN = { name: "plain", wide: false };
const WIDE = { name: "wide", wide: true };
type Style = typeof PLAIN;

/** Every character (grapheme) is 10 px wide, 20 px in the wide style, spaces included. */
const measure = (text: string, style: Style) =>
  [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].length * (style.wide ? 20 : 10);

const plain = (text: string): StyledRun<Style>[] => [{ text, style: PLAIN }];
const texts = (lines: StyledRun<Style>[][]) => lines.map((line) => line.map((run) => run.text).join(""));
const wrap = (text: string, maxWidth: number) => texts(wrapRuns(plain(text), measure, maxWidth));

Deno.test("wrapRuns() keeps words whole and collapses spaces", () => {
  assert.deepEqual(wrap("Hello   world again", 110), ["Hello world", "again"]);
  assert.deepEqual(wrap("", 110), []);
  assert.deepEqual(wrap("   ", 110), []);
});

Deno.test("wrapRuns() breaks Chinese and Japanese text between characters", () => {
  assert.deepEqual(wrap("日本語のテキストです", 45), ["日本語の", "テキスト", "です"]);
  assert.deepEqual(wrap("中文没有空格", 30), ["中文没", "有空格"]);
});

Deno.test("wrapRuns() starts no line with closing punctuation and ends none with an opening one", () => {
  const lines = wrap("これは文です。次の「文」です。", 60);
  assert.equal(lines.join(""), "これは文です。次の「文」です。");
  for (const line of lines) {
    assert.ok(!/^[、。」]/.test(line), `line starts with closing punctuation: ${line}`);
    assert.ok(!/「$/.test(line), `line ends with an opening bracket: ${line}`);
  }
  assert.deepEqual(lines, ["これは文で", "す。次の", "「文」です。"]);
});

Deno.test("wrapRuns() mixes words and Chinese characters, spacing only where the text has spaces", () => {
  assert.deepEqual(wrap("Use 中文字 here", 60), ["Use 中文", "字 here"]);
});

Deno.test("wrapRuns() and ellipsizeRuns() never split an emoji sequence", () => {
  const family = "👨‍👩‍👧";
  assert.deepEqual(wrap(family.repeat(3), 20), [family.repeat(2), family]);
  assert.deepEqual(texts([ellipsizeRuns(plain(`ab${family}${family}`), measure, 40)]), [`ab${family}…`]);
});

Deno.test("wrapRuns() measures each style with its own width and keeps a word whose style changes whole", () => {
  // "big" is wide: 60 px; "ger" plain: 30 px; so "bigger" is one 90 px word.
  const runs = [{ text: "big", style: WIDE }, { text: "ger words", style: PLAIN }];
  const lines = wrapRuns(runs, measure, 100);
  assert.deepEqual(texts(lines), ["bigger", "words"]);
  assert.deepEqual(lines[0], [{ text: "big", style: WIDE }, { text: "ger", style: PLAIN }]);
  // The same text all plain fits one line of 120 px, but the wide start pushes "words" down.
  assert.deepEqual(wrap("bigger words", 120), ["bigger words"]);
  assert.deepEqual(texts(wrapRuns(runs, measure, 120)), ["bigger", "words"]);
});

Deno.test("wrapRuns() sets a collapsed space in the style of the whitespace it replaces", () => {
  const runs = [{ text: "ab", style: PLAIN }, { text: "  cd", style: WIDE }];
  assert.deepEqual(wrapRuns(runs, measure, 1000), [[{ text: "ab", style: PLAIN }, {
    text: " cd",
    style: WIDE,
  }]]);
});

Deno.test("ellipsizeRuns() cuts the last characters and ends in an ellipsis in the last kept style", () => {
  const line = [{ text: "ab ", style: PLAIN }, { text: "cdef", style: WIDE }];
  // "ab " is 30 px, each wide character 20 px and the ellipsis 20 px in the wide style.
  assert.deepEqual(ellipsizeRuns(line, measure, 90), [{ text: "ab ", style: PLAIN }, {
    text: "cd…",
    style: WIDE,
  }]);
  assert.deepEqual(ellipsizeRuns(line, measure, 35), [{ text: "ab…", style: PLAIN }]);
  assert.deepEqual(ellipsizeRuns([], measure, 35), []);
});

Deno.test("wrapRuns() cuts a word wider than a line after its last / . - that fits, else between letters", () => {
  // Before: "developer.m / ozilla.org/…": any letter.
  assert.deepEqual(wrap("See developer.mozilla.org/en-US/docs", 120), [
    "See",
    "developer.",
    "mozilla.org/",
    "en-US/docs",
  ]);
  assert.deepEqual(wrap("Straßenbahnhaltestelle", 100), ["Straßenbah", "nhaltestel", "le"]);
  // An address cut after its marks into parts that fit is no cut word (a slide does not shrink for it); a long
  // word with none is.
  assert.equal(breaksWord(plain("See developer.mozilla.org"), measure, 120), false);
  assert.equal(breaksWord(plain("Straßenbahnhaltestelle"), measure, 100), true);
  assert.equal(breaksWord(plain("Short words only here"), measure, 60), false);
});

Deno.test("wrapRuns() keeps a mark set apart by a space on its word's line, as French sets it", () => {
  // nw3: a slide's "photosynthèse ?" left its "?" alone on a line, "disent «" ended one.
  assert.deepEqual(wrap("Qu'est-ce que la photosynthèse ?", 160), ["Qu'est-ce que la", "photosynthèse ?"]);
  assert.deepEqual(wrap("Ils disent « Bonjour » au soleil !", 120), [
    "Ils disent",
    "« Bonjour »",
    "au soleil !",
  ]);
  assert.equal(breaksWord(plain("disent « Bonjour »"), measure, 110), false);
  // Where the word and its mark cannot share a line, the mark is set apart at its space, not cut from letters.
  assert.deepEqual(wrap("la photosynthèse ?", 140), ["la", "photosynthèse", "?"]);
  assert.equal(breaksWord(plain("la photosynthèse ?"), measure, 140), false);
  // Its spaces are one space, as between words (rv20: "Bonjour   !" kept three).
  assert.deepEqual(wrap("Bonjour   !\n ok", 200), ["Bonjour ! ok"]);
  assert.deepEqual(wrap("aaaa Bonjour    !", 130), ["aaaa", "Bonjour !"]);
});
