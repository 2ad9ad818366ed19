/**
 * A section's captions: its narration cut into cues by the text rules and timed by its speech. Each sentence
 * starts where speech resumes after the pause matched to it; the cues inside a sentence are spread by letters
 * between the pauses matched to its clauses.
 * @module
 */
import type { Silence } from "../../../media/detect_silences.ts";
import { type CaptionRules, textLength } from "../../../media/caption_rules.ts";
import { type CaptionWord, captionWords, joinWords, sentencesOf } from "../../../media/caption_words.ts";
import { splitCues } from "../../../media/split_cues.ts";
import { alignPhrases, type Phrase, type PhraseTime } from "./align_phrases.ts";
import { type DraftCue, settleCues, type SettledCue } from "./settle_cues.ts";

/** What {@linkcode sectionCues} times the narration by. */
export interface SectionCuesOptions {
  /** The rules. */
  rules: CaptionRules;
  /** The silences of the section's speech, in order (see `detectSilences`). */
  silences: readonly Silence[];
  /** The speech's length in seconds. */
  duration: number;
  /**
   * The language of the voice that speaks it (`de`), where known: its words overrule it (see `captionWords`).
   * @default null
   */
  voiceLanguage?: string | null;
}

/**
 * Cuts a narration into cues and times them by its speech, relative to the speech's start.
 *
 * @param narration The text that was spoken.
 * @param options The rules, the speech's silences and its length.
 * @returns The cues, in order, within `[0, duration]`, never overlapping.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_CAPTION_RULES } from "../../../media/caption_rules.ts";
 * import { sectionCues } from "./section_cues.ts";
 * const cues = sectionCues("The sun is a star at the centre of our solar system. It holds the planets in their orbits.", {
 *   rules: DEFAULT_CAPTION_RULES,
 *   silences: [{ start: 0, end: 0.2 }, { start: 3.4, end: 3.6 }, { start: 6, end: 6.2 }],
 *   duration: 6.2,
 * });
 * assert.deepEqual(cues.map((cue) => cue.start), [0.2, 3.6]);
 * assert.deepEqual(cues[0]?.lines, ["The sun is a star at the centre", "of our solar system."]);
 * ```
 */
export function sectionCues(narration: string, options: SectionCuesOptions): SettledCue[] {
  const { rules, silences, duration, voiceLanguage = null } = options;
  const words = captionWords(narration, { maxLineLength: rules.maxLineLength, voiceLanguage });
  if (words.length === 0) return [];
  const phrases = phrasesOf(words);
  const times = wordTimes(phrases, alignPhrases(phrases.map(phraseOf), silences, duration));
  const drafts: DraftCue[] = [];
  let first = 0;
  for (const run of sentenceRuns(sentencesOf(words), { times, minDuration: rules.minDuration })) {
    const spoken = times.ends[first + run.length - 1]! - times.starts[first]!;
    const perSecond = textLength(joinWords(run)) / Math.max(spoken, 1e-3);
    const offset = first;
    const spanOf = (from: number, to: number) => ({
      start: times.starts[offset + from]!,
      speechEnd: times.ends[offset + to - 1]!,
    });
    drafts.push(...cutRun(run, { rules, perSecond, spanOf }));
    first += run.length;
  }
  return settleCues(drafts, { rules, duration });
}

/** Where each word is said: its phrase's time shared out by the words' weights. */
function wordTimes(
  phrases: readonly CaptionWord[][],
  times: readonly PhraseTime[],
): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [p, phrase] of phrases.entries()) {
    const { start, end } = times[p]!;
    const weight = phrase.reduce((sum, word) => sum + word.weight, 0);
    let at = start;
    for (const word of phrase) {
      starts.push(at);
      at += (word.weight / weight) * (end - start);
      ends.push(at);
    }
  }
  return { starts, ends };
}

/**
 * Groups sentences into runs that are cut into cues together: a sentence said in less than `minDuration` (a
 * "Look closely.") runs on into the next, so that it can share a cue with that sentence's first words.
 */
function sentenceRuns(
  sentences: readonly CaptionWord[][],
  context: { times: { starts: number[]; ends: number[] }; minDuration: number },
): CaptionWord[][] {
  const { times, minDuration } = context;
  const runs: CaptionWord[][] = [];
  let run: CaptionWord[] = [];
  let first = 0;
  for (const [i, sentence] of sentences.entries()) {
    run.push(...sentence);
    const spoken = times.ends[first + run.length - 1]! - times.starts[first]!;
    if (spoken < minDuration && i < sentences.length - 1) continue;
    runs.push(run);
    first += run.length;
    run = [];
  }
  return runs;
}

/**
 * Cuts a run of words into cues of at most `maxDuration` of speech and, where it can, at least `minDuration`: at
 * first by the run's mean speaking rate, then again for any cue that still runs long, down to single words.
 */
function cutRun(
  run: readonly CaptionWord[],
  context: {
    rules: CaptionRules;
    perSecond: number;
    spanOf: (from: number, to: number) => { start: number; speechEnd: number };
  },
): DraftCue[] {
  const { rules, spanOf, perSecond } = context;
  const minCharacters = Math.ceil(perSecond * rules.minDuration);
  const cues: DraftCue[] = [];
  const cut = (from: number, to: number, maxCharacters: number) => {
    let at = from;
    for (const words of splitCues(run.slice(from, to), { rules, maxCharacters, minCharacters })) {
      const span = spanOf(at, at + words.length);
      const long = span.speechEnd - span.start > rules.maxDuration && words.length > 1;
      if (long) cut(at, at + words.length, Math.floor(textLength(joinWords(words)) * 0.8));
      else cues.push({ words, ...span });
      at += words.length;
    }
  };
  cut(0, run.length, Math.floor(perSecond * rules.maxDuration * 0.95));
  return cues;
}

/** The phrases of a narration: runs of words ending at a sentence or clause break. */
function phrasesOf(words: readonly CaptionWord[]): CaptionWord[][] {
  const phrases: CaptionWord[][] = [];
  let current: CaptionWord[] = [];
  for (const word of words) {
    current.push(word);
    if (word.after === "sentence" || word.after === "clause") {
      phrases.push(current);
      current = [];
    }
  }
  if (current.length > 0) phrases.push(current);
  return phrases;
}

function phraseOf(words: readonly CaptionWord[]): Phrase {
  return {
    weight: words.reduce((sum, word) => sum + word.weight, 0),
    endsSentence: words[words.length - 1]!.after === "sentence",
  };
}
