import assert from "node:assert/strict";
import { parseInline } from "../../../../../lib/providers/local/slides/_markdown.ts";

/** Spans as `B[..]` (bold), `I[..]` (italic), `C[..]` (code), `[..]` (plain), joined. */
function show(text: string): string {
  return parseInline(text).map((span) =>
    `${span.bold ? "B" : ""}${span.italic ? "I" : ""}${span.code ? "C" : ""}[${span.text}]`
  ).join("");
}

Deno.test("parseInline() reads bold, italic and code", () => {
  assert.equal(show("Plain text"), "[Plain text]");
  assert.equal(show("**bold** and *italic*"), "B[bold][ and ]I[italic]");
  assert.equal(show("Call `fetch()` first"), "[Call ]C[fetch()][ first]");
  assert.deepEqual(parseInline("**x**"), [{ text: "x", bold: true, italic: false, code: false }]);
});

Deno.test("parseInline() nests emphasis and code", () => {
  assert.equal(show("***both***"), "BI[both]");
  assert.equal(show("**a *b* c**"), "B[a ]BI[b]B[ c]");
  assert.equal(show("*a **b** c*"), "I[a ]BI[b]I[ c]");
  assert.equal(show("**bold `code` bold**"), "B[bold ]BC[code]B[ bold]");
  assert.equal(show("***a** b*"), "BI[a]I[ b]");
});

Deno.test("parseInline() keeps code spans literal, however many backticks", () => {
  assert.equal(show("`x*y*z`"), "C[x*y*z]");
  assert.equal(show("`a\\*b`"), "C[a\\*b]");
  assert.equal(show("``a`b``"), "C[a`b]");
  assert.equal(show("`` `x` ``"), "C[`x`]");
});

Deno.test("parseInline() makes backslash-escaped punctuation literal and keeps other backslashes", () => {
  assert.equal(show("\\*not italic\\*"), "[*not italic*]");
  assert.equal(show("\\`not code\\`"), "[`not code`]");
  assert.equal(show("\\*\\*not bold\\*\\*"), "[**not bold**]");
  assert.equal(show("\\\\*it*"), "[\\]I[it]");
  assert.equal(show("C:\\Users\\me"), "[C:\\Users\\me]");
  assert.equal(show("ends in \\"), "[ends in \\]");
});

Deno.test("parseInline() renders unbalanced markers literally", () => {
  assert.equal(show("**unclosed"), "[**unclosed]");
  assert.equal(show("*"), "[*]");
  assert.equal(show("**"), "[**]");
  assert.equal(show("`unclosed code"), "[`unclosed code]");
  assert.equal(show("**a*"), "[*]I[a]");
  assert.equal(show("*a**"), "I[a][*]");
  assert.equal(show("``a`"), "[``a`]");
});

Deno.test("parseInline() leaves asterisks between spaces and underscores alone", () => {
  assert.equal(show("2 * 3 * 4"), "[2 * 3 * 4]");
  assert.equal(show("** not bold **"), "[** not bold **]");
  assert.equal(show("snake_case_name and __dunder__"), "[snake_case_name and __dunder__]");
});

Deno.test("parseInline() never throws and loses no text but markup", () => {
  const samples = ["", "*", "**", "***", "`", "\\", "*`*`*", "**`**`**", "a**b*c*d**e", "`` ` ``", "*\\**"];
  for (const sample of samples) {
    const spans = parseInline(sample);
    const text = spans.map((span) => span.text).join("");
    assert.ok(text.length <= sample.length, `${sample} → ${text}`);
    assert.ok(spans.every((span) => span.text !== ""), sample);
  }
  // Random strings of markup characters: no throw, nothing empty.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 6;
  for (let round = 0; round < 500; round++) {
    const sample = Array.from({ length: 12 }, () => "*`\\a  "[next()]).join("");
    assert.ok(parseInline(sample).every((span) => span.text !== ""), sample);
  }
});
