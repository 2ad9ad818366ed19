/**
 * Joining the words of chunks into one transcript. Where two chunks heard the same audio (around a hard cut, and
 * the context a chunk hears before its own part), the words each heard there are aligned by time, and of each
 * pair the one farther from the edge of its chunk is kept (a word near an edge may have been heard cut in half),
 * so every word is kept once. A chunk that ends at a silence has a clean edge: its words up to it are kept, and a
 * word the next chunk heard there in its context, a second or more into its audio, is kept too where the chunk
 * before missed it (see `missedBefore`).
 * Where either chunk's words have no times of their own (a model that answers text only: its words are spread
 * over the chunk's whole audio, silences and context included), the two are aligned by their words instead, unless
 * the audio both heard is all silence (told by the silences given): then no word was heard twice, and a word the
 * two share at the seam ("… is yes. [pause] Yes, we …") was said twice, so both are kept.
 * @module
 */
import type { TimedWord } from "../../core/timed_word.ts";
import type { Silence } from "../../media/detect_silences.ts";
import type { AudioChunk } from "./plan_chunks.ts";

/** A chunk and the words heard in it, their times from the chunk's start. */
export interface HeardChunk {
  /** Where the chunk is in the recording. */
  chunk: AudioChunk;
  /** The words, times relative to `chunk.start`. */
  words: readonly TimedWord[];
  /** False when the words have no times of their own, only spread over the chunk (see `chunk_value.ts`). */
  timed: boolean;
}

/** Options for {@linkcode mergeChunkWords}. */
export interface MergeChunkWordsOptions {
  /**
   * Silences of the recording, in order, in seconds (those outside the audio two neighbouring chunks both hear do
   * not matter: see {@linkcode overlapSilences}). A text-only seam whose shared audio lies in one is joined
   * without aligning its words.
   * @default [] (any shared audio may hold speech)
   */
  silences?: readonly Silence[];
}

/**
 * Merges the words of consecutive chunks into the words of the recording, times absolute, each word once.
 *
 * @param chunks The chunks in order, with what was heard in each.
 * @param options The recording's silences.
 * @returns The words in order of time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeChunkWords } from "./merge_chunk_words.ts";
 * const word = (text: string, start: number, end: number) => ({ text, start, end, confidence: 1 });
 * const words = mergeChunkWords([
 *   { chunk: { start: 0, end: 11, from: 0, to: 10 }, words: [word("rain", 9.2, 9.6), word("falls", 9.7, 10.3), word("fr", 10.6, 11)], timed: true },
 *   { chunk: { start: 9, end: 20, from: 10, to: 20 }, words: [word("n", 0, 0.1), word("falls", 0.7, 1.3), word("from", 1.5, 1.9)], timed: true },
 *   { chunk: { start: 17, end: 25, from: 20, to: 25 }, words: [word("clouds", 0.2, 0.7), word("today", 3.1, 3.5)], timed: true },
 * ]);
 * assert.deepEqual(words.map((w) => w.text), ["rain", "falls", "from", "today"]);
 * assert.deepEqual(words.map((w) => w.start), [9.2, 9.7, 10.5, 20.1]);
 * ```
 */
export function mergeChunkWords(
  chunks: readonly HeardChunk[],
  options: MergeChunkWordsOptions = {},
): TimedWord[] {
  const { silences = [] } = options;
  let merged: TimedWord[] = [];
  let previous: HeardChunk | null = null;
  for (const heard of chunks) {
    const { chunk, words } = heard;
    const absolute = words.map((word) => ({
      ...word,
      start: round(word.start + chunk.start),
      end: round(word.end + chunk.start),
    }));
    if (previous === null || previous.chunk.end <= chunk.start) {
      // Not pushed as arguments: a chunk of 130,000 words overflowed the stack (tx).
      merged = merged.concat(absolute);
    } else if (previous.timed && heard.timed) {
      merged = joinOverlap(merged, absolute, { before: previous.chunk, after: chunk, silences });
    } else {
      const shared = { start: chunk.start, end: previous.chunk.end };
      const silent = silences.some((silence) => covers(silence, shared));
      merged = joinByText(merged, absolute, { before: previous.chunk, after: chunk, silent });
    }
    previous = heard;
  }
  return framed(merged);
}

