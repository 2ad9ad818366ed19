/**
 * Where each phrase of a narration is spoken, from the pauses in its speech: the phrase boundaries (sentence ends,
 * clause ends) are matched to the silences `silencedetect` found, in order, so that the speaking rate between
 * matched points stays as even as it can; boundaries left unmatched are placed by their share of the letters.
 * @module
 */
import type { Silence } from "../../../media/detect_silences.ts";

/** A run of words between two places the speaker may pause. */
export interface Phrase {
  /** How long it takes to say, in letters (see `CaptionWord.weight`). */
  weight: number;
  /** True when it ends a sentence (a pause after it is likely), false when it ends a clause. */
  endsSentence: boolean;
}

/** When a phrase is spoken. */
export interface PhraseTime {
  /** Where its speech starts, in seconds. */
  start: number;
  /** Where its speech ends. */
  end: number;
  /** True when its start is where speech resumes after a silence (or where the audio's speech starts). */
  anchored: boolean;
}

/** A silence at most this far from an end of the audio is leading or trailing silence, in seconds. */
const EDGE = 0.02;
/** Silences closer than this are one pause (`silencedetect` may report one pause as two that touch). */
const JOIN_GAP = 0.03;
/** Variance of the speaking time per second of speech: how far a phrase may stray from the mean rate. */
const VARIANCE = 0.05;
/** What leaving a boundary unmatched costs: a sentence end nearly always pauses, a clause end often does. */
const SKIP = { sentence: 3, clause: 0.7 };
/** What a pause inside a phrase costs: a base and more the longer it is. */
const STRAY = { base: 0.3, perSecond: 6 };
/** Matched points at most this many boundaries and this many silences apart. */
const REACH = { boundaries: 12, silences: 20 };
/** A boundary looks for silences this far around where the mean rate puts it: seconds, and a share of the time. */
const WINDOW = { seconds: 6, share: 0.15 };

/**
 * Times the phrases of one recording.
 *
 * @param phrases The phrases, in order (at least one).
 * @param silences The recording's silences, in order (see `detectSilences`).
 * @param duration The recording's length in seconds.
 * @returns Each phrase's speech, in order; together they run from where speech starts to where it ends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alignPhrases } from "./align_phrases.ts";
 * const phrases = [{ weight: 30, endsSentence: true }, { weight: 10, endsSentence: false }, { weight: 20, endsSentence: true }];
 * // Speech from 0.2 s; pauses at 3.0–3.4 (after the first sentence) and 4.4–4.6 (after the clause).
 * const silences = [{ start: 0, end: 0.2 }, { start: 3, end: 3.4 }, { start: 4.4, end: 4.6 }, { start: 6.6, end: 7 }];
 * const times = alignPhrases(phrases, silences, 7);
 * assert.deepEqual(times.map((time) => [time.start, time.end]), [[0.2, 3], [3.4, 4.4], [4.6, 6.6]]);
 * ```
 */
export function alignPhrases(
  phrases: readonly Phrase[],
  silences: readonly Silence[],
  duration: number,
): PhraseTime[] {
  const joined = joinNear(silences);
  const first = joined[0];
  const last = joined[joined.length - 1];
  const speechStart = first !== undefined && first.start <= EDGE && first.end < duration ? first.end : 0;
  const speechEnd = last !== undefined && last.end >= duration - EDGE && last.start > speechStart
    ? last.start
    : duration;
  const pauses = joined.filter((silence) => silence.start > speechStart && silence.end < speechEnd);
  const matched = matchBoundaries(phrases, pauses, { start: speechStart, end: speechEnd });
  return phraseTimes(phrases, matched, { start: speechStart, end: speechEnd });
}

/** A boundary's chosen silence: `null` for none. */
type Matches = (Silence | null)[];

/** Boundary `boundary` matched to pause `pause`, with the least cost of a path to it and where that came from. */
interface Node {
  boundary: number;
  pause: number;
  cost: number;
  from: Node | null;
}

/** What the costs are computed from: sums from the first phrase and pause to each one. */
interface Sums {
  /** Weight of the phrases before boundary k. */
  weights: number[];
  /** Seconds of the pauses before pause c. */
  pauses: number[];
  /** What leaving the pauses before pause c unmatched costs. */
  strays: number[];
  /** What leaving the boundaries before boundary k unmatched costs. */
  skips: number[];
  /** Seconds of speech per unit of weight. */
  rate: number;
}

/**
 * Finds the best order-keeping match of boundaries (1..P-1) to pauses by dynamic programming over matched pairs.
 * Returns, for each boundary k (index k; index 0 unused), its pause or null.
 */
