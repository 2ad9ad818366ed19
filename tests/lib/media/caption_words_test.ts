import assert from "node:assert/strict";
import { captionWords, joinWords, sentencesOf } from "../../../lib/media/caption_words.ts";

const breaks = (text: string) => captionWords(text).map((word) => `${word.text}|${word.after}`);

Deno.test("captionWords() ends sentences at . ! ? … before a capital, a digit or the end", () => {
  assert.deepEqual(breaks("Go! Why? Well… 3 more. done"), [
    "Go!|sentence",
    "Why?|sentence",
    "Well…|sentence",
    "3|word",
    "more.|word",
    "done|sentence",
  ]);
});

Deno.test("captionWords() does not end a sentence at an abbreviation or an initial, which leans on what follows", () => {
  assert.deepEqual(breaks("Ask Dr. Li and J. Smith, e.g. Tom."), [
    "Ask|word",
    "Dr.|weak",
    "Li|conjunction",
    "and|word",
    "J.|weak",
    "Smith,|clause",
    "e.g.|weak",
    "Tom.|sentence",
  ]);
});

Deno.test("captionWords() does not end a sentence at a month's abbreviation or an initialism", () => {
  // Before: "Jan." before its day and "a.m." before a capital ended sentences, and the cues split there.
  assert.deepEqual(breaks("On Jan. 5 at 9 a.m. Eastern, the U.S. Navy met a Ph.D. Student. Then"), [
    "On|weak",
    "Jan.|weak",
    "5|word",
    "at|weak",
    "9|weak",
    "a.m.|weak",
    "Eastern,|clause",
    "the|weak",
    "U.S.|weak",
    "Navy|word",
    "met|word",
    "a|weak",
    "Ph.D.|weak",
    "Student.|sentence",
    "Then|sentence",
  ]);
});

Deno.test("captionWords() ends clauses at commas, semicolons, colons and dashes; words before a conjunction break softly; leaning words weakly", () => {
  assert.deepEqual(breaks("First; then: this – that, of the end because it is"), [
    "First;|clause",
    "then:|clause",
    "this –|clause",
    "that,|clause",
    "of|weak",
    "the|weak",
    "end|conjunction",
    "because|word",
    "it|word",
    "is|sentence",
  ]);
});

Deno.test("captionWords() ends a sentence at a blank line even without punctuation", () => {
  assert.deepEqual(sentencesOf(captionWords("A heading\n\nThe text goes on")).map(joinWords), [
    "A heading",
    "The text goes on",
  ]);
});

Deno.test("captionWords() keeps a word that fits a line whole, its punctuation with it, and writes --> as →", () => {
  const text = "Well-known words, x-->y, “quoted.” Next";
  const words = captionWords(text);
  assert.deepEqual(words.map((word) => word.text), ["Well-known", "words,", "x→y,", "“quoted.”", "Next"]);
  assert.equal(words[3]!.after, "sentence");
  assert.ok(words.every((word) => word.glued === undefined));
});

Deno.test("captionWords() cuts a word longer than a line after a run of / . - and every maxLineLength characters", () => {
  const address = "https://example.com/documentation/getting-started.html";
  const words = captionWords(`See ${address} now`, { maxLineLength: 20 });
  assert.deepEqual(words.map((word) => word.text), [
    "See",
    "https://",
    "example.",
    "com/",
    "documentation/",
    "getting-",
    "started.",
    "html",
    "now",
  ]);
  // Its pieces are glued and break nothing: a full stop inside an address ends no sentence.
  assert.deepEqual(
    words.slice(1, 7).map((word) => [word.glued, word.after]),
    Array(6).fill([true, "inside"]),
  );
  assert.equal(joinWords(words), `See ${address} now`);
  assert.deepEqual(captionWords("x".repeat(50), { maxLineLength: 20 }).map((word) => word.text.length), [
    20,
    20,
    10,
  ]);
});

Deno.test('captionWords() leans a title or a month on what follows, and a time on its a.m. (nw: "10:30 / p.m.")', () => {
  const words = captionWords("Dr. Smith met on Jan. 5 at 10:30 p.m. today");
  const after = (text: string) => words.find((word) => word.text === text)!.after;
  assert.equal(after("Dr."), "weak");
  assert.equal(after("Jan."), "weak");
  assert.equal(after("10:30"), "weak");
  assert.equal(after("met"), "word");
});

