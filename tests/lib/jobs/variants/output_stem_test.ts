/**
 * The stem a variants input's outputs are named by: its file name made safe, and a long one shortened and kept apart.
 */
import assert from "node:assert/strict";
import { outputStem, STEM_MAX_LENGTH } from "../../../../lib/jobs/variants/output_stem.ts";

Deno.test("outputStem() drops the folder and the extension and replaces unsafe characters", () => {
  assert.equal(outputStem("in/talk.mp4"), "talk");
  assert.equal(outputStem("my talk (final).v2.mov"), "my-talk-final-.v2");
  // Accents dropped, not their letters; a name without a Latin letter is told apart by its digest (before: `-`).
  assert.equal(outputStem("Ünï Cödé.mp4"), "Uni-Code");
  assert.match(outputStem("日本語.mp4"), /^input-[0-9a-f]{8}$/);
  assert.notEqual(outputStem("日本語.mp4"), outputStem("中文.mp4"));
  // A number beside letters of another script is not a name of its own (before: both `-2`); digits alone are.
  assert.match(outputStem("講義 2.mp4"), /^input-[0-9a-f]{8}$/);
  assert.notEqual(outputStem("講義 2.mp4"), outputStem("録音 2.mp4"));
  assert.equal(outputStem("2024.mp4"), "2024");
  assert.equal(outputStem(".mp4"), "input");
});

Deno.test("outputStem() keeps a stem of the longest length whole", () => {
  const name = "a".repeat(STEM_MAX_LENGTH);
  assert.equal(outputStem(`${name}.mp4`), name);
});

Deno.test("outputStem() shortens a longer stem to its start and a digest: the same each time, apart from another", () => {
  const one = outputStem(`${"take-".repeat(47)}1.mp4`);
  const two = outputStem(`${"take-".repeat(47)}2.mp4`);
  assert.equal(one.length, STEM_MAX_LENGTH);
  assert.equal(two.length, STEM_MAX_LENGTH);
  assert.ok(one.startsWith("take-".repeat(18)), one);
  assert.notEqual(one, two);
  assert.equal(outputStem(`${"take-".repeat(47)}1.mp4`), one);
  // A name of many UTF-8 bytes is ASCII once made safe, and short.
  assert.match(outputStem(`${"é".repeat(120)}.mp4`), /^e{91}-[0-9a-f]{8}$/);
  assert.match(outputStem(`${"語".repeat(120)}.mp4`), /^input-[0-9a-f]{8}$/);
});
