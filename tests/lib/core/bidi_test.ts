import assert from "node:assert/strict";
import {
  directionIn,
  inOwnDirection,
  JOINING_WORD,
  RTL_EMBEDDING,
  textDirection,
  visualOrder,
} from "../../../lib/core/bidi.ts";

const plain = { bold: false };
const bold = { bold: true };
/** One run's stretches as [text, rtl] pairs, left to right. */
const order = (text: string, base: "ltr" | "rtl") =>
  visualOrder([{ text, style: plain }], base).map((stretch) => [stretch.text, stretch.rtl]);

Deno.test("a text's direction is most of its words', its first word's on a tie, isolates aside", () => {
  // nw2: an Arabic line that opens with a product name is Arabic (the first letter's alone made it English).
  assert.equal(textDirection("Python لغة برمجة سهلة."), "rtl");
  assert.equal(textDirection("The word שלום means peace."), "ltr");
  assert.equal(textDirection("Hello שלום"), "ltr");
  assert.equal(textDirection("שלום Hello"), "rtl");
  assert.equal(textDirection("1. كيف يتكون المطر؟"), "rtl");
  assert.equal(textDirection("“Hi” שלום"), "ltr");
  assert.equal(textDirection("\u2067שלום עולם\u2069 Hi"), "ltr");
  // Digits, Arabic digits and emoji have no direction of their own.
  for (const text of ["(2024)", "١٢٣", "😀 …", ""]) assert.equal(textDirection(text), null, text);
});

Deno.test("a paragraph reads in the direction of the text around it where it has a word written so", () => {
  // A Hebrew bullet naming two English words on a Hebrew slide; an English one there; digits alone.
  assert.equal(directionIn("שלום Deno runtime עולם.", "rtl"), "rtl");
  assert.equal(directionIn("English, set left to right.", "rtl"), "ltr");
  assert.equal(directionIn("React", "rtl"), "ltr");
  assert.equal(directionIn("2024", "rtl"), "rtl");
  assert.equal(directionIn("The word שלום means peace.", "ltr"), "ltr");
  assert.equal(directionIn("שלום עולם", "ltr"), "rtl");
});

Deno.test("a right-to-left line is drawn from the right; numbers and English words keep their order", () => {
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

Deno.test("stretches split where the style changes too; characters above U+FFFF have their own class", () => {
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
  // rv18: bidi-js types each half of a character above U+FFFF alone, as a letter written left to right: an emoji
  // between two Arabic words reversed them, and Adlam was drawn left to right.
  assert.deepEqual(order("Deno مرحبا 😀 عالم", "ltr"), [["Deno ", false], ["مرحبا 😀 عالم", true]]);
  assert.deepEqual(order("مرحبا 😀 Deno", "rtl"), [["Deno", false], [" ", true], ["مرحبا 😀", true]]);
  assert.deepEqual(order("𞤀𞤁 𞤂", "rtl"), [["𞤀𞤁 𞤂", true]]);
});

Deno.test("runs in a left-to-right style (code) keep their order inside right-to-left text", () => {
  // nw2, rv18: `print(x);` was drawn ";print(x)", `--help` "help--".
  const [prose, code] = [{ code: false }, { code: true }];
  const options = { leftToRight: (style: { code: boolean }) => style.code };
  const line = [{ text: "استدع ", style: prose }, { text: "print(x);", style: code }, {
    text: " هنا",
    style: prose,
  }];
  assert.deepEqual(visualOrder(line, "rtl", options).map((stretch) => [stretch.text, stretch.rtl]), [
    ["هنا", true],
    [" ", true],
    ["print(x);", false],
    [" ", true],
    ["استدع", true],
  ]);
  const help = [{ text: "--help", style: code }, { text: " לעזרה.", style: prose }];
  assert.deepEqual(visualOrder(help, "rtl", options).map((stretch) => stretch.text), [
    "לעזרה.",
    " ",
    "--help",
  ]);
  // Without the option, the algorithm moves code's marks as any other text's.
  assert.deepEqual(visualOrder(help, "rtl").map((stretch) => stretch.text), ["לעזרה.", " ", "help", "--"]);
});

Deno.test("text for a left-to-right renderer is embedded as right to left, each line, when it reads so", () => {
  assert.equal(inOwnDirection("Hello, world."), "Hello, world.");
  assert.equal(inOwnDirection("123"), "123");
  assert.equal(inOwnDirection("مرحبا."), `${RTL_EMBEDDING[0]}مرحبا.${RTL_EMBEDDING[1]}`);
  // rv18: an embedding ends at a line break, so each line is embedded (a second line's dots were on the right).
  const [open, close] = RTL_EMBEDDING;
  assert.equal(
    inOwnDirection("אוויר חם....\nאוויר חם...."),
    `${open}אוויר חם....${close}\n${open}אוויר חם....${close}`,
  );
  // In the direction of the text around it: an English caption among Hebrew ones stays left to right.
  assert.equal(inOwnDirection("Python 3", { context: "rtl" }), "Python 3");
  assert.equal(inOwnDirection("Python שפה טובה", { context: "rtl" }), `${open}Python שפה טובה${close}`);
  // A left-to-right line with right-to-left words is embedded as left to right, for libass, which would take its
  // first letter's direction (nw3).
  assert.equal(inOwnDirection("שלום means peace", { context: "ltr" }), "\u202aשלום means peace\u202c");
  // For a font without the marks, a right-to-left line's end marks are moved, mirrored: `drawtext` then sets it as a
  // right-to-left paragraph would.
  assert.equal(inOwnDirection("(یہ کتاب ہے)!", { marks: "ends" }), "!(یہ کتاب ہے)");
  assert.equal(inOwnDirection("«שלום» עולם?", { marks: "ends" }), "?שלום» עולם»");
  // rv20: a line that opens with a number opens with the Arabic letter mark too, or it is set apart on the left.
  assert.equal(inOwnDirection("۱۹۴۷ میں پاکستان بنا۔", { marks: "ends" }), "\u061c۱۹۴۷ میں پاکستان بنا۔");
  // rv21: not where the font lacks the mark (a box); marks reversed by grapheme (a skin tone stays after its hand).
  assert.equal(inOwnDirection("۱۹۴۷ میں", { marks: "ends", letterMark: false }), "۱۹۴۷ میں");
  assert.equal(inOwnDirection("شکریہ !👍🏽", { marks: "ends" }), "👍🏽! شکریہ");
});

Deno.test("a word of joining letters holds its vowel marks, joiners and tatweel, and no emoji", () => {
  // rv19, rv20: Arabic's vowel marks and the tatweel belong to no script of their own, and split the word.
  const words = (text: string) => [...text.matchAll(JOINING_WORD)].map((match) => match[0]);
  assert.deepEqual(words("شُکریہ ہـے می‌کنند 👨‍👩‍👧 Hello"), ["شُکریہ", "ہـے", "می‌کنند"]);
});
