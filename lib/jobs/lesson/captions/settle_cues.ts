/**
 * Giving cues their final times: a cue too short to read is merged into a neighbour when the text fits, and each
 * cue stays up after its words are said, long enough to read and never past the next cue or `maxDuration`.
 * @module
 */
import { layoutLines } from "../../../media/caption_lines.ts";
import { type CaptionRules, textLength } from "../../../media/caption_rules.ts";
import { type CaptionWord, joinWords } from "../../../media/caption_words.ts";

/** A cue whose words are placed in the speech, before its end is chosen. */
export interface DraftCue {
  /** Its words. */
  words: CaptionWord[];
  /** Where its first word is said, in seconds. */
  start: number;
  /** Where its last word has been said. */
  speechEnd: number;
}

/** A cue with its lines and final times. */
export interface SettledCue {
  /** When it appears, in seconds. */
  start: number;
  /** When it goes. */
  end: number;
  /** Its lines. */
  lines: string[];
}

/** How long a cue stays after its last word when nothing follows at once, in seconds. */
const LINGER = 0.5;
/** Gaps between cues shorter than this are closed: a caption that blinks off and on is harder to read. */
const CHAIN_GAP = 0.5;
/** The most a cue too short to read moves a neighbour's start or end, in seconds. */
const BORROW = 0.15;

/**
 * Settles cues within `[0, duration]`: merges each cue that would get less than `minDuration` into the next cue
 * (or else the one before) where the words fit the lines and the merged speech fits `maxDuration`; then ends each
 * cue when it has been read (its last word said plus a moment, at least `minDuration` and its characters at
 * `maxCharsPerSecond`), never after the next cue starts or `maxDuration` has passed, and closes short gaps; a cue
 * still too short then borrows up to 0.15 s from neighbours that can spare it.
 *
 * @param drafts The cues, in order, their starts increasing.
 * @param options The rules and the length of the audio the cues are in.
 * @returns The cues with their lines and times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_CAPTION_RULES } from "../../../media/caption_rules.ts";
 * import { captionWords } from "../../../media/caption_words.ts";
 * import { settleCues } from "./settle_cues.ts";
 * const cues = settleCues([
 *   { words: captionWords("Hello."), start: 0.1, speechEnd: 0.5 },
 *   { words: captionWords("This is a lesson."), start: 0.6, speechEnd: 2 },
 * ], { rules: DEFAULT_CAPTION_RULES, duration: 5 });
 * assert.deepEqual(cues, [{ start: 0.1, end: 2.5, lines: ["Hello. This is a lesson."] }]);
 * ```
 */
export function settleCues(
  drafts: readonly DraftCue[],
  options: { rules: CaptionRules; duration: number },
): SettledCue[] {
  const { rules, duration } = options;
  const cues = mergeShortCues(drafts, options);
  const needs = cues.map((cue) =>
    Math.max(rules.minDuration, textLength(joinWords(cue.words)) / rules.maxCharsPerSecond)
  );
  const settled = cues.map((cue, i) => {
    const limit = Math.min(cues[i + 1]?.start ?? duration, cue.start + rules.maxDuration);
    let end = Math.min(limit, Math.max(cue.speechEnd + LINGER, cue.start + needs[i]!));
    if (limit - end < CHAIN_GAP) end = limit;
    return { start: cue.start, end, lines: layoutLines(cue.words, rules) ?? [joinWords(cue.words)] };
  });
  borrowTime(settled, { needs, duration });
  return settled;
}

/**
 * Gives a cue still shorter than it needs up to {@linkcode BORROW} seconds from its neighbours where they can
 * spare it: the next cue starts a little later, or this one a little earlier.
 */
function borrowTime(cues: SettledCue[], context: { needs: readonly number[]; duration: number }): void {
  const { needs, duration } = context;
  const spare = (i: number) => cues[i]!.end - cues[i]!.start - needs[i]!;
  for (const [i, cue] of cues.entries()) {
    let missing = needs[i]! - (cue.end - cue.start);
    if (missing <= 0) continue;
    const next = cues[i + 1];
    const later = Math.min(
      missing,
      BORROW,
      next === undefined ? duration - cue.end : Math.max(0, spare(i + 1)),
    );
    if (next !== undefined && next.start <= cue.end) next.start += later;
    cue.end += later;
    missing -= later;
    const before = cues[i - 1];
    const earlier = Math.min(missing, BORROW, before === undefined ? cue.start : Math.max(0, spare(i - 1)));
    if (missing <= 0 || earlier <= 0) continue;
    if (before !== undefined && before.end >= cue.start) before.end -= earlier;
    cue.start -= earlier;
  }
}

function mergeShortCues(
  drafts: readonly DraftCue[],
  options: { rules: CaptionRules; duration: number },
): DraftCue[] {
  const { rules, duration } = options;
  const cues = [...drafts];
  const merge = (a: DraftCue, b: DraftCue): DraftCue | null => {
    const words = [...a.words, ...b.words];
    const fits = layoutLines(words, rules) !== null && b.speechEnd - a.start <= rules.maxDuration;
    return fits ? { words, start: a.start, speechEnd: b.speechEnd } : null;
  };
  for (let i = 0; i < cues.length;) {
    const room = (cues[i + 1]?.start ?? duration) - cues[i]!.start;
    if (room >= rules.minDuration) {
      i++;
      continue;
    }
    const next = i + 1 < cues.length ? merge(cues[i]!, cues[i + 1]!) : null;
    if (next !== null) {
      cues.splice(i, 2, next);
      continue;
    }
    const before = i > 0 ? merge(cues[i - 1]!, cues[i]!) : null;
    if (before !== null) {
      cues.splice(i - 1, 2, before);
      i--;
      continue;
    }
    i++;
  }
  return cues;
}
