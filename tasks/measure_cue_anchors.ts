/**
 * `deno task measure:cue-anchors`: how close caption cues start to their sentences, anchored by the pauses that
 * ffmpeg's `silencedetect` finds (what lessons do) or by pocketsphinx's word times (the alternative), on flite's
 * `rms` and espeak-ng's `en-us` voices. For each voice it speaks lesson-like narrations two ways:
 *
 * - joined: each sentence spoken alone, the recordings joined with pauses of 0.1–0.6 s; the truth is each
 *   recording's offset plus its own leading silence.
 * - whole: the narration spoken at once, as a lesson's speech step does; the truth for sentence k is where sound
 *   resumes in it after the point where the first k sentences, spoken alone, fall silent.
 *
 * It prints, per voice, way and method, the sentence-start errors (median, 90th percentile, max), the share within
 * 250 ms, and the seconds of audio each method handles per second of wall time.
 *
 *   deno task measure:cue-anchors            12 narrations per voice
 *   deno task measure:cue-anchors --quick    3
 * @module
 */
import { DEFAULT_CAPTION_RULES } from "../lib/media/caption_rules.ts";
import { captionWords, sentencesOf } from "../lib/media/caption_words.ts";
import { detectSilences } from "../lib/media/detect_silences.ts";
import { findFfmpeg, runFfmpeg } from "../lib/media/ffmpeg.ts";
import { recognizeWords, requirePocketsphinx } from "../lib/media/pocketsphinx.ts";
import { sectionCues } from "../lib/jobs/lesson/captions/section_cues.ts";
import { CUE_SILENCE } from "../lib/jobs/lesson/steps/cues_step.ts";
import { joinedSpeech, type LocalVoice, speak } from "../tests/_support/joined_speech.ts";
import { spokenStarts } from "../tests/_support/spoken_starts.ts";
import { lessonSentences, lessonText, sentenceCues } from "../tests/_support/lesson_text.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchWorkDir } from "./_bench_work_dir.ts";

const { flags } = benchArgs({
  task: "measure:cue-anchors",
  about:
    "Measures how close caption cues start to their sentences when anchored by silencedetect's pauses or by " +
    "pocketsphinx's word times, on flite rms and espeak-ng en-us.\nTakes a few minutes (about one with --quick).",
  flags: { quick: { kind: "switch", help: "3 narrations per voice, in place of 12" } },
});
const count = flags.quick ? 3 : 12;
const VOICES: LocalVoice[] = [{ engine: "flite", voice: "rms" }, { engine: "espeak", voice: "en-us" }];
const ffmpeg = await findFfmpeg();
const pocketsphinx = await requirePocketsphinx();
await using workDir = await benchWorkDir("reel-measure-cues-");
const work = workDir.path;

interface Tally {
  errors: number[];
  missing: number;
  audio: number;
  wall: number;
}
const tallies = new Map<string, Tally>();
const tally = (name: string) => {
  if (!tallies.has(name)) tallies.set(name, { errors: [], missing: 0, audio: 0, wall: 0 });
  return tallies.get(name)!;
};

for (const voice of VOICES) {
  for (let n = 0; n < count; n++) {
    const text = lessonText(70, n + 1);
    const sentences = lessonSentences(text);
    const pauses = sentences.map((_, i) => 0.1 + ((i * 37 + n * 11) % 50) / 100);
    const joined = await joinedSpeech(work, sentences, { voice, pauses });
    await measure(`${voice.engine} joined`, { text, sentences, ...joined });
    const whole = `${work}/whole.wav`;
    await speak(text, whole, voice);
    const { duration, starts } = await spokenStarts(whole, sentences, { voice, dir: work });
    await measure(`${voice.engine} whole`, { text, sentences, path: whole, duration, starts });
  }
}
console.log("way              method          sentences  median   p90      max      ≤250 ms  audio s/s");
for (const [name, { errors, missing, audio, wall }] of tallies) {
  const sorted = errors.toSorted((a, b) => a - b);
  const at = (q: number) =>
    `${(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000).toFixed(0)} ms`;
  const within = errors.filter((error) => error <= 0.25).length;
  console.log(
    `${name.padEnd(32)} ${String(errors.length).padStart(9)}${missing ? ` (+${missing} unmatched)` : ""}  ` +
      `${at(0.5).padEnd(8)} ${at(0.9).padEnd(8)} ${at(1).padEnd(8)} ${
        ((100 * within) / errors.length).toFixed(0).padStart(6)
      }%  ` +
      `${(audio / wall).toFixed(0).padStart(8)}`,
  );
}

