/**
 * Measures how intelligible the local speech engines are: speaks fixed lesson-like sentences with each voice at
 * 165 words per minute, transcribes each WAV with pocketsphinx, and prints the word error rate and synthesis time.
 *
 * Usage: `deno task bench:voices [engine:voice ...]`, e.g. `flite:slt espeak:en-us`; with no argument
 * it measures every flite voice and a few English espeak-ng voices. Needs espeak-ng, ffmpeg with flite, and
 * `pocketsphinx pocketsphinx-en-us`.
 * @module
 */
import { InputError } from "../lib/core/errors.ts";
import { removeIfExists } from "../lib/core/remove_if_exists.ts";
import { findFfmpeg } from "../lib/media/ffmpeg.ts";
import { espeakEngine } from "../lib/providers/local/speech/espeak_engine.ts";
import { fliteEngine } from "../lib/providers/local/speech/flite_engine.ts";
import { recognizeSpeech } from "../lib/providers/local/speech/recognize_speech.ts";
import type { SpeechEngine } from "../lib/providers/local/speech/speech_engine.ts";
import { countWordErrors } from "../lib/providers/local/speech/word_error_rate.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchWorkDir } from "./_bench_work_dir.ts";

const RATE = 165;

const SENTENCES = [
  "Welcome to this short lesson about the water cycle and how rain is formed.",
  "Plants use sunlight to turn water and carbon dioxide into sugar and oxygen.",
  "Before we start, please open the worksheet and read the first question carefully.",
  "A good password is long, unique, and never shared with anyone else online.",
  "The French revolution changed how many people in Europe thought about power and freedom.",
  "To add two fractions, first find a common denominator, then add the numerators.",
  "Remember to save your work often, because the computer might restart without warning.",
  "Volcanoes form where hot melted rock rises through cracks in the earth's crust.",
  "In the next section, we will compare the speed of sound in air and water.",
  "Thank you for watching, and see you again in the next lesson of the course.",
];

const ENGINES: Record<string, SpeechEngine> = { espeak: espeakEngine, flite: fliteEngine };

const DEFAULT_VOICES = [
  "flite:slt",
  "flite:rms",
  "flite:awb",
  "flite:kal16",
  "flite:kal",
  "espeak:en-us",
  "espeak:en-gb",
  "espeak:en-gb-x-rp",
  "espeak:en-us+f3",
];

interface VoiceResult {
  engine: string;
  voice: string;
  errors: number;
  referenceWords: number;
  synthSeconds: number;
  audioSeconds: number;
}

async function benchVoice(engineId: string, voice: string, folder: string): Promise<VoiceResult> {
  const engine = ENGINES[engineId];
  if (engine === undefined) throw new Error(`Unknown engine "${engineId}": expected espeak or flite`);
  const ffmpeg = await findFfmpeg();
  const warmup = `${folder}/warmup.wav`;
  await engine.synthesize({ text: "Warming up.", voice, rate: RATE }, { ffmpeg, outPath: warmup });
  const result: VoiceResult = {
    engine: engineId,
    voice,
    errors: 0,
    referenceWords: 0,
    synthSeconds: 0,
    audioSeconds: 0,
  };
  for (const [index, sentence] of SENTENCES.entries()) {
    const outPath = `${folder}/${engineId}-${voice}-${index}.wav`;
    const started = performance.now();
    await engine.synthesize({ text: sentence, voice, rate: RATE }, { ffmpeg, outPath });
    result.synthSeconds += (performance.now() - started) / 1000;
    result.audioSeconds += await wavSeconds(outPath);
    const heard = await recognizeSpeech(outPath, { ffmpeg });
    const count = countWordErrors(sentence, heard);
    result.errors += count.errors;
    result.referenceWords += count.referenceWords;
    if (Deno.env.get("BENCH_VERBOSE") === "1") console.error(`${engineId}:${voice} #${index}: ${heard}`);
  }
  return result;
}

/** The messages of the voices an engine does not have, each voice tried once before any is measured. */
async function unknownVoices(specs: readonly string[]): Promise<string[]> {
  const ffmpeg = await findFfmpeg();
  const outPath = await Deno.makeTempFile({ prefix: "reel-bench-voice-", suffix: ".wav" });
  const messages: string[] = [];
  try {
    for (const spec of specs) {
      const [engineId = "", voice = ""] = spec.split(/:(.*)/s);
      await ENGINES[engineId]!.synthesize({ text: "Hello.", voice, rate: RATE }, { ffmpeg, outPath }).catch(
        (error: unknown) => {
          if (!(error instanceof InputError)) throw error;
          messages.push(`${spec}: ${error.message}`);
        },
      );
    }
  } finally {
    await removeIfExists(outPath);
  }
  return messages;
}

async function wavSeconds(path: string): Promise<number> {
  const bytes = await Deno.readFile(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const byteRate = view.getUint32(28, true);
  return (bytes.byteLength - 44) / byteRate;
}

function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ").trimEnd();
}

const { operands } = benchArgs({
  task: "bench:voices",
  about: "Speaks ten lesson-like sentences with each voice at 165 words per minute, transcribes them with " +
    "pocketsphinx, and prints each voice's word error rate and synthesis time.\nWith no voice named it measures " +
    "every flite voice and a few English espeak-ng ones. Takes a few minutes.",
  flags: {},
  operands: "[engine:voice ...]",
  checkOperand: (spec) =>
    /^[^:]+:./.test(spec) && Object.hasOwn(ENGINES, spec.split(":")[0]!)
      ? null
      : `"${spec}" is not engine:voice with engine espeak or flite`,
});
const voices = operands.length > 0 ? operands : DEFAULT_VOICES;
const unknown = await unknownVoices(voices);
if (unknown.length > 0) {
  // Before: a misspelled voice ended the bench with a stack trace, after measuring the voices named before it.
  for (const message of unknown) console.error(`✖ ${message}`);
  Deno.exit(2);
}
await using workDir = await benchWorkDir("reel-bench-voices-");
const folder = workDir.path;
const results: VoiceResult[] = [];
for (const spec of voices) {
  const [engineId = "", voice = ""] = spec.split(/:(.*)/s);
  console.error(`Measuring ${engineId}:${voice}...`);
  results.push(await benchVoice(engineId, voice, folder));
}

const words = results[0]?.referenceWords ?? 0;
console.log(
  `${SENTENCES.length} sentences, ${words} words, rate ${RATE} wpm, recognizer pocketsphinx en-us\n`,
);
const header = ["engine", "voice", "WER", "errors", "synth time", "per sentence", "audio", "x realtime"];
const rows = [...results].sort((a, b) => a.errors / a.referenceWords - b.errors / b.referenceWords).map((
  r,
) => [
  r.engine,
  r.voice,
  `${(100 * r.errors / r.referenceWords).toFixed(1)}%`,
  `${r.errors}/${r.referenceWords}`,
  `${r.synthSeconds.toFixed(2)} s`,
  `${(1000 * r.synthSeconds / SENTENCES.length).toFixed(0)} ms`,
  `${r.audioSeconds.toFixed(1)} s`,
  `${(r.audioSeconds / r.synthSeconds).toFixed(0)}x`,
]);
const widths = header.map((cell, index) =>
  Math.max(cell.length, ...rows.map((row) => row[index]?.length ?? 0))
);
console.log(formatRow(header, widths));
console.log(formatRow(widths.map((width) => "-".repeat(width)), widths));
for (const row of rows) console.log(formatRow(row, widths));
