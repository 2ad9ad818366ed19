/**
 * A transcript as the job writes it (`<name>.json`): the recording's words grouped into segments of speech,
 * and its text and subtitle cues.
 * @module
 */
import type { TimedWord } from "../../core/timed_word.ts";
import type { Cue } from "../../media/captions.ts";
import { fewestLines, layoutLines } from "../../media/caption_lines.ts";
import { captionWords } from "../../media/caption_words.ts";

/** A stretch of speech: one subtitle cue, one line of the text. */
export interface TranscriptSegment {
  /** Start in seconds (its first word's). */
  start: number;
  /**
   * End in seconds: its words' latest end (its last word's, but for a word cut to nothing that joined it), at most
   * the longest a segment lasts after its start.
   */
  end: number;
  /** Its words joined by spaces. */
  text: string;
  /** Its words' average confidence, or null when the engine gives none. */
  confidence: number | null;
  /** Its words. */
  words: TimedWord[];
}

/** The `.json` output: what was heard, and by what. */
export interface Transcript {
  /** The recording's length in seconds. */
  duration: number;
  /** The language asked for. */
  language: string;
  /** The engine that heard it (`pocketsphinx`, or `<provider>/<model>`). */
  engine: string;
  /** Number of words. */
  words: number;
  /** The segments, in order. */
  segments: TranscriptSegment[];
}

/** Options for {@linkcode segmentWords}. */
export interface SegmentOptions {
  /** A pause at least this long (s) starts a new segment. @default 0.5 */
  pause?: number;
  /** A segment grows no longer than this (s). @default 6 */
  maxDuration?: number;
  /** The recording's length (s): no word or segment ends after it. @default Infinity */
  duration?: number;
  /** The recording's language (`en`, `de`), for where a cue's lines break. @default told by the words */
  language?: string | null;
}

/** The shortest a segment lasts (s), so that its cue ends after it starts: a recognizer's frame. */
const MIN_SEGMENT_S = 0.01;

/**
 * Groups words into segments: a new one at each pause, and before one grows too long to read as a cue (longer
 * than `maxDuration`, or than two lines of 42 characters). Each
 * segment ends after it starts and within the recording: a word cut to nothing at the end (a chunk stored before
 * words were given a frame) joins the segment before it, and the last word of the recording keeps a frame.
 *
 * @param words The words, in order.
 * @param options Pause, longest duration and most characters.
 * @returns The segments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { segmentWords } from "./transcript.ts";
 * const word = (text: string, start: number) => ({ text, start, end: start + 0.3, confidence: 0.5 });
 * const segments = segmentWords([word("rain", 0), word("falls", 0.35), word("again", 2)]);
 * assert.deepEqual(segments.map((s) => s.text), ["rain falls", "again"]);
 * assert.equal(segments[0]?.confidence, 0.5);
 * ```
 */