/**
 * The words, each lasting a frame at least: a word moved on to start when the one before ends, with no time left
 * before the recording's (or its chunk's) end, lasted nothing (fi19: `blue 26.31–26.31` in a transcript of 26.31 s;
 * the README says a word lasts a frame); it takes its frame from the words before it, whose ends are moved back
 * (and their starts, where one would last less than a frame), in order.
 */
function framed(words: TimedWord[]): TimedWord[] {
  const short = words.findLastIndex((word) => word.end - word.start < FRAME_S - ROUNDING_S);
  if (short < 0) return words;
  const out = words.slice();
  for (let i = short; i >= 0; i--) {
    const word = out[i]!;
    const end = i + 1 < out.length ? Math.min(word.end, out[i + 1]!.start) : word.end;
    const start = Math.max(0, Math.min(word.start, round(end - FRAME_S)));
    if (start === word.start && end === word.end) continue;
    out[i] = { ...word, start, end };
  }
  return out;
}

/**
 * The silences that {@linkcode mergeChunkWords} looks at: those within the audio two neighbouring chunks both hear,
 * cut to it. A split hands these on to the merge, not every pause of the recording.
 *
 * @param chunks The chunks in order.
 * @param silences The recording's silences, in order.
 * @returns The parts of the silences that lie in audio two chunks share, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overlapSilences } from "./merge_chunk_words.ts";
 * const chunks = [{ start: 0, end: 20, from: 0, to: 20 }, { start: 18, end: 30, from: 20, to: 30 }];
 * const silences = [{ start: 5, end: 6 }, { start: 17.5, end: 22.5 }];
 * assert.deepEqual(overlapSilences(chunks, silences), [{ start: 18, end: 20 }]);
 * ```
 */
export function overlapSilences(chunks: readonly AudioChunk[], silences: readonly Silence[]): Silence[] {
  const shared: Silence[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const before = chunks[i - 1];
    if (before === undefined || before.end <= chunk.start) continue;
    for (const silence of silences) {
      const start = Math.max(silence.start, chunk.start);
      const end = Math.min(silence.end, before.end);
      if (start < end) shared.push({ start, end });
    }
  }
  return shared;
}

/**
 * How far (s) a silence may fall short of either end of the audio two chunks share and still be taken to cover it:
 * the chunks' times are rounded to the millisecond, the silences' are not.
 */
const CUT_ROUNDING_S = 0.001;

/** Whether the silence spans all of `audio`. */
function covers(silence: Silence, audio: { start: number; end: number }): boolean {
  return silence.start <= audio.start + CUT_ROUNDING_S && silence.end >= audio.end - CUT_ROUNDING_S;
}

type Step = { a: TimedWord; b: TimedWord } | { a: TimedWord; b: null } | { a: null; b: TimedWord };

/**
 * How near (s) to the hard edge of its chunk a word counts for less when the two sides of a cut are weighed: at the
 * edge for nothing (it may have been heard cut in half), from this far on wholly.
 */
const EDGE_S = 2;

/**
 * Joins the words so far and the next chunk's words, which overlap in time from `after.start` to `before.end`: the
 * words both heard there, aligned (see {@linkcode align}), are cut once, those before the cut kept from the chunk
 * before, the rest from the next, so each stretch of the shared audio is told by one side, with no word twice and
 * no two at once. The cut is where the least speech is told twice or by no word (see {@linkcode misheardAt}: the
 * sides may split a stretch into words differently, "blueyellow" against "greenblue yellow"), then where the words
 * kept weigh most, a word weighing less the nearer it is to the hard edge of its chunk: a word one side alone heard
 * is kept unless the other side heard others there, farther from its edge. A chunk before that ends at a silence (a
 * clean edge) keeps all its words, and the next chunk's words there are left out but for one the chunk before
 * missed (see {@linkcode missedBefore}).
 */
