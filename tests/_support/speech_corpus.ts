/**
 * A corpus of synthetic speech from known text, for transcription tests and the benchmark: sentences spoken by
 * flite with natural pauses between them, and stretches of run-on speech with no pause at all (so that a
 * chunked transcription has to cut hard inside speech). The text is generated from a seed, so a corpus is the
 * same every time.
 * @module
 */
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { pcmWav } from "../../lib/media/wav_pcm.ts";

const SUBJECTS = [
  "the farmer",
  "a young teacher",
  "the old fisherman",
  "my neighbour",
  "the children",
  "a small dog",
  "the baker",
  "our doctor",
  "the pilot",
  "a tired student",
  "the captain",
  "her brother",
  "the gardener",
  "a quiet woman",
  "the driver",
  "his mother",
];
const VERBS = [
  "carried",
  "painted",
  "found",
  "watched",
  "cleaned",
  "opened",
  "repaired",
  "sold",
  "brought",
  "visited",
  "moved",
  "built",
  "lost",
  "bought",
  "washed",
  "followed",
];
const OBJECTS = [
  "the heavy basket",
  "a red door",
  "the broken window",
  "an old map",
  "the wooden boat",
  "a bag of apples",
  "the long letter",
  "a green bicycle",
  "the kitchen table",
  "a warm coat",
  "the garden fence",
  "a box of books",
  "the white horse",
  "a bright lamp",
  "the new house",
  "a glass of water",
];
const PLACES = [
  "near the river",
  "in the market",
  "at the station",
  "behind the school",
  "on the hill",
  "by the harbour",
  "in the village",
  "at the farm",
  "under the bridge",
  "in the city",
  "near the church",
  "at the beach",
  "in the forest",
  "on the road",
  "at the hospital",
  "in the garden",
];
const TIMES = [
  "before noon",
  "every morning",
  "last winter",
  "after the storm",
  "on sunday",
  "during the night",
  "in the evening",
  "last summer",
  "after dinner",
  "every week",
  "in the spring",
  "before the rain",
];

/** One piece of the corpus: a sentence, or a stretch of run-on speech. */
export interface CorpusPiece {
  /** What is said. */
  text: string;
  /** Where it starts and ends in the recording, in seconds. */
  start: number;
  end: number;
  /** True for run-on speech, with no pause inside. */
  runOn: boolean;
}

/** A recording and the text spoken in it. */
export interface SpeechCorpus {
  /** The recording: 16 kHz mono WAV. */
  path: string;
  /** Everything said, in order. */
  text: string;
  /** Its length in seconds. */
  duration: number;
  /** Its pieces, in order. */
  pieces: CorpusPiece[];
}

/** What to make. */
export interface SpeechCorpusOptions {
  /** The least length, in seconds. */
  seconds: number;
  /** Length of each run-on stretch, in seconds (about). */
  runOnSeconds: number;
  /** How many run-on stretches, spread evenly. */
  runOns: number;
  /** Seed of the text. @default 1 */
  seed?: number;
}

/**
 * Makes a corpus in `dir` (its WAV is `dir/corpus.wav`).
 *
 * @param dir A folder for the recording.
 * @param options Length, run-on stretches and seed.
 * @returns The corpus.
 */
export async function makeSpeechCorpus(dir: string, options: SpeechCorpusOptions): Promise<SpeechCorpus> {
  const { seconds, runOnSeconds, runOns, seed = 1 } = options;
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const sentence = () => `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(PLACES)} ${pick(TIMES)}`;
  const plan: { text: string; runOn: boolean; pause: number }[] = [];
  const pausedSeconds = (seconds - runOns * runOnSeconds) / (runOns + 1);
  // flite's rms voice says about 3 words a second: a sentence and its pause take about 4.9 s.
  const sentencesPerStretch = Math.max(1, Math.round(pausedSeconds / 4.9));
  for (let stretch = 0; stretch <= runOns; stretch++) {
    for (let i = 0; i < sentencesPerStretch; i++) {
      const text = sentence();
      plan.push({
        text: `${text[0]!.toUpperCase()}${text.slice(1)}.`,
        runOn: false,
        pause: 0.45 + random() * 0.5,
      });
    }
    if (stretch === runOns) break;
    const clauses = [];
    for (let words = 0; words < runOnSeconds * 3.2;) {
      const clause = sentence();
      clauses.push(clause);
      words += clause.split(" ").length + 1;
    }
    plan.push({ text: clauses.join(" and "), runOn: true, pause: 0.45 + random() * 0.5 });
  }
  const audio = await synthesize(dir, plan.map((piece) => piece.text));
  const pieces: CorpusPiece[] = [];
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const [i, piece] of plan.entries()) {
    const samples = audio[i]!;
    const pause = new Uint8Array(Math.round(piece.pause * 16_000) * 2);
    pieces.push({ text: piece.text, start: at, end: at + samples.length / 32_000, runOn: piece.runOn });
    parts.push(samples, pause);
    at += (samples.length + pause.length) / 32_000;
  }
  const pcm = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    pcm.set(part, offset);
    offset += part.length;
  }
  const path = `${dir}/corpus.wav`;
  await Deno.writeFile(path, pcmWav(pcm, { sampleRate: 16_000 }));
  return { path, text: pieces.map((piece) => piece.text).join(" "), duration: at, pieces };
}

/** Speaks each text with flite (voice rms) as 16 kHz mono 16-bit samples, a few at a time. */
async function synthesize(dir: string, texts: readonly string[]): Promise<Uint8Array[]> {
  const ffmpeg = await findFfmpeg();
  const results: Uint8Array[] = new Array(texts.length);
  let next = 0;
  const worker = async () => {
    while (next < texts.length) {
      const i = next++;
      const file = `${dir}/piece-${i}.txt`;
      await Deno.writeTextFile(file, texts[i]!);
      results[i] = await runFfmpeg(ffmpeg, [
        "-f",
        "lavfi",
        "-i",
        `flite=textfile=${file}:voice=rms`,
        "-ar",
        "16000",
        "-ac",
        "1",
        "-f",
        "s16le",
        "-",
      ]);
      await Deno.remove(file);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, navigator.hardwareConcurrency) }, worker));
  return results;
}

/** A small seeded random number generator. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
