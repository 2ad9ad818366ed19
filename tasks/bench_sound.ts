/**
 * `deno task bench:sound`: what loudness and music cost the narration, the one step on every video's critical path.
 * The benchmark lesson's 12 sections are spoken once with espeak-ng (about three minutes), then the narration step
 * joins them, as reel runs it, with no sound work (`loudness: false`, what every render did before), with the
 * default loudness (measure the joined PCM, one gain and a limiter, encode, measure the AAC), and with music under
 * the voice too; against the strongest hand-written equivalent of the loudness work: ffmpeg's own two-pass
 * `loudnorm` (bench/sound_baseline.sh). Runs alternate in a rotating order; for each, the median and range of wall
 * time, CPU time of its whole process tree and its peak memory. Each reel run starts Deno (about 0.1 s).
 *
 *   deno task bench:sound            3 runs of each
 *   deno task bench:sound --quick    1 run of each
 *   deno task bench:sound --runs 5
 * @module
 */
import { writeLessonInputs } from "./_bench_lesson.ts";
import { formatSpread, measureTree, megabytes, seconds, type TreeMeasure } from "./_bench_measure.ts";
import { measureLoudness } from "../lib/media/loudness_meter.ts";
import { findFfmpeg } from "../lib/media/ffmpeg.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchChild, benchWorkDir } from "./_bench_work_dir.ts";
import { REEL_V8_FLAGS } from "./_v8_flags.ts";

const root = new URL("..", import.meta.url).pathname;
const { flags } = benchArgs({
  task: "bench:sound",
  about:
    "Times the narration step of the benchmark lesson with no sound work, with loudness, and with music, " +
    "against ffmpeg's two-pass loudnorm: wall, CPU, peak memory and loudness of each.\n" +
    "Takes a few minutes (about three to speak the sections once).",
  flags: {
    quick: { kind: "switch", help: "1 run of each" },
    runs: { kind: "count", help: "runs of each (default 3)" },
  },
});
const runs = flags.runs ?? (flags.quick ? 1 : 3);
await using workDir = await benchWorkDir("reel-bench-sound-");
const work = workDir.path;

async function run(command: string, args: string[]): Promise<void> {
  const output = await benchChild(command, { args, stdout: "null", stderr: "piped" }).output();
  if (!output.success) throw new Error(`${command} failed: ${new TextDecoder().decode(output.stderr)}`);
}

await writeLessonInputs(work);
await Deno.mkdir(`${work}/wav`);
const texts = [...Deno.readDirSync(`${work}/sections`)].map((entry) => entry.name).filter((name) =>
  name.endsWith(".txt")
).sort();
for (const name of texts) {
  const text = await Deno.readTextFile(`${work}/sections/${name}`);
  await run("espeak-ng", [
    "-v",
    "en-us",
    "-s",
    "165",
    "-w",
    `${work}/wav/${name.replace(".txt", ".wav")}`,
    text,
  ]);
}
// Music: 7 s of a soft chord, looped under the voice.
await run("ffmpeg", [
  "-v",
  "error",
  "-f",
  "lavfi",
  "-i",
  "aevalsrc=0.2*sin(2*PI*220*t)+0.15*sin(2*PI*277*t)+0.1*sin(2*PI*330*t):s=44100:d=7",
  `${work}/music.wav`,
]);
const wavs = texts.map((name) => `${work}/wav/${name.replace(".txt", ".wav")}`);
const step = (mode: string) => (out: string) =>
  measureTree(Deno.execPath(), [
    "run",
    "--allow-all",
    REEL_V8_FLAGS,
    `${root}tasks/_bench_sound_step.ts`,
    work,
    mode,
    out,
  ]);
const pipelines: { name: string; run: (out: string) => Promise<TreeMeasure> }[] = [
  { name: "reel narration, no sound work", run: step("off") },
  { name: "reel narration, loudness", run: step("loudness") },
  { name: "reel narration, loudness + music", run: step("music") },
  {
    name: "script: two-pass loudnorm",
    run: (out) => measureTree("bash", [`${root}bench/sound_baseline.sh`, out, ...wavs]),
  },
];
// Warm Deno's module cache.
await step("off")(`${work}/warm.m4a`);
const measures = new Map(pipelines.map((pipeline) => [pipeline.name, [] as TreeMeasure[]]));
const loudness = new Map<string, string>();
for (let r = 0; r < runs; r++) {
  for (const [i] of pipelines.entries()) {
    const pipeline = pipelines[(i + r) % pipelines.length]!;
    const out = `${work}/out.m4a`;
    measures.get(pipeline.name)!.push(await pipeline.run(out));
    const { integrated, peak } = await measureLoudness(await findFfmpeg(), out);
    loudness.set(pipeline.name, `${integrated.toFixed(1)} LUFS, ${peak.toFixed(1)} dBTP`);
    console.log(`  run ${r + 1}: ${pipeline.name} ${seconds(measures.get(pipeline.name)!.at(-1)!.wallMs)}`);
    await Deno.remove(out);
  }
}
console.log(
  `\nbench:sound: ${texts.length} sections (espeak-ng), ${navigator.hardwareConcurrency} cores, ${runs} run(s)`,
);
console.log(
  "\n| narration | wall, median (min–max) | CPU, whole tree | peak memory | loudness |\n|---|---:|---:|---:|---|",
);
for (const [name, list] of measures) {
  console.log(
    `| ${name} | ${formatSpread(list.map((m) => m.wallMs), seconds)} | ${
      formatSpread(list.map((m) => m.cpuMs), seconds)
    } | ${formatSpread(list.map((m) => m.peakRssBytes), megabytes)} | ${loudness.get(name)} |`,
  );
}
