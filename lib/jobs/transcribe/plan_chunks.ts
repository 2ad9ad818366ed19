/**
 * Where to cut a recording into chunks: at the silence nearest each target length, so no word is cut; where a
 * stretch of speech has no silence near the target, a hard cut with an overlap that both neighbours hear, settled
 * later by word times (see `merge_chunk_words.ts`). Each chunk after the first also hears a few seconds before its
 * own part (context): a recognizer that starts cold (pocketsphinx adapts its normalization as it listens) hears
 * the first words of its own part as well as a single pass over the whole recording would.
 * @module
 */
import type { Silence } from "../../media/detect_silences.ts";

/** One chunk of a recording, in seconds. */
export interface AudioChunk {
  /** Where its audio starts (before its own part when it overlaps the chunk before). */
  start: number;
  /** Where its audio ends (after its own part when it overlaps the chunk after). */
  end: number;
  /** Where the part it answers for starts: a cut point, shared with the chunk before. */
  from: number;
  /** Where the part it answers for ends: a cut point, shared with the chunk after. */
  to: number;
}

/** Options for {@linkcode planChunks}. */
export interface PlanChunksOptions {
  /** The target length of a chunk, in seconds. */
  chunk: number;
  /** Audio both neighbours hear around a hard cut, in seconds (half on each side of it). */
  overlap: number;
  /** Audio a chunk hears before its own part, in seconds (at least half the overlap at a hard cut). */
  context: number;
}

/**
 * Cuts a recording into chunks of about `chunk` seconds. From each cut, the next is the middle of the silence
 * nearest `chunk` seconds on, looked for within a quarter of `chunk` either side; with no silence there, a hard
 * cut at exactly `chunk` seconds, after which the chunk before hears `overlap / 2` seconds more. The chunk after
 * a cut hears `context` seconds before it (at least `overlap / 2` at a hard cut). The rest is one last chunk once
 * it is no longer than `chunk` and a quarter.
 *
 * @param duration The recording's length in seconds.
 * @param silences Its silences, in order.
 * @param options Target length, overlap and context.
 * @returns The chunks, in order; their own parts (`from` to `to`) tile the recording.
 * @throws {RangeError} When the options are not positive, or the overlap or context are not under half a chunk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planChunks } from "./plan_chunks.ts";
 * // A pause at 9.8–10.4 s: the cut goes in its middle. No pause near 20 s: a hard cut, heard 1 s after by the
 * // chunk before and 3 s before by the chunk after.
 * const chunks = planChunks(26, [{ start: 9.8, end: 10.4 }], { chunk: 10, overlap: 2, context: 3 });
 * assert.deepEqual(chunks, [
 *   { start: 0, end: 10.1, from: 0, to: 10.1 },
 *   { start: 7.1, end: 21.1, from: 10.1, to: 20.1 },
 *   { start: 17.1, end: 26, from: 20.1, to: 26 },
 * ]);
 * ```
 */
export function planChunks(
  duration: number,
  silences: readonly Silence[],
  options: PlanChunksOptions,
): AudioChunk[] {
  const { chunk, overlap, context } = options;
  if (!(chunk > 0) || !(overlap >= 0) || !(context >= 0) || overlap >= chunk / 2 || context >= chunk / 2) {
    throw new RangeError(
      `Cannot plan chunks of ${chunk} s with an overlap of ${overlap} s and a context of ${context} s`,
    );
  }
  const window = chunk / 4;
  const chunks: AudioChunk[] = [];
  let from = 0;
  let start = 0;
  while (duration - from > chunk + window) {
    const target = from + chunk;
    const silence = nearestSilence(silences, target, window);
    if (silence !== null) {
      const cut = round((silence.start + silence.end) / 2);
      chunks.push({ start, end: cut, from, to: cut });
      from = cut;
      start = round(Math.max(0, cut - context));
    } else {
      const cut = round(target);
      chunks.push({ start, end: round(Math.min(duration, cut + overlap / 2)), from, to: cut });
      from = cut;
      start = round(Math.max(0, cut - Math.max(context, overlap / 2)));
    }
  }
  chunks.push({ start, end: round(duration), from, to: round(duration) });
  return chunks;
}

/** The silence whose middle is nearest `target`, within `window` of it; the longer one on a tie. */
function nearestSilence(silences: readonly Silence[], target: number, window: number): Silence | null {
  let best: Silence | null = null;
  let bestDistance = Infinity;
  for (const silence of silences) {
    const distance = Math.abs((silence.start + silence.end) / 2 - target);
    if (distance > window) continue;
    const longer = best !== null && silence.end - silence.start > best.end - best.start;
    if (distance < bestDistance || (distance === bestDistance && longer)) {
      best = silence;
      bestDistance = distance;
    }
  }
  return best;
}

/** Seconds to the millisecond, so cuts read cleanly and equal audio gives equal chunks. */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
