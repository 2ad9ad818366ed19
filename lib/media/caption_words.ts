/**
 * A narration as captions see it: its words in order, each with the kind of break that follows it (the end of a
 * sentence, of a clause, before a conjunction, between two words) and an estimate of how long it takes to say.
 * Writing without spaces between words (Chinese, Japanese, Thai…) is cut into its words by the Unicode word
 * rules (ICU's dictionaries), and a word longer than a line (a web address) into pieces after its `/`, `.`, `-`…,
 * so that every line fits: such pieces are glued, with no space between them.
 * @module
 */
import { CLOSERS, markJoins, SENTENCE_END } from "../core/marks.ts";
import { DEFAULT_CAPTION_RULES, textLength } from "./caption_rules.ts";
import { cutAtMarks } from "../core/word_cuts.ts";
import { segmenter } from "../core/segmenters.ts";

/**
 * What follows a word, from the best place to end a line or a cue to the worst: the end of a sentence, of a clause
 * (a comma, semicolon, colon or dash), before a conjunction, between two words, after a word that leans on the next
 * (an article, a preposition, a title such as `Dr.`, a month's `Jan.`, a time before its `p.m.`), inside a word too
 * long for a line.
 */
export type CaptionBreak = "sentence" | "clause" | "conjunction" | "word" | "weak" | "inside";

/**
 * How bad a place each break is to end a line or a cue: 0 at the end of a sentence, rising to 5 after a word that
 * leans on the next and 8 inside a word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BREAK_COSTS } from "./caption_words.ts";
 * assert.ok(BREAK_COSTS.clause < BREAK_COSTS.conjunction && BREAK_COSTS.conjunction < BREAK_COSTS.word);
 * ```
 */
export const BREAK_COSTS: Readonly<Record<CaptionBreak, number>> = Object.freeze({
  sentence: 0,
  clause: 0.5,
  conjunction: 1.5,
  word: 3,
  weak: 5,
  inside: 8,
});

/** One word of a narration. */
export interface CaptionWord {
  /** The word as written, its punctuation kept (a spaced dash joins the word before it). */
  text: string;
  /** The break after it; the last word's is `sentence`. */
  after: CaptionBreak;
  /** How long it takes to say, in letters: its letters, three per digit, and one for the gap after it (if any). */
  weight: number;
  /** True when the next word follows with no space: both are pieces of one written word. */
  glued?: boolean;
}

const CLAUSE_END = new RegExp(`(?:[,;:，、；：،؛]|—|–)[${CLOSERS}]*$`);
/**
 * A capital, a digit or a letter of a script without capitals (Chinese, Arabic, Hebrew…), after opening marks or a
 * dialogue's dash.
 */
