/**
 * A word heard in audio, with its times: what speech recognizers give and transcripts are made of.
 * @module
 */

/**
 * One word with its start and end in seconds and how sure the recognizer was.
 *
 * @example
 * ```ts
 * import type { TimedWord } from "./timed_word.ts";
 * const word: TimedWord = { text: "rain", start: 1.25, end: 1.6, confidence: 0.93 };
 * ```
 */
export interface TimedWord {
  /** The word as heard (lower case from pocketsphinx; as written from hosted models). */
  text: string;
  /** Start in seconds. */
  start: number;
  /** End in seconds. */
  end: number;
  /** From 0 to 1, or null when the recognizer does not say. */
  confidence: number | null;
}
