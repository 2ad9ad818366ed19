/**
 * `deno task bench:transcribe`: transcribes 21 minutes of synthetic speech (flite, from known text: sentences with
 * pauses and four 70 s stretches with none) with reel (chunked, in parallel) and with one pocketsphinx pass over
 * the whole file (the baseline: the same engine, the same input, already 16 kHz mono, so it decodes nothing), in
 * alternating pairs, and prints each one's median wall time (min–max), CPU time and peak memory of its whole process
 * tree, real-time factor, word error rate and word count, and the speed-up.
 *
 * Each pair also runs the machine's ceiling: two pocketsphinx passes at once, each over one half of the file (an
 * even split with no seams, no start-up of more processes and no merging). Its speed-up over one pass
 * says what the cores give this work here: on a machine whose two vCPUs share one physical core it is far under 2×,
 * and reel's speed-up is read against it.
 *
 *   deno task bench:transcribe            3 pairs
 *   deno task bench:transcribe --quick    1 pair
 *   deno task bench:transcribe --runs 5   5 pairs
 *
 * The corpus is made once and kept in the system's temporary folder (`reel-bench-transcribe-corpus-*`).
 * @module
 */
import { findFfmpeg, runFfmpeg } from "../lib/media/ffmpeg.ts";
import { parseWordTimes, requirePocketsphinx } from "../lib/media/pocketsphinx.ts";
import type { Transcript } from "../lib/jobs/transcribe/transcript.ts";
import { countWordErrors } from "../lib/providers/local/speech/word_error_rate.ts";
import { makeSpeechCorpus, type SpeechCorpus } from "../tests/_support/speech_corpus.ts";
import { measureTree, type TreeMeasure } from "./_bench_measure.ts";
import { spread } from "../lib/core/spread.ts";
import { REEL_V8_FLAGS } from "./_v8_flags.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchWorkDir } from "./_bench_work_dir.ts";

const root = new URL("..", import.meta.url).pathname;
const { flags } = benchArgs({
  task: "bench:transcribe",
  about:
    "Transcribes 21 minutes of synthetic speech with reel (chunked, in parallel) and with one pocketsphinx " +
    "pass, in alternating pairs: wall, CPU, peak memory, word error rate and the speed-up.\nTakes about 15 " +
    "minutes on 2 cores (5 with --quick), and a few more the first time, to make the corpus.",
  flags: {
    quick: { kind: "switch", help: "1 pair" },
    runs: { kind: "count", help: "pairs of runs (default 3)" },
  },
});
const runs = flags.runs ?? (flags.quick ? 1 : 3);
const CORPUS = { seconds: 1260, runOnSeconds: 70, runOns: 4, seed: 20 };