function joinOverlap(
  sofar: TimedWord[],
  next: TimedWord[],
  chunks: { before: AudioChunk; after: AudioChunk; silences: readonly Silence[] },
): TimedWord[] {
  const { before, after } = chunks;
  // Every word either side heard in the shared audio, in part too, or timed just past it (as far as two sides'
  // times of one word may differ): a word the chunk before heard cut in half at its end pairs with the next chunk's
  // whole one, as does one the next chunk timed just after that end (left out, either was kept twice; at a clean
  // edge too, rv23: "child" heard at 9.5–9.9 s before a cut at 10 s and at 10.0–10.3 s after it). The next chunk's
  // words past that end that pair with none are kept (see `kept`); the chunk before's are not widened at a clean
  // edge (the chunk before cut at a silence): its words are kept up to it.
  const clean = before.end <= before.to;
  const firstShared = sofar.findIndex((word) => word.end > after.start - (clean ? 0 : SAME_WORD_TOLERANCE_S));
  const split = firstShared < 0 ? sofar.length : firstShared;
  const tail = sofar.slice(split);
  const lastShared = next.findLastIndex((word) => word.start < before.end + SAME_WORD_TOLERANCE_S);
  const head = next.slice(0, lastShared + 1);
  const steps = inTimeOrder(align(tail, head));
  const weight = (margin: number) => Math.min(1, Math.max(0, margin) / EDGE_S);
  // `gain`: what the words kept weigh with the cut before step k (the chunk before's words before it).
  let cut = steps.length;
  if (!clean) {
    const mid = (after.start + before.end) / 2;
    const at = (k: number) => {
      const word = k < steps.length ? (steps[k]!.a ?? steps[k]!.b!) : null;
      return word === null ? before.end : middle(word);
    };
    let gain = steps.reduce(
      (sum, step) => sum + (step.b === null ? 0 : weight(middle(step.b) - after.start)),
      0,
    );
    const cuts: Cut[] = [{ k: 0, gain, distance: Math.abs(at(0) - mid), misheard: misheardAt(steps, 0) }];
    for (let k = 1; k <= steps.length; k++) {
      const { a, b } = steps[k - 1]!;
      gain += (a === null ? 0 : weight(before.end - middle(a))) -
        (b === null ? 0 : weight(middle(b) - after.start));
      cuts.push({ k, gain, distance: Math.abs(at(k) - mid), misheard: misheardAt(steps, k) });
    }
    cut = chooseCut(cuts);
  }
  const toldBefore = clean ? steps.flatMap((step) => step.a === null ? [] : [step.a]) : [];
  // A word of the chunk before that the next chunk's words paired with was heard by both: it cannot be the one the
  // next chunk heard again elsewhere (rv23: "no no", heard once before, lost its second "no").
  const unpaired = clean ? steps.flatMap((step) => step.a !== null && step.b === null ? [step.a] : []) : [];
  const missed = (word: TimedWord) =>
    weight(middle(word) - after.start) >= 0.5 &&
    missedBefore(word, { told: toldBefore, unpaired, silences: chunks.silences });
  const kept = steps.flatMap((step, k) => {
    const word = k < cut ? step.a : step.b;
    if (word !== null) return [word];
    if (!clean || step.a !== null) return [];
    // At a clean edge, a word the next chunk alone heard across the cut, most of it after, is kept: the chunk
    // before heard its start only (the cut's "silence" held speech: a quiet recording's, tx). So is one it heard
    // in its context that the chunk before missed, far enough from the start of the next chunk's audio to weigh
    // half at least (not a scrap of a word cut there). Before, such a word was lost.
    const only = step.b!;
    return middle(only) >= before.end || missed(only) ? [only] : [];
  });
  // At the cut, a word of the next chunk starts no earlier than the word before it ends; one of the shared stretch
  // that lies wholly (or all but a frame) before that end was heard in audio the chunk before tells, and is left out.
  // Past the shared stretch, every word is the next chunk's alone: one that starts early (two words a server put
  // past the chunk's end, both cut to its last frame) is moved on, never left out; with no time left before its end,
  // it lasts nothing, and the cues join it to the one before (as they do a word an older version stored).
  const joined = sofar.slice(0, split);
  const shared = new Set(kept);
  for (const word of [...kept, ...next.slice(lastShared + 1)]) {
    const start = Math.max(word.start, joined.at(-1)?.end ?? word.start);
    if (start === word.start) joined.push(word);
    else if (word.end - start >= FRAME_S - ROUNDING_S) joined.push({ ...word, start });
    else if (!shared.has(word)) joined.push({ ...word, start, end: Math.max(word.end, start) });
  }
  return joined;
}

