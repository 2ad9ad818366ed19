/**
 * Laying a cue's words out in lines: as few lines as the line length allows, each at most that long, the breaks
 * at clauses where they keep the lines near the same length.
 * @module
 */
import { type CaptionRules, textLength } from "./caption_rules.ts";
import { BREAK_COSTS, type CaptionWord, joinWords, spaceAfter } from "./caption_words.ts";

/** How much a line's distance from the mean length weighs against a break's cost. */
const BALANCE_WEIGHT = 10;

/**
 * Lays words out in the fewest lines of at most `maxLineLength` characters (a word longer than that gets a line of
 * its own), then moves the breaks to balance the lines' lengths and to end lines at clauses rather than inside them.
 *
 * @param words The cue's words.
 * @param rules The line length and the most lines a cue may have.
 * @returns The lines, or null when the words need more than `maxLines` lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layoutLines } from "./caption_lines.ts";
 * import { captionWords } from "./caption_words.ts";
 * const rules = { maxLineLength: 42, maxLines: 2 };
 * assert.deepEqual(layoutLines(captionWords("It holds the planets in their orbits, and it gives us light."), rules), [
 *   "It holds the planets in their orbits,",
 *   "and it gives us light.",
 * ]);
 * assert.equal(layoutLines(captionWords("word ".repeat(30)), rules), null);
 * ```
 */
export function layoutLines(
  words: readonly CaptionWord[],
  rules: Pick<CaptionRules, "maxLineLength" | "maxLines">,
): string[] | null {
  return bestLayout(words, rules)?.lines ?? null;
}

/**
 * Lays words out as {@linkcode layoutLines} does and says how good the layout is.
 *
 * @param words The cue's words.
 * @param rules The line length and the most lines a cue may have.
 * @returns The lines and their cost (0 for one line; more for breaks inside phrases and uneven lines), or null
 *   when the words need more than `maxLines` lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestLayout } from "./caption_lines.ts";
 * import { captionWords } from "./caption_words.ts";
 * assert.deepEqual(bestLayout(captionWords("A short line."), { maxLineLength: 42, maxLines: 2 }), {
 *   lines: ["A short line."],
 *   cost: 0,
 * });
 * ```
 */
export function bestLayout(
  words: readonly CaptionWord[],
  rules: Pick<CaptionRules, "maxLineLength" | "maxLines">,
): { lines: string[]; cost: number } | null {
  const count = fewestLines(words, rules.maxLineLength);
  if (count > rules.maxLines) return null;
  if (count <= 1) return { lines: words.length === 0 ? [] : [joinWords(words)], cost: 0 };
  return balancedLines(words, count, rules.maxLineLength);
}

/**
 * The fewest lines words fit in: filling each line as far as it goes is optimal for this count.
 *
 * @param words The words.
 * @param maxLineLength The most characters a line holds.
 * @returns The count (0 for no words).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fewestLines } from "./caption_lines.ts";
 * import { captionWords } from "./caption_words.ts";
 * assert.equal(fewestLines(captionWords("aaa bbb ccc"), 7), 2);
 * ```
 */
export function fewestLines(words: readonly CaptionWord[], maxLineLength: number): number {
  let lines = 0;
  let length = 0;
  for (const [i, word] of words.entries()) {
    const size = textLength(word.text);
    const gap = i === 0 ? 0 : spaceAfter(words[i - 1]!).length;
    if (lines > 0 && length + gap + size <= maxLineLength) {
      length += gap + size;
    } else {
      lines++;
      length = size;
    }
  }
  return lines;
}

/** Lays words out in exactly `count` lines: the least of break costs plus squared distances from the mean. */
function balancedLines(
  words: readonly CaptionWord[],
  count: number,
  maxLineLength: number,
): { lines: string[]; cost: number } {
  const n = words.length;
  // prefix[k]: the length of the first k words and the spaces after them.
  const prefix = [0];
  for (const word of words) prefix.push(prefix.at(-1)! + textLength(word.text) + spaceAfter(word).length);
  const span = (i: number, j: number) => prefix[j]! - prefix[i]! - spaceAfter(words[j - 1]!).length;
  const mean = span(0, n) / count;
  // best[l][j]: the cost of the first j words in l lines; from[l][j]: where the last of those lines starts.
  const best = Array.from({ length: count + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const from = Array.from({ length: count + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0]![0] = 0;
  for (let l = 1; l <= count; l++) {
    for (let j = 1; j <= n; j++) {
      for (let i = j - 1; i >= 0; i--) {
        const length = span(i, j);
        if (length > maxLineLength && j - i > 1) break;
        const before = best[l - 1]![i]!;
        if (before === Infinity) continue;
        const breakCost = j < n ? BREAK_COSTS[words[j - 1]!.after] : 0;
        const cost = before + breakCost + BALANCE_WEIGHT * ((length - mean) / maxLineLength) ** 2;
        if (cost < best[l]![j]!) {
          best[l]![j] = cost;
          from[l]![j] = i;
        }
      }
    }
  }
  const lines: string[] = [];
  for (let l = count, j = n; l > 0; l--) {
    const i = from[l]![j]!;
    lines.unshift(joinWords(words.slice(i, j)));
    j = i;
  }
  return { lines, cost: best[count]![n]! };
}