async function corpus(): Promise<SpeechCorpus> {
  const dir = `${
    Deno.env.get("TMPDIR") ?? "/tmp"
  }/reel-bench-transcribe-corpus-${CORPUS.seed}-${CORPUS.seconds}`;
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/corpus.json`)) as SpeechCorpus;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  console.log(`making the corpus in ${dir} (once)...`);
  await Deno.mkdir(dir, { recursive: true });
  const made = await makeSpeechCorpus(dir, CORPUS);
  await Deno.writeTextFile(`${dir}/corpus.json`, JSON.stringify(made));
  return made;
}

const speech = await corpus();
const pocketsphinx = await requirePocketsphinx();
await using workDir = await benchWorkDir("reel-bench-transcribe-");
const work = workDir.path;
const deno = Deno.execPath();
const cli = (out: string, extra: string[] = []) => [
  "run",
  "--allow-all",
  REEL_V8_FLAGS,
  `${root}tasks/render.ts`,
  "transcribe",
  speech.path,
  "--out",
  `${work}/${out}`,
  "--cache",
  `${work}/${out}-cache`,
  "--quiet",
  ...extra,
];

interface Result {
  measure: TreeMeasure;
  words: string[];
}

async function reel(run: number): Promise<Result> {
  const measure = await measureTree(deno, cli(`reel-${run}`));
  const transcript = JSON.parse(await Deno.readTextFile(`${work}/reel-${run}/corpus.json`)) as Transcript;
  await Deno.remove(`${work}/reel-${run}-cache`, { recursive: true });
  return { measure, words: transcript.segments.flatMap((segment) => segment.words.map((word) => word.text)) };
}

async function single(): Promise<Result> {
  const measure = await measureTree(pocketsphinx, [
    "-infile",
    speech.path,
    "-time",
    "yes",
    "-logfn",
    "/dev/null",
  ]);
  return { measure, words: parseWordTimes(measure.stdout).map((word) => word.text) };
}

const minutes = (speech.duration / 60).toFixed(1);
console.log(
  `bench:transcribe: ${minutes} min of speech (${
    speech.text.split(" ").length
  } words, ${CORPUS.runOns} stretches ` +
    `of ${CORPUS.runOnSeconds} s without a pause), ${navigator.hardwareConcurrency} cores, ${runs} pair(s)`,
);
// Warm Deno's module cache on 5 s of the corpus, so the runs pay process start but not first-time transpiling.
const warm = `${work}/warm.wav`;
await runFfmpeg(await findFfmpeg(), ["-i", speech.path, "-t", "5", warm]);
const warmArgs = cli("warm").map((arg) => arg === speech.path ? warm : arg);
await measureTree(deno, warmArgs);
await Deno.remove(`${work}/warm-cache`, { recursive: true });

// The ceiling's halves, cut at the middle sample (decoded and written again, so the cut is sample-accurate).
const halves = [`${work}/half-1.wav`, `${work}/half-2.wav`];
const middle = String(speech.duration / 2);
const ffmpeg = await findFfmpeg();
await runFfmpeg(ffmpeg, ["-i", speech.path, "-t", middle, halves[0]!]);
await runFfmpeg(ffmpeg, ["-i", speech.path, "-ss", middle, halves[1]!]);

/**
 * Two one-pass runs at once, one per half, in one process tree (a shell that waits for both, and for the first
 * when the second fails). Each writes its words beside its half; a ceiling that lost words is no ceiling.
 */
async function ceiling(): Promise<TreeMeasure> {
  const pass = '"$0" -infile "$FILE" -time yes -logfn /dev/null > "$FILE.words"';
  const script =
    `FILE="$1"; ${pass} & first=$!; FILE="$2"; ${pass} || { wait "$first"; exit 1; }; wait "$first"`;
  const measure = await measureTree("sh", ["-c", script, pocketsphinx, ...halves]);
  let words = 0;
  for (const half of halves) words += parseWordTimes(await Deno.readTextFile(`${half}.words`)).length;
  const whole = speech.text.split(" ").length;
  if (Math.abs(words - whole) > whole * 0.05) {
    throw new Error(
      `The two halves at once heard ${words} words of ${whole}: not a ceiling of the same work`,
    );
  }
  return measure;
}

const results: { reel: Result[]; single: Result[]; ceiling: TreeMeasure[] } = {
  reel: [],
  single: [],
  ceiling: [],
};
for (let run = 0; run < runs; run++) {
  // Rotate which goes first, so none always meets the machine in the same state.
  const order = [
    async () => results.reel.push(await reel(run)),
    async () => results.single.push(await single()),
    async () => results.ceiling.push(await ceiling()),
  ];
  for (let i = 0; i < order.length; i++) await order[(run + i) % order.length]!();
  const [r, s, c] = [results.reel.at(-1)!, results.single.at(-1)!, results.ceiling.at(-1)!];
  console.log(
    `  pair ${run + 1}: reel ${(r.measure.wallMs / 1000).toFixed(1)} s, one pass ${
      (s.measure.wallMs / 1000).toFixed(1)
    } s (two halves at once: ${(c.wallMs / 1000).toFixed(1)} s)`,
  );
}

const median = (values: number[]) => spread(values).median;
const row = (name: string, list: Result[]) => {
  const walls = list.map((result) => result.measure.wallMs);
  const wall = median(walls);
  const errors = countWordErrors(speech.text, list[0]!.words.join(" "));
  return {
    name,
    wall,
    line: `| ${name} | ${(wall / 1000).toFixed(1)} s | ${(Math.min(...walls) / 1000).toFixed(1)}–${
      (Math.max(...walls) / 1000).toFixed(1)
    } s | ${(median(list.map((result) => result.measure.cpuMs)) / 1000).toFixed(1)} s | ${
      (Math.max(...list.map((result) => result.measure.peakRssBytes)) / 1e6).toFixed(0)
    } MB | ${(wall / 1000 / speech.duration).toFixed(3)} | ${
      (100 * errors.errors / errors.referenceWords).toFixed(2)
    }% | ${list[0]!.words.length} |`,
    wer: errors.errors / errors.referenceWords,
    words: list[0]!.words.length,
  };
};
const chunked = row("reel, chunked in parallel", results.reel);
const whole = row("pocketsphinx, one pass", results.single);
console.log(
  "\n| pipeline | wall (median) | min–max | CPU (tree) | peak memory (tree) | real-time factor | WER | words |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
console.log(chunked.line);
console.log(whole.line);
// The pairs ran back to back, so each pair's ratio compares runs that met the machine in the same state.
const ratios = results.single.map((result, i) => result.measure.wallMs / results.reel[i]!.measure.wallMs);
const speedup = median(ratios);
const werDiff = (chunked.wer - whole.wer) * 100;
const wordDiff = Math.abs(chunked.words - whole.words) / whole.words * 100;
console.log(
  `\nspeed-up: ${speedup.toFixed(2)}×, the median of the pairs' (${
    ratios.map((r) => r.toFixed(2)).join(", ")
  }; ` +
    `medians' ratio ${(whole.wall / chunked.wall).toFixed(2)}×) (target ≥ 1.8× on 2 cores) ${
      speedup >= 1.8 ? "✔" : "✖"
    }`,
);
console.log(
  `WER: ${werDiff >= 0 ? "+" : ""}${werDiff.toFixed(2)} points against one pass (target ≤ +1) ${
    werDiff <= 1 ? "✔" : "✖"
  }`,
);
console.log(`word count: ${wordDiff.toFixed(2)}% from one pass (target ≤ 1%) ${wordDiff <= 1 ? "✔" : "✖"}`);
const ceilings = results.single.map((result, i) => result.measure.wallMs / results.ceiling[i]!.wallMs);
const ceilingSpeedup = median(ceilings);
console.log(
  `this machine's ceiling: two halves at once ${
    (median(results.ceiling.map((m) => m.wallMs)) / 1000).toFixed(1)
  } s, ` +
    `${ceilingSpeedup.toFixed(2)}× one pass (pairs ${ceilings.map((r) => r.toFixed(2)).join(", ")}; CPU ${
      (median(results.ceiling.map((m) => m.cpuMs)) / 1000).toFixed(1)
    } s): ${
      // Two halves at once no faster than one pass: something else took a core (a quick run has one pair), and
      // the share of a ceiling that was not measured says nothing.
      ceilingSpeedup < 1.2
        ? "not a ceiling (two halves at once were no faster than one pass: another load on the machine?); " +
          "run again on a quiet machine"
        : `reel reached ${(100 * speedup / ceilingSpeedup).toFixed(0)}% of what its cores give this work`}`,
);
