import assert from "node:assert/strict";
import { inOwnDirection, RTL_EMBEDDING, textDirection, visualOrder } from "../../../lib/core/bidi.ts";

const plain = { bold: false };
const bold = { bold: true };
/** One run's stretches as [text, rtl] pairs, left to right. */
const order = (text: string, base: "ltr" | "rtl") =>
  visualOrder([{ text, style: plain }], base).map((stretch) => [stretch.text, stretch.rtl]);

Deno.test("a paragraph's direction is its first letter's, past digits, marks and isolates", () => {
  assert.equal(textDirection("Hello שלום"), "ltr");
  assert.equal(textDirection("שלום Hello"), "rtl");
  assert.equal(textDirection("1. كيف يتكون المطر؟"), "rtl");
  assert.equal(textDirection("“Hi” שלום"), "ltr");
  assert.equal(textDirection("\u2067שלום\u2069 Hi"), "ltr");
  // Digits, Arabic digits and emoji have no direction of their own.
  for (const text of ["(2024)", "١٢٣", "😀 …", ""]) assert.equal(textDirection(text), null, text);
});

Deno.test("a right-to-left line is drawn from the right; numbers and English words inside it keep their order", () => {
  // A right-to-left stretch's spaces at its ends are stretches of their own, on the side they are read on.
  // Read from the right: "price", 120, "shekel".
  assert.deepEqual(order("מחיר 120 שקל", "rtl"), [
    ["שקל", true],
    [" ", true],
    ["120", false],
    [" ", true],
    ["מחיר", true],
  ]);
  // A Hebrew phrase inside English, with a number inside the Hebrew: three levels.
  assert.deepEqual(order("He said שלום 12 עולם today.", "ltr"), [
    ["He said ", false],
    ["עולם", true],
    [" ", true],
    ["12", false],
    [" ", true],
    ["שלום", true],
    [" today.", false],
  ]);
  // The full stop of a right-to-left paragraph is its left end: one stretch, drawn from the right.
  assert.deepEqual(order("كيف يتكون المطر؟", "rtl"), [["كيف يتكون المطر؟", true]]);
  assert.deepEqual(order("Hello (world).", "ltr"), [["Hello (world).", false]]);
});

Deno.test("stretches split where the style changes too, and never inside a surrogate pair", () => {
  assert.deepEqual(
    visualOrder([{ text: "שלום ", style: plain }, { text: "Deno", style: bold }, {
      text: " עולם",
      style: plain,
    }], "rtl"),
    [
      { text: "עולם", style: plain, rtl: true },
      { text: " ", style: plain, rtl: true },
      { text: "Deno", style: bold, rtl: false },
      { text: " ", style: plain, rtl: true },
      { text: "שלום", style: plain, rtl: true },
    ],
  );
  for (const text of ["שלום Deno😀", "😀שלום", "Deno😀שלום", "שלום 😀 עולם"]) {
    for (const base of ["ltr", "rtl"] as const) {
      const stretches = visualOrder([{ text, style: plain }], base);
      assert.equal(stretches.map((stretch) => stretch.text).join("").length, text.length);
      assert.ok(stretches.every((stretch) => !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(stretch.text)), text);
    }
  }
});

Deno.test("text for a renderer that sets everything left to right is embedded as right to left when it reads so", () => {
  assert.equal(inOwnDirection("Hello, world."), "Hello, world.");
  assert.equal(inOwnDirection("123"), "123");
  assert.equal(inOwnDirection("مرحبا."), `${RTL_EMBEDDING[0]}مرحبا.${RTL_EMBEDDING[1]}`);
});
