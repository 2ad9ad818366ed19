import assert from "node:assert/strict";
import type { MeasuringFont } from "../../../../../lib/providers/local/slides/_fonts.ts";
import { ellipsize, wrapText } from "../../../../../lib/providers/local/slides/_wrap.ts";

/** Every character (grapheme) is 10 px wide at size 10, spaces included. */
const monospace: MeasuringFont = {
  unitsPerEm: 1000,
  ascender: 800,
  descender: -200,
  getAdvanceWidth: (text, fontSize) =>
    [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].length * fontSize,
};

Deno.test("wrapText() keeps words whole and collapses spaces", () => {
  assert.deepEqual(wrapText("Hello   world again", monospace, 10, 110), ["Hello world", "again"]);
  assert.deepEqual(wrapText("", monospace, 10, 110), []);
});

Deno.test("wrapText() breaks Chinese and Japanese text between characters", () => {
  assert.deepEqual(wrapText("日本語のテキストです", monospace, 10, 45), ["日本語の", "テキスト", "です"]);
  assert.deepEqual(wrapText("中文没有空格", monospace, 10, 30), ["中文没", "有空格"]);
});

Deno.test("wrapText() starts no line with closing punctuation and ends none with an opening one", () => {
  const lines = wrapText("これは文です。次の「文」です。", monospace, 10, 60);
  assert.equal(lines.join(""), "これは文です。次の「文」です。");
  for (const line of lines) {
    assert.ok(!/^[、。」]/.test(line), `line starts with closing punctuation: ${line}`);
    assert.ok(!/「$/.test(line), `line ends with an opening bracket: ${line}`);
  }
  assert.deepEqual(lines, ["これは文で", "す。次の", "「文」です。"]);
});

Deno.test("wrapText() mixes words and Chinese characters, spacing only where the text has spaces", () => {
  assert.deepEqual(wrapText("Use 中文字 here", monospace, 10, 60), ["Use 中文", "字 here"]);
});

Deno.test("wrapText() and ellipsize() never split an emoji sequence", () => {
  const family = "👨‍👩‍👧";
  assert.deepEqual(wrapText(family.repeat(3), monospace, 10, 20), [family.repeat(2), family]);
  assert.equal(ellipsize(`ab${family}${family}`, monospace, 10, 40), `ab${family}…`);
});
