/**
 * Lesson-like narration for caption tests and the caption measurement: sentences of every length a teacher says
 * (short ones, long ones with commas, semicolons, dashes and conjunctions, a year now and then), generated from a
 * seed so the same text comes back every time.
 * @module
 */

const TOPICS = [
  "the sun",
  "a river delta",
  "the human heart",
  "a volcano",
  "the printing press",
  "a honeybee colony",
  "the water cycle",
  "an electric motor",
  "the Roman road network",
  "a coral reef",
  "the immune system",
  "a glacier",
];
const VERBS = [
  "shapes",
  "feeds",
  "moves",
  "protects",
  "changes",
  "connects",
  "warms",
  "builds",
  "drives",
  "holds",
];
const OBJECTS = [
  "the land around it",
  "every living thing nearby",
  "the oceans and the air",
  "the cities along the coast",
  "the way people travel",
  "the seasons of the year",
  "the smallest cells in the body",
  "the soil that farmers depend on",
  "the trade between distant towns",
  "the weather we feel each day",
];
const ADVERBIALS = [
  "over thousands of years",
  "in ways we rarely notice",
  "more quickly than most people expect",
  "long before anyone wrote it down",
  "even on the coldest days",
  "at a scale that is hard to imagine",
  "with surprising precision",
];
const SHORT = [
  "Look closely.",
  "That matters.",
  "Think about it.",
  "Here is why.",
  "It works.",
  "Not quite.",
];

/**
 * Makes a narration of about `words` words.
 *
 * @param words How many words (about; whole sentences).
 * @param seed The text's seed.
 * @returns The narration.
 */
export function lessonText(words: number, seed = 1): string {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const clause = () => `${pick(TOPICS)} ${pick(VERBS)} ${pick(OBJECTS)}`;
  const forms = [
    () => `${clause()}.`,
    () => `${clause()} ${pick(ADVERBIALS)}.`,
    () => `${clause()}, and ${clause()} ${pick(ADVERBIALS)}.`,
    () => `When ${clause()}, ${clause()}.`,
    () => `In ${1400 + Math.floor(random() * 600)}, people learned that ${clause()}; ${clause()} too.`,
    () => `${clause()} — ${pick(ADVERBIALS)} — because ${clause()} ${pick(ADVERBIALS)}.`,
    () =>
      `${clause()} ${pick(ADVERBIALS)}, which means that ${clause()} ${pick(ADVERBIALS)} but ${clause()}.`,
    () => pick(SHORT),
  ];
  const sentences: string[] = [];
  for (let count = 0; count < words;) {
    const text = pick(forms)();
    const sentence = `${text[0]!.toUpperCase()}${text.slice(1)}`;
    sentences.push(sentence);
    count += sentence.split(" ").length;
  }
  return sentences.join(" ");
}

/**
 * Splits a narration into its sentences the way it was made (each ends with `.` before a space).
 *
 * @param text A narration from {@linkcode lessonText}.
 * @returns Its sentences.
 */
export function lessonSentences(text: string): string[] {
  return text.split(/(?<=\.)\s+/);
}

/** A small seeded random number generator. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Finds the cues that start a sentence: a cue does when the cues before it hold exactly the sentences before it.
 *
 * @param cues The cues of one narration, in order, with their lines.
 * @param sentences The narration's sentences, in order.
 * @returns For each cue that starts a sentence, that sentence's index and the cue's start.
 */
export function sentenceCues(
  cues: readonly { start: number; lines: readonly string[] }[],
  sentences: readonly string[],
): { sentence: number; start: number }[] {
  const squash = (text: string) => text.replace(/\s+/g, "");
  const found: { sentence: number; start: number }[] = [];
  let said = "";
  let next = 0;
  let before = "";
  for (const cue of cues) {
    while (next < sentences.length && before.length < said.length) before += squash(sentences[next++]!);
    if (before === said && next < sentences.length) found.push({ sentence: next, start: cue.start });
    said += squash(cue.lines.join(" "));
  }
  return found;
}
