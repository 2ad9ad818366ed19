/**
 * What transcription tests share: a small corpus (75 s of flite speech from known text: sentences with pauses,
 * and 25 s of run-on speech with none), made once per test file, a single pocketsphinx pass over it to compare
 * with, and readers of the outputs.
 * @module
 */
import type { TimedWord } from "../../lib/core/timed_word.ts";
import { type AudioChunk, planChunks } from "../../lib/jobs/transcribe/plan_chunks.ts";
import type { Transcript } from "../../lib/jobs/transcribe/transcript.ts";
import { detectSilences } from "../../lib/media/detect_silences.ts";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { findPocketsphinx, recognizeWords, requirePocketsphinx } from "../../lib/media/pocketsphinx.ts";
import { makeSpeechCorpus, type SpeechCorpus } from "./speech_corpus.ts";
import { tempDir } from "./temp_dir.ts";

/** True when pocketsphinx is installed (the transcription tests need it). */
export const HAS_POCKETSPHINX: boolean = await findPocketsphinx() !== null;

let corpus: Promise<SpeechCorpus> | null = null;

/** The test corpus, made on first use in a folder removed after the test file. */
export function testCorpus(): Promise<SpeechCorpus> {
  corpus ??= tempDir("reel-corpus-").then((dir) =>
    makeSpeechCorpus(dir, { seconds: 75, runOnSeconds: 25, runOns: 1, seed: 1 })
  );
  return corpus;
}

/** The words of one pocketsphinx pass over a whole recording (the baseline the chunked run is held to). */
export async function singlePass(path: string): Promise<TimedWord[]> {
  return await recognizeWords(await requirePocketsphinx(), path);
}

/** The chunks the split step plans for a recording with these options (the same functions, the same input). */
export async function chunksOf(
  corpus: SpeechCorpus,
  options: { chunk: number; overlap: number; context: number },
): Promise<AudioChunk[]> {
  const silences = await detectSilences(await findFfmpeg(), corpus.path, {
    noise: -35,
    minDuration: 0.3,
    duration: corpus.duration,
  });
  return planChunks(corpus.duration, silences, options);
}

/** Reads a `<name>.json` output. */
export async function readTranscript(path: string): Promise<Transcript> {
  return JSON.parse(await Deno.readTextFile(path)) as Transcript;
}

/** The words of a transcript, in order. */
export function wordsOf(transcript: Transcript): TimedWord[] {
  return transcript.segments.flatMap((segment) => segment.words);
}

/** The `--json` events of a CLI run. */
export function eventsOf(
  stdout: string,
): { type: string; step?: string; kind?: string; cached?: boolean; contentKey?: string }[] {
  return stdout.trim().split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}