async function measure(
  way: string,
  speech: { text: string; sentences: string[]; path: string; duration: number; starts: (number | null)[] },
): Promise<void> {
  const started = performance.now();
  const silences = await detectSilences(ffmpeg, speech.path, { ...CUE_SILENCE, duration: speech.duration });
  const cues = sectionCues(speech.text, {
    rules: DEFAULT_CAPTION_RULES,
    silences,
    duration: speech.duration,
  });
  const silence = tally(`${way.padEnd(16)} silencedetect`);
  silence.wall += (performance.now() - started) / 1000;
  silence.audio += speech.duration;
  for (const { sentence, start } of sentenceCues(cues, speech.sentences)) {
    const truth = speech.starts[sentence];
    if (truth === null || truth === undefined) silence.missing++;
    else silence.errors.push(Math.abs(start - truth));
  }
  const heard = tally(`${way.padEnd(16)} pocketsphinx`);
  const begun = performance.now();
  const wav16 = `${work}/16k.wav`;
  await runFfmpeg(ffmpeg, ["-i", speech.path, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", wav16]);
  const words = await recognizeWords(pocketsphinx, wav16);
  heard.wall += (performance.now() - begun) / 1000;
  heard.audio += speech.duration;
  const starts = wordAnchoredStarts(speech.text, words, speech.duration);
  for (const [sentence, start] of starts.entries()) {
    const truth = speech.starts[sentence];
    if (truth === null || truth === undefined || start === null) heard.missing++;
    else heard.errors.push(Math.abs(start - truth));
  }
}

/**
 * Sentence starts from recognized words: the narration's words matched to the heard ones (edit distance), each
 * sentence starting at its first matched word, moved back by the letters before it at the mean rate.
 */
function wordAnchoredStarts(
  text: string,
  heard: readonly { text: string; start: number }[],
  duration: number,
) {
  const norm = (word: string) => word.toLowerCase().replace(/[^a-z']/g, "");
  const words = captionWords(text);
  const said = words.map((word) => norm(word.text));
  const got = heard.map((word) => norm(word.text));
  const n = said.length;
  const m = got.length;
  const cost = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => i + j));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const same = said[i - 1] === got[j - 1] && said[i - 1] !== "";
      cost[i]![j] = Math.min(
        cost[i - 1]![j]! + 1,
        cost[i]![j - 1]! + 1,
        cost[i - 1]![j - 1]! + (same ? 0 : 1),
      );
    }
  }
  const matchedAt = new Array<number | null>(n).fill(null);
  for (let i = n, j = m; i > 0 && j > 0;) {
    const same = said[i - 1] === got[j - 1] && said[i - 1] !== "";
    if (same && cost[i]![j] === cost[i - 1]![j - 1]) {
      matchedAt[i - 1] = heard[j - 1]!.start;
      i--;
      j--;
    } else if (cost[i]![j] === cost[i - 1]![j]! + 1) i--;
    else if (cost[i]![j] === cost[i]![j - 1]! + 1) j--;
    else {
      i--;
      j--;
    }
  }
  const perWeight = duration / words.reduce((sum, word) => sum + word.weight, 0);
  const starts: (number | null)[] = [];
  let index = 0;
  for (const sentence of sentencesOf(words)) {
    let start: number | null = null;
    let before = 0;
    for (let i = index; i < index + sentence.length; i++) {
      const at = matchedAt[i];
      if (at !== null && at !== undefined) {
        start = Math.max(0, at - before * perWeight);
        break;
      }
      before += words[i]!.weight;
    }
    starts.push(start);
    index += sentence.length;
  }
  return starts;
}
