import assert from "node:assert/strict";
import { spokenText } from "../../../lib/core/spoken_text.ts";

Deno.test("spokenText() drops strong and emphasis marks together and nested in any order", () => {
  // Before: `***x***` and `_**x**_` kept their marks (flite said "asterisk" for each).
  for (
    const [written, said] of [
      ["A ***loud*** word.", "A loud word."],
      ["A ___loud___ word.", "A loud word."],
      ["_**Both**_ and **_both_**.", "Both and both."],
      ["**Bold with *italic* inside** ends.", "Bold with italic inside ends."],
      ["*Italic with **bold** inside*", "Italic with bold inside"],
    ] as const
  ) {
    assert.equal(spokenText(written), said, written);
  }
});

Deno.test("spokenText() keeps what is not emphasis, whatever the rounds of marks dropped", () => {
  for (
    const text of [
      "2**8 and snake_case, *args and **kwargs",
      "** not bold ** and * not italic *",
      "***",
      "a***b***c",
    ]
  ) {
    assert.equal(spokenText(text), text);
  }
  // An escaped mark stays a mark once the marks around it are dropped.
  assert.equal(spokenText("**a \\*b\\* c**"), "a *b* c");
});

Deno.test("spokenText() keeps the private-use characters that hold kept literals when a narration has them", () => {
  // Before: "\uE0000\uE001" read as the place of the first kept literal (a code span's): its words said twice.
  const text = "Keep \uE0000\uE001 and `code` and \uE000 alone\uE001.";
  assert.equal(spokenText(text), "Keep \uE0000\uE001 and code and \uE000 alone\uE001.");
});