function matchBoundaries(
  phrases: readonly Phrase[],
  pauses: readonly Silence[],
  speech: { start: number; end: number },
): Matches {
  const count = phrases.length;
  const sums = sumsOf(phrases, pauses, speech);
  const total = sums.weights[count]!;
  // layers[k]: the nodes of boundary k, by pause. The start is (0, -1), ending where speech starts; the end is
  // (count, M), starting where it ends.
  const layers: Node[][] = Array.from({ length: count + 1 }, () => []);
  layers[0]!.push({ boundary: 0, pause: -1, cost: 0, from: null });
  const edges = {
    start: (c: number) => c >= pauses.length ? speech.end : pauses[c]!.start,
    end: (c: number) => c < 0 ? speech.start : pauses[c]!.end,
  };
  for (let k = 1; k < count; k++) {
    const expected = speech.start + (sums.weights[k]! / total) * (speech.end - speech.start);
    const window = Math.max(WINDOW.seconds, WINDOW.share * (expected - speech.start));
    for (const [c, pause] of pauses.entries()) {
      if (Math.abs(pause.end - expected) > window) continue;
      const node = bestLink(layers, { boundary: k, pause: c }, { sums, edges, reach: REACH });
      if (node !== null) layers[k]!.push(node);
    }
  }
  const last = bestLink(layers, { boundary: count, pause: pauses.length }, {
    sums,
    edges,
    reach: { boundaries: count, silences: Infinity },
  });
  const matches: Matches = new Array(count).fill(null);
  for (let node = last?.from ?? null; node !== null && node.boundary > 0; node = node.from) {
    matches[node.boundary] = pauses[node.pause]!;
  }
  return matches;
}

/** The cheapest way to reach boundary k matched to pause c from an earlier node, or null when there is none. */
function bestLink(
  layers: readonly Node[][],
  to: { boundary: number; pause: number },
  context: {
    sums: Sums;
    edges: { start: (c: number) => number; end: (c: number) => number };
    reach: { boundaries: number; silences: number };
  },
): Node | null {
  const { sums, edges, reach } = context;
  const { boundary: k, pause: c } = to;
  let best: Node | null = null;
  for (let before = k - 1; before >= Math.max(0, k - reach.boundaries); before--) {
    const layer = layers[before]!;
    const expected = sums.rate * (sums.weights[k]! - sums.weights[before]!);
    const skipped = sums.skips[k - 1]! - sums.skips[before]!;
    for (let i = firstFrom(layer, c - reach.silences); i < layer.length && layer[i]!.pause < c; i++) {
      const node = layer[i]!;
      const p = node.pause;
      const time = edges.start(c) - edges.end(p) - (sums.pauses[c]! - sums.pauses[p + 1]!);
      if (time <= 0) continue;
      const cost = node.cost + (time - expected) ** 2 / (VARIANCE * expected + 1e-2) + skipped +
        (sums.strays[c]! - sums.strays[p + 1]!);
      if (best === null || cost < best.cost) best = { boundary: k, pause: c, cost, from: node };
    }
  }
  return best;
}

function sumsOf(
  phrases: readonly Phrase[],
  pauses: readonly Silence[],
  speech: { start: number; end: number },
): Sums {
  const weights = prefixSums(phrases.map((phrase) => phrase.weight));
  const lengths = pauses.map((pause) => pause.end - pause.start);
  const spoken = Math.max(1e-3, speech.end - speech.start - lengths.reduce((a, b) => a + b, 0));
  return {
    weights,
    pauses: prefixSums(lengths),
    strays: prefixSums(lengths.map((length) => STRAY.base + STRAY.perSecond * length)),
    skips: prefixSums(
      phrases.slice(0, -1).map((phrase) => phrase.endsSentence ? SKIP.sentence : SKIP.clause),
    ),
    rate: spoken / Math.max(1e-9, weights[weights.length - 1]!),
  };
}

/** The index of the first node whose pause is at least `pause` (nodes sorted by pause). */
function firstFrom(layer: readonly Node[], pause: number): number {
  let low = 0;
  let high = layer.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (layer[middle]!.pause < pause) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Each phrase's times: matched boundaries where their pauses are, the rest by letters between them. */
function phraseTimes(
  phrases: readonly Phrase[],
  matches: Matches,
  speech: { start: number; end: number },
): PhraseTime[] {
  const times: PhraseTime[] = [];
  let from = 0;
  let fromTime = speech.start;
  for (let k = 1; k <= phrases.length; k++) {
    const pause = k < phrases.length ? matches[k] ?? null : null;
    if (pause === null && k < phrases.length) continue;
    const toTime = pause === null ? speech.end : pause.start;
    const weights = phrases.slice(from, k).map((phrase) => phrase.weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    let at = fromTime;
    for (const [i, weight] of weights.entries()) {
      const end = i === weights.length - 1 ? toTime : at + (weight / sum) * (toTime - fromTime);
      times.push({ start: at, end, anchored: i === 0 });
      at = end;
    }
    from = k;
    fromTime = pause === null ? speech.end : pause.end;
  }
  return times;
}

function joinNear(silences: readonly Silence[]): Silence[] {
  const joined: Silence[] = [];
  for (const silence of silences) {
    const last = joined[joined.length - 1];
    if (last !== undefined && silence.start - last.end <= JOIN_GAP) {
      last.end = Math.max(last.end, silence.end);
    } else joined.push({ ...silence });
  }
  return joined;
}

function prefixSums(values: readonly number[]): number[] {
  const sums = [0];
  for (const value of values) sums.push(sums[sums.length - 1]! + value);
  return sums;
}
