/**
 * Checking cues against the caption rules, for the caption tests: every breach named, so a failure says which cue
 * broke which rule.
 * @module
 */
import { type CaptionRules, textLength } from "../../lib/media/caption_rules.ts";

/** A cue as the caption tests see it: times in seconds and its lines. */
export interface CheckedCue {
  start: number;
  end: number;
  lines: readonly string[];
}

/** Slack for times computed in floating point, in seconds. */
const EPSILON = 1e-6;

/**
 * Lists every way cues break the rules: a line too long, too many lines, a cue shorter
 * than `minDuration` or longer than `maxDuration`, a cue read faster than `maxCharsPerSecond` (when
 * `readingSpeed` is true), cues out of order or overlapping.
 *
 * @param cues The cues, in order.
 * @param rules The rules.
 * @param options Which rules to check: reading speed (off where the speech itself is faster).
 * @returns One line per breach, naming the cue; none when every cue meets the rules.
 */
export function ruleBreaches(
  cues: readonly CheckedCue[],
  rules: CaptionRules,
  options: { readingSpeed: boolean; minDuration?: boolean } = { readingSpeed: true },
): string[] {
  const breaches: string[] = [];
  for (const [i, cue] of cues.entries()) {
    const name = `cue ${i} (${cue.start.toFixed(3)}–${cue.end.toFixed(3)} s, ${JSON.stringify(cue.lines)})`;
    const duration = cue.end - cue.start;
    if (cue.lines.length < 1 || cue.lines.length > rules.maxLines) breaches.push(`${name}: lines`);
    for (const line of cue.lines) {
      if (textLength(line) > rules.maxLineLength) breaches.push(`${name}: line length`);
    }
    if ((options.minDuration ?? true) && duration < rules.minDuration - EPSILON) {
      breaches.push(`${name}: too short`);
    }
    if (duration > rules.maxDuration + EPSILON) breaches.push(`${name}: too long`);
    const speed = textLength(cue.lines.join(" ")) / duration;
    if (options.readingSpeed && speed > rules.maxCharsPerSecond + EPSILON) {
      breaches.push(`${name}: ${speed.toFixed(1)} characters a second`);
    }
    const before = cues[i - 1];
    if (before !== undefined && cue.start < before.end - EPSILON) breaches.push(`${name}: overlaps`);
  }
  return breaches;
}

/**
 * Synthetic speech timings for a text, without audio: each sentence said at `perSecond` characters a second,
 * followed by a pause; leading and trailing silence. Silences are what `detectSilences` would report.
 *
 * @param sentences The sentences, in order.
 * @param options Characters a second, and the pause after sentence i (seconds).
 * @returns The silences, the length, and each sentence's start.
 */
export function syntheticSpeech(
  sentences: readonly string[],
  options: { perSecond: number; pause: (i: number) => number; lead?: number },
): { silences: { start: number; end: number }[]; duration: number; starts: number[] } {
  const lead = options.lead ?? 0.3;
  const silences = [{ start: 0, end: lead }];
  const starts: number[] = [];
  let at = lead;
  for (const [i, sentence] of sentences.entries()) {
    starts.push(at);
    at += textLength(sentence) / options.perSecond;
    const pause = options.pause(i);
    silences.push({ start: at, end: at + pause });
    at += pause;
  }
  return { silences, duration: at, starts };
}
