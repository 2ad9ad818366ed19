/**
 * What a chunk step's value must be to be merged: its words, times from the chunk's start, in order and within its
 * audio. The chunk step makes every value it stores so ({@linkcode fitChunkWords}); a stored value that is not
 * ({@linkcode chunkValueProblem}: written by an older version, or damaged by hand) is not served, and the chunk
 * is heard again, since the merge would place its words at wrong times, out of order.
 * @module
 */
import type { Json } from "../../core/json.ts";
import type { TimedWord } from "../../core/timed_word.ts";

/** A chunk step's value: the chunk's length and what was heard in it. */
export interface ChunkValue {
  /** The chunk's length in seconds. */
  duration: number;
  /** The words, times from the chunk's start, in order of their start. */
  words: TimedWord[];
  /**
   * Whether the words' times say where each was heard; false when the engine answered text only and the words
   * are spread over the chunk's whole audio (the merge then joins chunks by their words, not their times). A
   * value stored before this was said has word times (see `chunk_step.ts`).
   */
  timed: boolean;
}

/**
 * How far past the end of its chunk a stored word may end (s): what a recognizer's frames (10 ms) and the times'
 * rounding to the millisecond leave. The chunk step cuts its words at the end, so nothing it stores passes it.
 */
export const CHUNK_END_SLACK_S = 0.05;

/** The shortest a stored word lasts (s): a recognizer's frame. */
export const MIN_WORD_S = 0.01;

/**
 * The words as a chunk stores them: times rounded to the millisecond, each within the chunk's audio (a time past its
 * end is cut there, and rounding never takes it past), lasting at least {@linkcode MIN_WORD_S} (a word a server
 * puts after the end, cut to nothing there, ends at the end and starts a frame before), in order of their start.
 *
 * @param words The words an engine heard, times from the chunk's start.
 * @param length The chunk's length in seconds.
 * @returns The words, fitted and sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitChunkWords } from "./chunk_value.ts";
 * const word = (text: string, start: number, end: number) => ({ text, start, end, confidence: null });
 * const words = fitChunkWords([word("falls", 4.2, 5.01), word("rain", 3.8, 4.1), word("on", 5.4, 5.6)], 5);
 * assert.deepEqual(words.map((w) => [w.text, w.start, w.end]), [["rain", 3.8, 4.1], ["falls", 4.2, 5], ["on", 4.99, 5]]);
 * ```
 */
export function fitChunkWords(words: readonly TimedWord[], length: number): TimedWord[] {
  // Whole milliseconds within the audio: 48.8125625 s of audio ends words at 48.812, not 48.813.
  const last = Math.floor(length * 1000);
  const ms = (seconds: number) => Math.min(Math.max(Math.round(seconds * 1000), 0), last);
  const frame = Math.round(MIN_WORD_S * 1000);
  return words
    .map((word) => {
      let start = ms(word.start);
      let end = Math.max(ms(word.end), start);
      if (end - start < frame) {
        end = Math.min(start + frame, last);
        start = Math.max(end - frame, 0);
      }
      return { ...word, start: start / 1000, end: end / 1000 };
    })
    .sort((a, b) => a.start - b.start);
}

/**
 * Why a chunk's value cannot be right for a chunk of `length` seconds, or null when it can: its duration is not
 * the chunk's, or a word has no text, a time that is not a time, starts before the chunk or ends after it (more
 * than {@linkcode CHUNK_END_SLACK_S}), ends before it starts, or starts before the word before it; or `timed`
 * is there and not true or false.
 *
 * @param value A chunk step's value, as stored.
 * @param length The chunk's length in seconds.
 * @returns The problem, naming the word, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chunkValueProblem } from "./chunk_value.ts";
 * const word = (text: string, start: number, end: number) => ({ text, start, end, confidence: 0.9 });
 * assert.equal(chunkValueProblem({ duration: 5, words: [word("rain", 0.2, 0.6)] }, 5), null);
 * assert.equal(
 *   chunkValueProblem({ duration: 5, words: [word("rain", 0.2, 0.6), word("falls", 30.2, 30.6)] }, 5),
 *   'word 2 ("falls") ends at 30.6 s, past the end of the chunk\'s 5.00 s of audio',
 * );
 * ```
 */
export function chunkValueProblem(value: Json, length: number): string | null {
  const { duration, words, timed } =
    (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}) as {
      duration?: Json;
      words?: Json;
      timed?: Json;
    };
  if (typeof duration !== "number" || Math.abs(duration - length) > 0.001) {
    return `its duration (${JSON.stringify(duration ?? null)}) is not the chunk's ${length.toFixed(2)} s`;
  }
  if (!Array.isArray(words)) return "it holds no list of words";
  if (timed !== undefined && typeof timed !== "boolean") {
    return `its "timed" (${JSON.stringify(timed)}) is not true or false`;
  }
  let previous = 0;
  for (const [i, item] of words.entries()) {
    const { text, start, end } = (typeof item === "object" && item !== null ? item : {}) as Record<
      string,
      Json
    >;
    const what = `word ${i + 1}${typeof text === "string" ? ` (${JSON.stringify(text)})` : ""}`;
    if (typeof text !== "string") return `${what} has no text`;
    if (!isTime(start) || !isTime(end)) return `${what} has no start and end in seconds`;
    if (start < 0) return `${what} starts at ${start} s, before the chunk`;
    if (end > length + CHUNK_END_SLACK_S) {
      return `${what} ends at ${end} s, past the end of the chunk's ${length.toFixed(2)} s of audio`;
    }
    if (end < start) return `${what} ends at ${end} s, before it starts (${start} s)`;
    if (start < previous) return `${what} starts at ${start} s, before the word before it (${previous} s)`;
    previous = start;
  }
  return null;
}

function isTime(value: Json | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