export function segmentWords(words: readonly TimedWord[], options: SegmentOptions = {}): TranscriptSegment[] {
  const { pause = 0.5, maxDuration = 6, duration = Infinity, language = null } = options;
  const groups: TimedWord[][] = [];
  let current: TimedWord[] = [];
  // Counted as its cue lays its words out (a lone dash joins the word before it).
  const lines = (group: readonly TimedWord[]) =>
    fewestLines(
      captionWords(group.map((word) => word.text).join(" "), { maxLineLength: CUE_LINE, language }),
      CUE_LINE,
    );
  const within = words.map((word) =>
    word.end > duration ? { ...word, start: Math.min(word.start, duration), end: duration } : word
  );
  for (const word of within) {
    const last = current.at(-1);
    const full = current.length > 0 &&
      (word.start - last!.end >= pause || word.end - current[0]!.start > maxDuration ||
        lines([...current, word]) > CUE_LINES);
    if (full) {
      groups.push(current);
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) groups.push(current);
  return lasting(groups, duration).map((group) => {
    const known = group.filter((word) => word.confidence !== null).map((word) => word.confidence!);
    const confidence = known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
    const start = group[0]!.start;
    return {
      start,
      // A word longer than a segment may last (a text-only model's, spread over a long silence: 8.6 s, tx) ends its
      // segment at the most a segment lasts: the cue is not shown through the silence.
      end: Math.min(
        Math.max(...group.map((word) => word.end)),
        Math.max(start + maxDuration, group.at(-1)!.start),
      ),
      text: group.map((word) => word.text).join(" "),
      confidence: confidence === null ? null : Math.round(confidence * 1000) / 1000,
      words: group,
    };
  });
}

/**
 * The groups with every one lasting: one that lasts nothing (its words all at one instant) joins the group before
 * it, or the one after when it is first; alone, its last word is given {@linkcode MIN_SEGMENT_S} within `duration`.
 */
function lasting(groups: TimedWord[][], duration: number): TimedWord[][] {
  const span = (group: TimedWord[]) => Math.max(...group.map((word) => word.end)) - group[0]!.start;
  const kept: TimedWord[][] = [];
  let pending: TimedWord[] = [];
  for (const group of groups) {
    if (span(group) > 0) {
      kept.push([...pending, ...group]);
      pending = [];
    } else if (kept.length > 0) kept.at(-1)!.push(...group);
    else pending.push(...group);
  }
  if (pending.length === 0) return kept;
  const last = pending.at(-1)!;
  const end = Math.min(last.end + MIN_SEGMENT_S, duration);
  const start = Math.min(last.start, end - MIN_SEGMENT_S);
  return [[...pending.slice(0, -1), { ...last, start, end }]];
}

/**
 * The transcript as plain text: one segment a line.
 *
 * @param transcript The transcript.
 * @returns The text, ending in a newline when there is any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transcriptText } from "./transcript.ts";
 * const segment = { start: 0, end: 1, text: "rain falls", confidence: null, words: [] };
 * assert.equal(transcriptText({ duration: 1, language: "en", engine: "e", words: 2, segments: [segment] }), "rain falls\n");
 * ```
 */
export function transcriptText(transcript: Transcript): string {
  return transcript.segments.map((segment) => `${segment.text}\n`).join("");
}

/**
 * The transcript's subtitle cues: one per segment, at its times, its text in lines of at most 42 characters (two,
 * balanced, at clauses where they can be; three for a segment whose words need them), as subtitles are read.
 *
 * @param transcript The transcript.
 * @returns The cues.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transcriptCues } from "./transcript.ts";
 * const segment = { start: 0.5, end: 1, text: "a --> b", confidence: null, words: [] };
 * const cues = transcriptCues({ duration: 1, language: "en", engine: "e", words: 3, segments: [segment] });
 * assert.deepEqual(cues, [{ start: 0.5, end: 1, text: "a → b" }]);
 * const text = "the captain carried the kitchen table across the yard and into the old barn";
 * const [long] = transcriptCues({ duration: 5, language: "en", engine: "e", words: 15, segments: [{ ...segment, text }] });
 * assert.equal(long!.text, "the captain carried the kitchen table\nacross the yard and into the old barn");
 * ```
 */
export function transcriptCues(transcript: Transcript): Cue[] {
  // "-->" starts a timing line in both formats. Before, a cue was one line of up to 84 characters.
  return transcript.segments.map((segment) => {
    const text = segment.text.replace(/\s+/g, " ").trim().replaceAll("-->", "→");
    const words = captionWords(text, { maxLineLength: CUE_LINE, language: transcript.language });
    // A segment of an older merge may need three.
    const lines = layoutLines(words, { maxLineLength: CUE_LINE, maxLines: CUE_LINES }) ??
      layoutLines(words, { maxLineLength: CUE_LINE, maxLines: CUE_LINES + 1 }) ?? [text];
    return { start: segment.start, end: segment.end, text: lines.join("\n") };
  });
}

/** The most characters a cue's line holds, as broadcasters' subtitles hold. */
const CUE_LINE = 42;
/** The most lines a cue has. */
const CUE_LINES = 2;