/**
 * The cut to make: of the cuts within {@linkcode MISHEARD_TOLERANCE_S} of the least speech told twice or not at all
 * (the least of all: compared with each other, each could add the tolerance to the last, rv11), the one whose words
 * weigh most; of equal weights, the one nearest the middle of the shared audio.
 *
 * @param cuts The places to cut, weighed; one at least.
 * @returns The chosen one's `k`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseCut } from "./merge_chunk_words.ts";
 * // Each within 0.1 s of the one before, the last 0.18 s past the least: not chosen.
 * const cuts = [0, 0.09, 0.18].map((misheard, k) => ({ k, gain: k, distance: 0, misheard }));
 * assert.equal(chooseCut(cuts), 1);
 * ```
 */
export function chooseCut(cuts: readonly Cut[]): number {
  const least = Math.min(...cuts.map((cut) => cut.misheard));
  const better = (x: Cut, y: Cut) =>
    x.gain > y.gain + 1e-9 || (Math.abs(x.gain - y.gain) <= 1e-9 && x.distance < y.distance);
  return cuts.filter((cut) => cut.misheard <= least + MISHEARD_TOLERANCE_S).reduce((x, y) =>
    better(y, x) ? y : x
  ).k;
}

/** A place to cut the aligned words at, weighed (see {@linkcode joinOverlap}). */
export interface Cut {
  /** Keep the chunk before's words of the steps before `k`, the next chunk's from `k` on. */
  k: number;
  /** What the words kept weigh. */
  gain: number;
  /** How far (s) from the middle of the shared audio. */
  distance: number;
  /** Seconds of speech told twice or by no word kept (see {@linkcode misheardAt}). */
  misheard: number;
}

/** How much (s) more speech told twice or not at all a cut may have and still count as good as another. */
const MISHEARD_TOLERANCE_S = 0.1;

/**
 * The seconds of speech a cut before step `k` tells twice or not at all, which matters where the two sides split it
 * into words differently ("blue yellow" heard as "blueyellow" by one, "greenblue yellow" by the other): each word
 * kept from the chunk before counts for its time that a word kept from the next tells too, each word left out for
 * its time that no word kept tells. Where both sides heard the same words, every cut counts about the same (their
 * times' differences).
 */
function misheardAt(steps: readonly Step[], k: number): number {
  const words = (from: number, to: number, side: "a" | "b") =>
    steps.slice(from, to).flatMap((step) => step[side] === null ? [] : [step[side]!]);
  const keptA = words(0, k, "a");
  const keptB = words(k, steps.length, "b");
  const kept = [...keptA, ...keptB];
  let seconds = 0;
  for (const word of keptA) seconds += coveredBy(word, keptB);
  for (const word of [...words(k, steps.length, "a"), ...words(0, k, "b")]) {
    seconds += word.end - word.start - coveredBy(word, kept);
  }
  return seconds;
}