Deno.test("captionWords() ends an Arabic sentence at ؟ and a clause at ، (they ended nothing: one 4-s cue)", () => {
  const words = captionWords("ما هو المطر؟ المطر ماء، يسقط من السماء.");
  assert.deepEqual(sentencesOf(words).map(joinWords), ["ما هو المطر؟", "المطر ماء، يسقط من السماء."]);
  assert.equal(words.find((word) => word.text === "ماء،")!.after, "clause");
});

Deno.test("captionWords() cuts writing without spaces into its words, sentences at 。！？ and clauses at ，、", () => {
  const words = captionWords("今天天气很好，我们去公园吧！东京是日本的首都。");
  assert.equal(joinWords(words), "今天天气很好，我们去公园吧！东京是日本的首都。");
  assert.ok(words.length >= 8, JSON.stringify(words));
  assert.deepEqual(sentencesOf(words).map(joinWords), ["今天天气很好，我们去公园吧！", "东京是日本的首都。"]);
  assert.equal(words.find((word) => word.text.endsWith("，"))!.after, "clause");
  // Two sentences of Chinese apart: the full stop ends the first though no capital follows.
  assert.deepEqual(sentencesOf(captionWords("下雨了。 天很冷。")).map(joinWords), ["下雨了。", "天很冷。"]);
});

Deno.test("captionWords() weighs a word by its letters, three per digit, one for the gap", () => {
  assert.deepEqual(captionWords("In 1492, we").map((word) => word.weight), [3, 13, 3]);
  // The pieces of one written word have no gap between them.
  assert.deepEqual(captionWords("你好。再见").map((word) => word.weight), [2, 3]);
});

Deno.test("captionWords() of blank text is empty", () => {
  assert.deepEqual(captionWords(" \n\n \t"), []);
});

Deno.test("captionWords() cuts no grapheme (a family emoji), and an address inside Chinese ends no sentence (rv17)", () => {
  const family = "👨‍👩‍👧‍👦";
  const pieces = captionWords(family.repeat(12), { maxLineLength: 16 }).map((word) => word.text);
  assert.ok(pieces.length > 1);
  for (const piece of pieces) assert.equal(piece.replaceAll(family, ""), "", `cut inside an emoji: ${piece}`);
  const text = "详见https://example.com/docs/intro.html了解更多。下一句。";
  assert.deepEqual(sentencesOf(captionWords(text)).map(joinWords), [
    "详见https://example.com/docs/intro.html了解更多。",
    "下一句。",
  ]);
});

Deno.test("captionWords() joins a lone mark to its word (French spacing), drops one with nothing to see", () => {
  // Before: `!`, `»` and `%` were words of their own, which a line could start with, and a lone zero-width space or
  // joiner was a word no one could see, given its share of a cue's time.
  const words = (text: string) => captionWords(text).map((word) => [word.text, word.after]);
  assert.deepEqual(words("Bonjour ! Comment ça va ?"), [
    ["Bonjour !", "sentence"],
    ["Comment", "word"],
    ["ça", "word"],
    ["va ?", "sentence"],
  ]);
  assert.deepEqual(words("« Oui », dit-il. « Non ! » Il dit : 30 % de plus"), [
    ["« Oui »,", "clause"],
    ["dit-il.", "sentence"],
    ["« Non ! »", "sentence"],
    ["Il", "word"],
    ["dit :", "clause"],
    ["30 %", "word"],
    ["de", "weak"],
    ["plus", "sentence"],
  ]);
  assert.deepEqual(words("¿ Qué ? Sí"), [["¿ Qué ?", "sentence"], ["Sí", "sentence"]]);
  assert.deepEqual(words("Hello \u200b world \u200d \ufe0f again."), [
    ["Hello", "word"],
    ["world", "word"],
    ["again.", "sentence"],
  ]);
  assert.equal(joinWords(captionWords("Fin («")), "Fin («");
});

