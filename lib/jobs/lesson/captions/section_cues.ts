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
import { alignPhrases, type Phrase } from "./align_phrases.ts";
import { type DraftCue, settleCues, type SettledCue } from "./settle_cues.ts";

/** What {@linkcode sectionCues} times the narration by. */
export interface SectionCuesOptions {
  /** The rules. */
  rules: CaptionRules;
  /** The silences of the section's speech, in order (see `detectSilences`). */
  silences: readonly Silence[];
  /** The speech's length in seconds. */
  duration: number;
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
  const { rules, silences, duration } = options;
  const words = captionWords(narration);
  if (words.length === 0) return [];
  const phrases = phrasesOf(words);
  const times = alignPhrases(phrases.map(phraseOf), silences, duration);
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
  const drafts: DraftCue[] = [];
  let index = 0;
  for (const sentence of sentencesOf(words)) {
    const first = index;
    index += sentence.length;
    const spoken = ends[index - 1]! - starts[first]!;
    const perSecond = textLength(joinWords(sentence)) / Math.max(spoken, 1e-3);
    for (const cue of cutSentence(sentence, { rules, perSecond, spanOf: spanIn(first) })) {
      drafts.push(cue);
    }
  }
  return settleCues(drafts, { rules, duration });

  function spanIn(offset: number) {
    return (from: number, to: number) => ({
      start: starts[offset + from]!,
      speechEnd: ends[offset + to - 1]!,
    });
  }
}

/**
 * Cuts one sentence into cues of at most `maxDuration` of speech: at first by its mean speaking rate, then again for
 * any cue that still runs long, down to single words.
 */
function cutSentence(
  sentence: readonly CaptionWord[],
  context: {
    rules: CaptionRules;
    perSecond: number;
    spanOf: (from: number, to: number) => { start: number; speechEnd: number };
  },
): DraftCue[] {
  const { rules, spanOf } = context;
  const cues: DraftCue[] = [];
  const cut = (from: number, to: number, maxCharacters: number) => {
    let at = from;
    for (const words of splitCues(sentence.slice(from, to), { rules, maxCharacters })) {
      const span = spanOf(at, at + words.length);
      const long = span.speechEnd - span.start > rules.maxDuration && words.length > 1;
      if (long) cut(at, at + words.length, Math.floor(textLength(joinWords(words)) * 0.8));
      else cues.push({ words, ...span });
      at += words.length;
    }
  };
  cut(0, sentence.length, Math.floor(context.perSecond * rules.maxDuration * 0.95));
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