/** How much (s) of `word`'s time the spans given (words, silences) cover, joined so that none counts twice. */
function coveredBy(word: TimedWord, words: readonly { start: number; end: number }[]): number {
  const spans = words
    .map((other) => [Math.max(word.start, other.start), Math.min(word.end, other.end)] as const)
    .filter(([start, end]) => end > start)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reached = word.start;
  for (const [start, end] of spans) {
    if (end <= reached) continue;
    covered += end - Math.max(start, reached);
    reached = end;
  }
  return covered;
}

/** How much (s) of a word another word may overlap and still leave it a word of its own: a frame's rounding. */
const TOUCH_S = 0.05;

/** How far apart (s) two words of the same text are taken for one word timed otherwise by two recognizers. */
const SAME_TEXT_REACH_S = 1;

/**
 * Whether the chunk before a clean cut missed a word that only the next chunk heard, in its context: no word of
 * the chunk before overlaps it (more than {@linkcode TOUCH_S}), none it heard alone says the same within
 * {@linkcode SAME_TEXT_REACH_S} (one word timed twice, rv22: "small" 0.35 s apart was kept twice; "color" over
 * "colour" too), and most of it lies outside the silences found there (a word a recognizer makes up in a pause,
 * rv22).
 */
function missedBefore(
  word: TimedWord,
  context: { told: readonly TimedWord[]; unpaired: readonly TimedWord[]; silences: readonly Silence[] },
): boolean {
  const overlaps = (other: TimedWord) =>
    Math.min(word.end, other.end) - Math.max(word.start, other.start) > TOUCH_S;
  const heardAgain = (other: TimedWord) =>
    sameText(word, other) && Math.abs(middle(word) - middle(other)) <= SAME_TEXT_REACH_S;
  if (context.told.some(overlaps) || context.unpaired.some(heardAgain)) return false;
  return coveredBy(word, context.silences) <= (word.end - word.start) / 2;
}

/** The shortest (s) a word the merge moves may last: a frame, as a chunk stores its words. */
const FRAME_S = 0.01;

/** What (s) two times rounded to the millisecond may differ from the sum of their parts by. */
const ROUNDING_S = 1e-9;

/**
 * The steps of an alignment with each run of words that only one side heard in order of time (the alignment puts
 * the next chunk's before the chunk before's where they tie), so that one cut can keep a word of each.
 */
function inTimeOrder(steps: Step[]): Step[] {
  const ordered: Step[] = [];
  let run: Step[] = [];
  const flush = () => {
    for (const step of run.sort((x, y) => middle((x.a ?? x.b)!) - middle((y.a ?? y.b)!))) ordered.push(step);
    run = [];
  };
  for (const step of steps) {
    if (step.a !== null && step.b !== null) {
      flush();
      ordered.push(step);
    } else run.push(step);
  }
  flush();
  return ordered;
}

/**
 * How far apart (s) two chunks may place a word they both heard and still be taken to have heard the same word:
 * recognizers that start or stop near a word time it differently, and two times of one word that do not overlap
 * made it kept twice, or not at all.
 */
const SAME_WORD_TOLERANCE_S = 0.3;

/**
 * Aligns two runs of words heard in the same stretch of audio: a word of each side that overlaps in time pairs
 * up (the same text costs less than another), as do words of the same text within
 * {@linkcode SAME_WORD_TOLERANCE_S} of each other, and the alignment pairs as many words as it can.
 */
