import assert from "node:assert/strict";
import { fewestLines, layoutLines } from "../../../lib/media/caption_lines.ts";
import { textLength } from "../../../lib/media/caption_rules.ts";
import { captionWords } from "../../../lib/media/caption_words.ts";

const RULES = { maxLineLength: 42, maxLines: 2 };

Deno.test("layoutLines() keeps text that fits one line on one line", () => {
  const text = "Exactly forty-two characters in this line.";
  assert.equal(textLength(text), 42);
  assert.deepEqual(layoutLines(captionWords(text), RULES), [text]);
});

Deno.test("layoutLines() breaks two lines at a clause rather than filling the first", () => {
  const lines = layoutLines(
    captionWords("When the river floods, the fields along its banks grow rich."),
    RULES,
  );
  assert.deepEqual(lines, ["When the river floods,", "the fields along its banks grow rich."]);
});

Deno.test("layoutLines() never ends a line with an article when another break is as good", () => {
  const lines = layoutLines(
    captionWords("The bees carry pollen from the flowers to the other plants nearby"),
    RULES,
  )!;
  assert.equal(lines.length, 2);
  for (const line of lines) assert.ok(textLength(line) <= 42, line);
  assert.doesNotMatch(lines[0]!, /\b(the|to|from)$/);
});

Deno.test("layoutLines() cuts a word longer than a line after a hyphen, glued, every line within the length", () => {
  const long = "Supercalifragilisticexpialidocious-and-then-some";
  assert.ok(textLength(long) > 42);
  assert.deepEqual(layoutLines(captionWords(`It is ${long} indeed`), { maxLineLength: 42, maxLines: 3 }), [
    "It is Supercalifragilisticexpialidocious-",
    "and-then-some indeed",
  ]);
  assert.deepEqual(layoutLines(captionWords(long), RULES), [
    "Supercalifragilisticexpialidocious-",
    "and-then-some",
  ]);
});

Deno.test("layoutLines() counts a Chinese character as two letters and puts no space between glued words", () => {
  const text = "雨是从云中落下的水滴当云中的水滴变得太重时它们就会落到地面上";
  const lines = layoutLines(captionWords(text), RULES)!;
  assert.equal(lines.length, 2);
  assert.equal(lines.join(""), text);
  for (const line of lines) assert.ok(textLength(line) <= 42 && !line.includes(" "), line);
});

Deno.test("layoutLines() is null for words that need more lines than allowed", () => {
  const words = captionWords("word ".repeat(18)); // 89 characters: three lines of 42
  assert.equal(fewestLines(words, 42), 3);
  assert.equal(layoutLines(words, RULES), null);
  assert.equal(layoutLines(words, { maxLineLength: 42, maxLines: 3 })?.length, 3);
});

Deno.test("layoutLines() of no words is no lines", () => {
  assert.deepEqual(layoutLines([], RULES), []);
});
