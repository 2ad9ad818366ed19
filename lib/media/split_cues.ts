/**
 * Cutting a sentence into cues: each fits the lines a cue may have, the cuts fall at clauses before conjunctions
 * before plain word gaps, and the cues come out near the same length rather than full ones and a scrap.
 * @module
 */
import { bestLayout } from "./caption_lines.ts";
import { type CaptionRules, textLength } from "./caption_rules.ts";
import { BREAK_COSTS, type CaptionWord, spaceAfter } from "./caption_words.ts";

/** How much a cue's shortfall from a full cue weighs against a cut's cost and the cost of one more cue. */
const FILL_WEIGHT = 4;
/** How much a cut's break weighs: a cue cut mid-phrase costs the reader more than a line broken there. */
const CUT_WEIGHT = 2;
/** What a cue shorter than `minCharacters` costs: more than any cut, so a short sentence shares a cue. */
const SHORT_COST = 8;

/** Options for {@linkcode splitCues}. */
export interface SplitCuesOptions {
  /** Line length and lines per cue. */
  rules: Pick<CaptionRules, "maxLineLength" | "maxLines">;
  /** The most characters a cue may hold besides what its lines allow (say, what is said in `maxDuration`). */
  maxCharacters?: number;
  /** Fewer characters than this make a cue too short to read (say, what is said in `minDuration`). @default 0 */
  minCharacters?: number;
}

/**
 * Cuts words (a sentence, usually) into cues, between words (a word longer than a line comes as pieces, see
 * `captionWords`). Among the cuts whose cues all fit, it takes the one with the least cost: one for each cue, the
 * cost of each cut's break, the cost of each cue's own line layout, each cue's shortfall from a full cue, squared,
 * and a high cost for each cue under `minCharacters`.
 *
 * @param words The words, in order.
 * @param options The rules and an optional bound on a cue's characters.
 * @returns The cues' words, in order (none for no words).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionWords, joinWords } from "./caption_words.ts";
 * import { splitCues } from "./split_cues.ts";
 * const words = captionWords(
 *   "The sun is the star at the centre of our solar system, and it holds every planet in its orbit, " +
 *     "from little Mercury out to the icy dwarf worlds beyond Neptune.",
 * );
 * assert.deepEqual(splitCues(words, { rules: { maxLineLength: 42, maxLines: 2 } }).map(joinWords), [
 *   "The sun is the star at the centre of our solar system,",
 *   "and it holds every planet in its orbit,",
 *   "from little Mercury out to the icy dwarf worlds beyond Neptune.",
 * ]);
 * ```
 */
export function splitCues(words: readonly CaptionWord[], options: SplitCuesOptions): CaptionWord[][] {
  const { rules, minCharacters = 0 } = options;
  const full = Math.min(rules.maxLines * rules.maxLineLength, options.maxCharacters ?? Infinity);
  const n = words.length;
  const sizes = words.map((word) => textLength(word.text));
  // best[j]: the least cost of cutting the first j words; from[j]: where the last cue of that cut starts.
  const best = new Array<number>(n + 1).fill(Infinity);
  const from = new Array<number>(n + 1).fill(0);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i] === Infinity) continue;
    let length = 0;
    for (let j = i + 1; j <= n; j++) {
      length += (j === i + 1 ? 0 : spaceAfter(words[j - 2]!).length) + sizes[j - 1]!;
      const alone = j === i + 1;
      const layout = bestLayout(words.slice(i, j), rules);
      if (!alone && (length > full || layout === null)) break;
      const shortfall = Math.max(0, full - length) / full;
      const cost = best[i]! + 1 + FILL_WEIGHT * shortfall ** 2 +
        CUT_WEIGHT * BREAK_COSTS[words[j - 1]!.after] +
        (layout?.cost ?? 0) + (length < minCharacters ? SHORT_COST : 0);
      if (cost < best[j]!) {
        best[j] = cost;
        from[j] = i;
      }
    }
  }
  const cues: CaptionWord[][] = [];
  for (let j = n; j > 0; j = from[j]!) cues.unshift(words.slice(from[j]!, j));
  return cues;
}