Deno.test("captionWords() knows the leaning words and conjunctions of the narration's language", () => {
  // nw: German lines ended with "der".
  const breaks = (text: string) =>
    captionWords(text).filter((word) => word.after !== "word").map((word) => `${word.text}|${word.after}`);
  assert.deepEqual(breaks("Die Sonne erwärmt das Wasser der Meere und der Seen, weil die Luft warm ist."), [
    "Die|weak",
    "das|weak",
    "der|weak",
    "Meere|conjunction",
    "der|weak",
    "Seen,|clause",
    "die|weak",
    "ist.|sentence",
  ]);
  assert.deepEqual(breaks("Le soleil chauffe la mer parce que l'air est chaud et sec."), [
    "Le|weak",
    "la|weak",
    "mer|conjunction",
    "parce|weak",
    "chaud|conjunction",
    "sec.|sentence",
  ]);
  // English, as before; a word that leans on the next leans before a conjunction too ("of / which").
  assert.deepEqual(breaks("The part of which we spoke and the rest."), [
    "The|weak",
    "of|weak",
    "spoke|conjunction",
    "the|weak",
    "rest.|sentence",
  ]);
});

Deno.test("captionWords(): marks hold to the word they belong to, by their kind and the quotes opened", () => {
  // rv19: `§` and `•` belong to what follows; German closes „ with “; a dialogue's dash opens its reply; opening
  // marks at a paragraph's end join the word before.
  const words = (text: string) => captionWords(text).map((word) => `${word.text}|${word.after}`);
  assert.deepEqual(words("Voir le § 3 • vite"), [
    "Voir|word",
    "le|word",
    "§|word",
    "3|word",
    "•|word",
    "vite|sentence",
  ]);
  assert.deepEqual(words("Er sagte „ Ja “ und ging."), [
    "Er|word",
    "sagte|word",
    "„ Ja “|word",
    "und|word",
    "ging.|sentence",
  ]);
  assert.deepEqual(words("— Oui, dit-il. — Non, répondit-elle."), [
    "— Oui,|clause",
    "dit-il.|sentence",
    "— Non,|clause",
    "répondit-elle.|sentence",
  ]);
  assert.deepEqual(words("Fin («"), ["Fin («|sentence"]);
  // rv20: a closing quote after a full stop closes; two opening marks at the end join the word before; a minus holds
  // to its number.
  assert.deepEqual(words('He said " yes ." Then " no " end'), [
    "He|word",
    "said|word",
    '" yes ."|sentence',
    "Then|word",
    '" no "|word',
    "end|sentence",
  ]);
  assert.deepEqual(words("Fin ( «"), ["Fin ( «|sentence"]);
  assert.deepEqual(words("Il fait - 5 degrés"), ["Il|word", "fait|word", "- 5|word", "degrés|sentence"]);
  // rv21: a spaced dash before a number, or a range's hyphen, is no minus.
  assert.deepEqual(words("He waited — 10 minutes"), [
    "He|word",
    "waited —|clause",
    "10|word",
    "minutes|sentence",
  ]);
  assert.deepEqual(words("pages 10 - 20"), ["pages|word", "10 -|word", "20|sentence"]);
  // Urdu ends a sentence with ۔ (nw3: one sentence ran over two cues).
  assert.deepEqual(words("یہ کتاب ہے۔ وہ قلم ہے۔"), [
    "یہ|word",
    "کتاب|word",
    "ہے۔|sentence",
    "وہ|word",
    "قلم|word",
    "ہے۔|sentence",
  ]);
});

Deno.test("captionWords(): the language given wins, a guess needs two more words of its own than English has", () => {
  const leaning = (text: string, language?: string) =>
    captionWords(text, { language }).filter((word) => word.after === "weak").map((word) => word.text);
  // rv19: a transcript's few words "so they die in den" were taken for German.
  assert.deepEqual(leaning("so they die in den"), ["in"]);
  // rv20: English words in other languages' lists ("want", "over") told Dutch.
  assert.deepEqual(leaning("Do you want to come over? I want to go over it."), ["to", "to"]);
  // rv21: short Spanish or French is not taken for English for its words English shares.
  assert.deepEqual(leaning("Voy a la casa con mi madre y mi padre"), ["a", "la", "con", "mi", "mi"]);
  assert.deepEqual(leaning("Je suis allé sans ma mère pour son anniversaire"), ["sans", "ma", "pour", "son"]);
  assert.deepEqual(leaning("Die Katze ist in der Küche", "de-DE"), ["Die", "in", "der"]);
  // French elisions set apart lean on the next word, written with ' or ’.
  assert.deepEqual(leaning("Je bois l’ eau de la source et d' autres.", "fr"), ["l’", "de", "la", "d'"]);
});