function align(a: readonly TimedWord[], b: readonly TimedWord[]): Step[] {
  const gap = 1;
  const cost = (x: TimedWord, y: TimedWord) => {
    const shared = Math.min(x.end, y.end) - Math.max(x.start, y.start);
    const same = sameText(x, y);
    if (shared <= 0) {
      return same && -shared <= SAME_WORD_TOLERANCE_S ? 0.5 * (-shared / SAME_WORD_TOLERANCE_S) : Infinity;
    }
    // Two words of which neither lies half within the other are two words (a word of one side just reaching into
    // the other's took its neighbour's place, which was lost).
    if (!same && shared < 0.5 * Math.min(x.end - x.start, y.end - y.start)) return Infinity;
    return same ? 0 : 0.5 + 0.5 * (1 - shared / span(x, y));
  };
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) table[i * columns] = i * gap;
  for (let j = 0; j < columns; j++) table[j] = j * gap;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      table[i * columns + j] = Math.min(
        table[(i - 1) * columns + j - 1]! + cost(a[i - 1]!, b[j - 1]!),
        table[(i - 1) * columns + j]! + gap,
        table[i * columns + j - 1]! + gap,
      );
    }
  }
  const steps: Step[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    const here = table[i * columns + j]!;
    if (i > 0 && j > 0 && here === table[(i - 1) * columns + j - 1]! + cost(a[i - 1]!, b[j - 1]!)) {
      steps.push({ a: a[--i]!, b: b[--j]! });
    } else if (i > 0 && here === table[(i - 1) * columns + j]! + gap) {
      steps.push({ a: a[--i]!, b: null });
    } else {
      steps.push({ a: null, b: b[--j]! });
    }
  }
  return steps.reverse();
}

/**
 * Joins the words so far and the next chunk's where either chunk's words have no times of their own: the end of
 * the words of `before` and the start of the next are aligned by their text (see {@linkcode overlapByText}); of
 * the words both heard, those up to the middle of the run they share are kept from `before`, the rest from the
 * next, so each is kept once, and a word heard cut at either edge (or by one side only) goes with the side left
 * out there. When the audio both heard is `silent` (no word can have been heard twice, whatever the words), every
 * word is kept; with no word in common, every word too, except at a hard cut, where the next chunk's words that lie
 * within the time the words before cover are left out (the chunk before heard that audio). Times are made to run
 * in order, each word starting when the one before ends, since spread ones say little.
 */
function joinByText(
  sofar: TimedWord[],
  next: TimedWord[],
  options: { before: AudioChunk; after: AudioChunk; silent: boolean },
): TimedWord[] {
  const { before, after, silent } = options;
  // Only words near the audio both heard can be one word heard twice (see `pairScore`): those alone are aligned, so
  // chunks of thousands of words do not make a table of millions.
  const found = sofar.findIndex((word) =>
    word.start >= before.start && middle(word) >= after.start - TEXT_REACH_S
  );
  const split = found < 0 ? sofar.length : found;
  const reached = next.findIndex((word) => middle(word) > before.end + TEXT_REACH_S);
  const { steps, used, pairs } = silent
    ? { steps: sofar.slice(split).map((word): Step => ({ a: word, b: null })), used: 0, pairs: [] }
    : alignByText(sofar.slice(split), reached < 0 ? next : next.slice(0, reached), before.end - after.start);
  let joined: TimedWord[];
  if (pairs.length === 0) {
    // At a hard cut the chunk before heard the shared audio, speech and all, so the next chunk's words spread wholly
    // (or all but a frame) within the time its words cover are that audio heard again in other words: left out.
    const tail = sofar.slice(split);
    const hard = !silent && before.end > before.to;
    const covered = hard ? (tail.at(-1)?.end ?? -Infinity) : -Infinity;
    joined = [...tail, ...next.filter((word) => word.end - covered >= FRAME_S - ROUNDING_S)];
  } else {
    const seam = pairs[Math.floor((pairs.length - 1) / 2)]!;
    const kept = steps.flatMap((step, i) => {
      const word = i <= seam ? step.a : step.b;
      return word === null ? [] : [word];
    });
    joined = [...kept, ...next.slice(used)];
  }
  // Each word starts when the one before ends, and one moved lasts at least a frame: the words kept are told by
  // their text, so one whose spread times fall within the word before is moved on, not left out.
  let last = split > 0 ? sofar[split - 1]!.end : -Infinity;
  const ordered = joined.map((word) => {
    if (word.start >= last) {
      last = word.end;
      return word;
    }
    const start = last;
    const end = Math.max(word.end, round(start + FRAME_S));
    last = end;
    return { ...word, start, end };
  });
  return [...sofar.slice(0, split), ...ordered];
}