const STARTS_SENTENCE = /^["'\p{Ps}\p{Pi}¿¡—–\s]*[\p{Lu}\p{Lo}\p{N}]/u;
/** Scripts written without spaces between words. */
const UNSPACED_SCRIPTS = ["Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar"];
const UNSPACED = new RegExp(`[${UNSPACED_SCRIPTS.map((name) => `\\p{Script=${name}}`).join("")}]`, "u");
/** A sentence's end in writing without spaces: its own full stops, not a `.` inside an address it quotes. */
const UNSPACED_SENTENCE_END = /[。！？]["'”’)\]」』]*$/;
/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATIONS = new Set([
  "mr.",
  "mrs.",
  "ms.",
  "dr.",
  "prof.",
  "st.",
  "vs.",
  "e.g.",
  "i.e.",
  "cf.",
  "fig.",
  "no.",
  "jr.",
  "sr.",
  "approx.",
  "dept.",
  // Months, which a date's number follows ("Jan. 5").
  "jan.",
  "feb.",
  "mar.",
  "apr.",
  "jun.",
  "jul.",
  "aug.",
  "sep.",
  "sept.",
  "oct.",
  "nov.",
  "dec.",
]);
/**
 * An initialism written with full stops (`U.S.`, `a.m.`, `Ph.D.`): it ends no sentence. One that does ("in the U.S.
 * Then") joins two sentences into one, which at worst moves a line break; taken for an end, it split "9 a.m. Eastern"
 * between two cues.
 */
const INITIALISM = /^(?:\p{L}{1,2}\.){2,}$/u;
/**
 * Each language's words that start a clause (a good place to break where no punctuation offers one) and words
 * that lean on the next one (articles, prepositions, possessives: a line should not end with them). A narration's
 * language is the one whose words it holds most of (see {@linkcode languageOf}); before, only English's were known,
 * and German lines ended with "der".
 */
const FUNCTION_WORDS: Readonly<Record<string, { conjunctions: Set<string>; leaning: Set<string> }>> = {
  en: lexicon(
    "and but or nor so yet because which who whose while when where although though unless until since whereas if " +
      "then that",
    "a an the of to in on at by for with from into my your our their his her its this these",
  ),
  de: lexicon(
    "und oder aber denn sondern weil dass wenn als ob obwohl damit bevor nachdem während sobald wo",
    "der die das den dem des ein eine einen einem einer eines zu zum zur im am vom beim ins mit von für auf aus " +
      "bei nach über unter vor durch gegen ohne um in an mein meine dein deine sein seine ihr ihre unser unsere " +
      "dieser diese dieses",
  ),
  fr: lexicon(
    "et ou mais donc car parce que qui quand si lorsque puisque comme où",
    "le la les un une des du de au aux à en dans sur pour par avec sans sous chez entre vers mon ma mes ton ta tes " +
      "son sa ses notre nos votre vos leur leurs ce cet cette ces parce l' d' qu'",
  ),
  es: lexicon(
    "y e o u pero sino porque que cuando si aunque mientras como donde",
    "el la los las un una unos unas del al a de en con por para sin sobre entre hacia desde hasta mi mis tu tus su " +
      "sus este esta estos estas ese esa esos esas",
  ),
  it: lexicon(
    "e ed o ma però perché che quando se mentre come dove",
    "il lo la i gli le un uno una del dello della dei degli delle di a ad da in con su per tra fra al allo alla " +
      "ai agli alle nel nello nella nei negli nelle sul sulla mio mia tuo tua suo sua questo questa quel quella",
  ),
  pt: lexicon(
    "e ou mas porque que quando se como enquanto porém onde",
    "o a os as um uma uns umas do da dos das de em no na nos nas com por para pelo pela pelos pelas ao à aos às " +
      "sem sobre entre meu minha seu sua este esta esse essa",
  ),
  nl: lexicon(
    "en of maar want omdat als wanneer toen terwijl waar",
    "de het een van in op met voor naar bij uit aan om te door over onder tot mijn zijn haar ons onze deze dit",
  ),
};

/** Words of the other languages' lists that are common English words too: they tell no language apart. */
const ENGLISH_TOO = new Set(
  "a an in on to of for by at as so do die come over want door met is it me be he we no into".split(" "),
);

function lexicon(conjunctions: string, leaning: string): { conjunctions: Set<string>; leaning: Set<string> } {
  return { conjunctions: new Set(conjunctions.split(" ")), leaning: new Set(leaning.split(" ")) };
}

/**
 * The language of {@linkcode FUNCTION_WORDS} whose words a narration holds most of, by two words at least over
 * English's (English's over every other's) and more than any other's; null where none is so far ahead (a few words
 * of a transcript's cue, "so they die in den", tell nothing).
 *
 * @param tokens The narration's written words.
 * @returns The language's code, e.g. `de`, or null.
 */
function languageOf(tokens: readonly string[]): string | null {
  // A word of two languages' lists, or English too ("over", "want"), tells none (rv20: English read as Dutch).
  const telling = tokens.map(bare).filter((word) => !ENGLISH_TOO.has(word));
  const counts = Object.entries(FUNCTION_WORDS).map(([language, words]) => {
    let count = 0;
    for (const word of telling) if (words.leaning.has(word) || words.conjunctions.has(word)) count++;
    return { language, count };
  }).sort((a, b) => b.count - a.count);
  const english = counts.find((entry) => entry.language === "en")!.count;
  const other = counts.find((entry) => entry.language !== "en")!;
  const [first, second] = counts;
  if (first !== other) return english >= other.count + 2 ? "en" : null;
  return other.count >= english + 2 && other.count > second!.count ? other.language : null;
}

/**
 * The language whose words break a narration's lines when neither a language given nor the narration's own words
 * tell one (see {@linkcode captionWords}): the voice's where its words are known, else English. What the cues are
 * keyed by: reel's default voice and the same voice written out give one key (rv21: they keyed apart).
 *
 * @param voiceLanguage The voice's language (`de`, `en-US`), or null when it is not known.
 * @returns A language's code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wordsLanguage } from "./caption_words.ts";
 * assert.equal(wordsLanguage("de-DE"), "de");
 * assert.equal(wordsLanguage(null), wordsLanguage("en"));
 * assert.equal(wordsLanguage("tlh"), "en");
 * ```
 */
export function wordsLanguage(voiceLanguage: string | null | undefined): string {
  return knownLanguage(voiceLanguage) ?? "en";
}

/** The code of `language` (`de-DE` read as `de`) where its words are known, else null. */
function knownLanguage(language: string | null | undefined): string | null {
  const code = language?.toLowerCase().split(/[-_]/)[0];
  return code !== undefined && Object.hasOwn(FUNCTION_WORDS, code) ? code : null;
}

/**
 * Splits a narration into words and tells the break after each: sentences end at `.`, `!`, `?`, `…`, `。！？`,
 * `؟`, `۔` or `।` before a capital, a digit, a letter of a script without capitals or the end (abbreviations such
 * as `e.g.` and `Jan.`, initials such as `J.` and initialisms such as `a.m.` excepted) and at blank lines; clauses at
 * `,`, `;`, `:`, `，、；：`, `،؛` and dashes; breaks before a conjunction and after a word that leans on the next
 * are those of the narration's language (English, German, French, Spanish, Italian, Portuguese or Dutch: the one
 * given, else the one its words tell, else its voice's, else English). Every run of white space separates words, a
 * mark set apart holding to its word (see `markJoins`); writing without spaces is cut into its words, and a word
 * longer than `maxLineLength` into pieces that fit (see the module's text); `-->`, which would start a timing line
 * in SRT and WebVTT, is written `→`.
 *
 * @param text The narration.
 * @param options `maxLineLength`: the most characters a line holds (42 when not given); `language`: the
 * narration's (`en`, `de-DE`), when known; `voiceLanguage`: the language of the voice that speaks it, when known,
 * which its words overrule (a German narration said by an English voice still breaks as German).
 * @returns Its words, in order (none for blank text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionWords } from "./caption_words.ts";
 * const words = captionWords("Hi, Dr. Li — it works. Yes and no");
 * assert.deepEqual(words.map((word) => [word.text, word.after]), [
 *   ["Hi,", "clause"], ["Dr.", "weak"], ["Li —", "clause"], ["it", "word"], ["works.", "sentence"],
 *   ["Yes", "conjunction"], ["and", "word"], ["no", "sentence"],
 * ]);
 * ```
 */
export function captionWords(
  text: string,
  options: { maxLineLength?: number; language?: string | null; voiceLanguage?: string | null } = {},
): CaptionWord[] {
  const longest = options.maxLineLength ?? DEFAULT_CAPTION_RULES.maxLineLength;
  const words: CaptionWord[] = [];
  const paragraphs = text.replaceAll("-->", "→").split(/\n\s*\n/)
    .map((paragraph) => joinMarks(paragraph.split(/\s+/).filter((token) => token !== "")));
  // The language given (a transcript's), else the one the words tell, else the voice's (rv22: an English voice
  // named for a German narration broke it as English), else English.
  const known = FUNCTION_WORDS[
    knownLanguage(options.language) ?? languageOf(paragraphs.flat()) ?? wordsLanguage(options.voiceLanguage)
  ]!;
  for (const tokens of paragraphs) {
    for (const [i, token] of tokens.entries()) {
      const pieces = piecesOf(token, longest);
      const unspaced = UNSPACED.test(token);
      for (const [k, piece] of pieces.entries()) {
        if (k === pieces.length - 1) {
          words.push({
            text: piece,
            after: breakAfter(token, { next: tokens[i + 1], words: known }),
            weight: weightOf(piece) + 1,
          });
        } else {
          words.push({
            text: piece,
            after: gluedBreak(piece, unspaced),
            weight: weightOf(piece),
            glued: true,
          });
        }
      }
    }
  }
  return words;
}

/**
 * A written word (a run without white space) as the pieces a line may end between: the words of writing without
 * spaces, each with the punctuation after it; a word longer than a line cut after its `/`, `.`, `-`… and, where a
 * piece is still longer, every `longest` characters; any other word whole.
 */
function piecesOf(token: string, longest: number): string[] {
  let pieces = [token];
  if (UNSPACED.test(token)) {
    pieces = [];
    for (const { segment, isWordLike } of segmenter("word").segment(token)) {
      if (!isWordLike && pieces.length > 0) pieces[pieces.length - 1] += segment;
      else pieces.push(segment);
    }
  } else if (textLength(token) > longest) {
    pieces = cutAtMarks(token);
  }
  return pieces.flatMap((piece) => textLength(piece) > longest ? cutEvery(piece, longest) : [piece]);
}

/** Cuts text into runs of at most `longest` characters (as `textLength` counts them), never inside a grapheme. */
function cutEvery(text: string, longest: number): string[] {
  const runs = [""];
  let length = 0;
  for (const { segment: character } of segmenter("grapheme").segment(text)) {
    const size = textLength(character);
    if (length > 0 && length + size > longest) {
      runs.push("");
      length = 0;
    }
    runs[runs.length - 1] += character;
    length += size;
  }
  return runs;
}

/**
 * Splits words into their sentences.
 *
 * @param words Words from {@linkcode captionWords}.
 * @returns The sentences, each a run of words whose last one ends a sentence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionWords, sentencesOf } from "./caption_words.ts";
 * assert.deepEqual(sentencesOf(captionWords("One two. Three.")).map((s) => s.length), [2, 1]);
 * ```
 */
export function sentencesOf(words: readonly CaptionWord[]): CaptionWord[][] {
  const sentences: CaptionWord[][] = [];
  let current: CaptionWord[] = [];
  for (const word of words) {
    current.push(word);
    if (word.after === "sentence") {
      sentences.push(current);
      current = [];
    }
  }
  if (current.length > 0) sentences.push(current);
  return sentences;
}

/**
 * Joins words into the text a reader sees.
 *
 * @param words Words.
 * @returns Their texts, one space apart (none after a glued one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionWords, joinWords } from "./caption_words.ts";
 * assert.equal(joinWords(captionWords("a  b\nc")), "a b c");
 * assert.equal(joinWords(captionWords("你好。再见")), "你好。再见");
 * ```
 */
export function joinWords(words: readonly CaptionWord[]): string {
  return words.map((word, i) => i === words.length - 1 ? word.text : word.text + spaceAfter(word)).join("");
}

/**
 * The space that follows a word on a line: none after a glued one.
 *
 * @param word A word.
 * @returns `" "` or `""`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spaceAfter } from "./caption_words.ts";
 * assert.equal(spaceAfter({ text: "a", after: "word", weight: 2 }), " ");
 * ```
 */
export function spaceAfter(word: CaptionWord): string {
  return word.glued === true ? "" : " ";
}

/**
 * The written words a line may end after: a mark set apart joins the word it holds to (`Bonjour !`, `« Oui »`, a
 * dialogue's `— Oui`; see `markJoins`), with its space; a word with nothing to see (a lone zero-width space or
 * joiner) is dropped. Before, each was a word of its own, that a line could start with or a cue hold alone.
 */
function joinMarks(tokens: readonly string[]): string[] {
  const seen = tokens.filter((token) => textLength(token) > 0);
  const joins = markJoins(seen);
  const joined: string[] = [];
  let opening = "";
  for (const [i, token] of seen.entries()) {
    if (joins[i] === "after") opening += `${token} `;
    else if (joins[i] === "before" && opening === "" && joined.length > 0) {
      joined[joined.length - 1] += ` ${token}`;
    } else {
      joined.push(`${opening}${token}`);
      opening = "";
    }
  }
  return joined;
}

/** The break after a piece of a written word: inside a web address or a compound, a `.` or a `:` ends nothing. */
function gluedBreak(piece: string, unspaced: boolean): CaptionBreak {
  if (!unspaced) return "inside";
  return UNSPACED_SENTENCE_END.test(piece) ? "sentence" : CLAUSE_END.test(piece) ? "clause" : "word";
}

function breakAfter(
  token: string,
  context: { next: string | undefined; words: (typeof FUNCTION_WORDS)[string] },
): CaptionBreak {
  const { next, words } = context;
  if (next === undefined) return "sentence";
  if (SENTENCE_END.test(token) && STARTS_SENTENCE.test(next) && !isAbbreviation(token)) return "sentence";
  if (CLAUSE_END.test(token)) return "clause";
  // A title or a month leans on what follows ("Dr. / Smith", "Jan. / 5"), and a time on its "a.m." ("10:30 / p.m."):
  // before a conjunction too ("of / which", "parce / que").
  if (words.leaning.has(bare(token)) || isAbbreviation(token) || /^[ap]\.m\.?[,;:.!?]*$/i.test(next)) {
    return "weak";
  }
  if (words.conjunctions.has(bare(next))) return "conjunction";
  return "word";
}

function isAbbreviation(token: string): boolean {
  const word = token.replace(/^["'“‘(\[]+/, "").toLowerCase();
  return ABBREVIATIONS.has(word) || /^\p{L}\.$/u.test(word) || INITIALISM.test(word);
}

/** A written word as the word lists hold it: lowercase, its letters and apostrophes (`’` read as `'`). */
function bare(token: string): string {
  return token.toLowerCase().replaceAll("’", "'").replace(/[^\p{L}']/gu, "");
}

/** Its letters and three a digit (the gap after it is counted by the caller). */
function weightOf(token: string): number {
  const letters = token.match(/\p{L}/gu)?.length ?? 0;
  const digits = token.match(/\p{N}/gu)?.length ?? 0;
  return letters + 3 * digits;
}