/**
 * How many words an alignment at the tight scale pairs at least to be taken (see {@linkcode alignByText}). rv36:
 * taken whenever it paired a word, it paired a chance common word ("a", "the") across a pause and dropped the loose
 * alignment's run: in 3,000 merges of speech with pauses, 566 came out worse than with the loose scale alone.
 * Measured on 1,100 such merges (pauses of 2 to 12 s, one after a word in 6 to 12) and on 200 of phrases said again
 * and again, by the words lost or added against what was said: with 4, none with pauses came out worse than with
 * the loose scale alone, and the repeated phrases were 55 words off in all, where the loose scale alone was 4,019;
 * with 3, 2 of those with pauses came out worse. Where the audio two chunks share holds fewer than 4 words (a pause
 * in it, or little shared audio), the loose scale is taken, and a phrase said again within 8 s less the shared audio
 * may still be aligned a repeat off.
 */
const TIGHT_PAIRS = 4;

/**
 * Aligns the end of `a` with the start of `b` by their text (see {@linkcode overlapByText}), their times told apart
 * at the scale the `shared` seconds of audio allow (see {@linkcode timeScale}), or at {@linkcode TEXT_TIME_SCALE_S}
 * where that pairs too few words (see {@linkcode TIGHT_PAIRS}): spread over a chunk with long pauses, the times of
 * one word heard by both may lie seconds apart (the words of a sparse chunk). Returns the steps, the words of `b`
 * used, and the steps that pair one word heard twice.
 */
function alignByText(
  a: readonly TimedWord[],
  b: readonly TimedWord[],
  shared: number,
): { steps: Step[]; used: number; pairs: number[] } {
  const aligned = (scale: number) => {
    const { steps, used } = overlapByText(a, b, scale);
    const pairs = steps.flatMap((step, i) =>
      step.a !== null && step.b !== null && pairScore(step.a, step.b, scale) > 0 ? [i] : []
    );
    return { steps, used, pairs };
  };
  const tight = timeScale(shared);
  const first = aligned(tight);
  return tight >= TEXT_TIME_SCALE_S || first.pairs.length >= TIGHT_PAIRS ? first : aligned(TEXT_TIME_SCALE_S);
}

/**
 * Aligns the end of `a` with the start of `b` by their text, and roughly by their times: a word of each side of
 * the same text pairs up (scoring up to 2, less the farther apart they are: see {@linkcode pairScore}), other words
 * pair (−1) or are left alone (−1), except the words of `a` before the run both
 * heard and of `b` after it, which are free, as are the last word of `a` and the first of `b` (heard cut in half at
 * a hard cut). Of equal scores the shorter run wins: with no word in common, none. Returns every word of `a` and
 * the first `used` of `b`, in order, paired where aligned.
 */
function overlapByText(
  a: readonly TimedWord[],
  b: readonly TimedWord[],
  scale: number,
): { steps: Step[]; used: number } {
  const columns = b.length + 1;
  const table = new Float64Array((a.length + 1) * columns);
  const at = (i: number, j: number) => table[i * columns + j]!;
  const paired = (i: number, j: number) => at(i - 1, j - 1) + pairScore(a[i - 1]!, b[j - 1]!, scale);
  const aAlone = (i: number, j: number) => at(i - 1, j) - 1;
  const bAlone = (i: number, j: number) => at(i, j - 1) - (j === 1 ? 0 : 1);
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j < columns; j++) {
      table[i * columns + j] = j === 0
        ? 0
        : i === 0
        ? bAlone(i, j)
        : Math.max(paired(i, j), aAlone(i, j), bAlone(i, j));
    }
  }
  // The run both heard ends at the end of `a`, or before its last word.
  const ends = a.length === 0 ? [0] : [a.length, a.length - 1];
  let best = { i: a.length, j: 0, score: 0 };
  for (let j = 1; j < columns; j++) {
    for (const i of ends) if (at(i, j) > best.score) best = { i, j, score: at(i, j) };
  }
  const steps: Step[] = a.slice(best.i).map((word) => ({ a: word, b: null }));
  let { i, j } = best;
  while (i > 0 || j > 0) {
    if (j === 0) {
      steps.push({ a: a[--i]!, b: null });
    } else if (i > 0 && at(i, j) === paired(i, j)) {
      steps.push({ a: a[--i]!, b: b[--j]! });
    } else if (i > 0 && at(i, j) === aAlone(i, j)) {
      steps.push({ a: a[--i]!, b: null });
    } else {
      steps.push({ a: null, b: b[--j]! });
    }
  }
  return { steps: steps.reverse(), used: best.j };
}

/**
 * Seconds apart at which two text-only words of the same text score half what they would at the same time: their
 * times say roughly where each word was (spread over the chunk's audio, silences included, seconds off in a long
 * chunk), enough to tell the words of the audio two chunks share from a phrase said again seconds before (tx: "a
 * warm blanket near the river" 10 s apart was taken for one, and the 15 words between were lost).
 */
const TEXT_TIME_SCALE_S = 4;

/**
 * The seconds apart at which two words of a text-only seam whose chunks share `shared` seconds of audio score half
 * what they would at the same time: {@linkcode TEXT_TIME_SCALE_S}, or half the shared audio when that is less. An
 * alignment shifted by `d` seconds pairs the words of `d` seconds more than the shared audio holds, each scoring
 * `d / scale` less: with a scale over half the shared audio, any shift short enough scored more than the alignment
 * of the shared audio itself (fi19: a phrase said again and again, text-only, lost a whole repeat or more at each
 * join).
 */
function timeScale(shared: number): number {
  return Math.min(TEXT_TIME_SCALE_S, Math.max(MIN_TEXT_TIME_SCALE_S, shared / 2));
}

/**
 * The least scale of {@linkcode timeScale}: the times of words spread over a chunk lie a second apart from where
 * they were said, often (a word cut at the edge, heard as another, takes its own share of the chunk). Below twice it
 * of shared audio, a phrase said again sooner than `2 s − shared` may still be taken for the audio both heard.
 */
const MIN_TEXT_TIME_SCALE_S = 1;

/**
 * What pairing two words of a text-only seam scores in {@linkcode overlapByText}: 2 for the same text at the same
 * time, less the farther apart their times are (nothing at twice `scale`, see {@linkcode timeScale}); −1 for
 * another text, or the same one too far apart to be one word. A pair that scores more than 0 may be one word heard
 * twice.
 */
function pairScore(x: TimedWord, y: TimedWord, scale: number): number {
  if (!sameText(x, y)) return -1;
  return Math.max(-1, 2 - Math.abs(middle(x) - middle(y)) / scale);
}

/** How far (s) from the audio two chunks share a text-only word may be and still be aligned with the other side's. */
const TEXT_REACH_S = 3 * TEXT_TIME_SCALE_S;

/** Whether two words read the same, case and punctuation aside (a text-only model writes "Today," and "today"). */
function sameText(x: TimedWord, y: TimedWord): boolean {
  const plain = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}']/gu, "");
  return plain(x.text) === plain(y.text);
}

function span(x: TimedWord, y: TimedWord): number {
  return Math.max(x.end, y.end) - Math.min(x.start, y.start);
}

function middle(word: TimedWord): number {
  return (word.start + word.end) / 2;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
