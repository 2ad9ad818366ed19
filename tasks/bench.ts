/**
 * `deno task bench`: reel against the strongest pipelines we can write by hand, on equal work, and how reel scales.
 *
 * 1. Pipelines. A 12-section lesson (about 45 words of narration each, espeak-ng so that encoding dominates, three
 *    full-size formats) made by reel at 30 fps, by the hand-written ffmpeg script (bench/ffmpeg_baseline.sh) at
 *    1 fps and at 30 fps, and by the frame-by-frame pipeline in the MoviePy style (bench/frame_by_frame.ts) at
 *    30 fps. Every pipeline starts from the same text, draws its own slides, speaks its own narration and writes
 *    the same outputs (an MP4 per format, an SRT, a VTT). Runs alternate, in a rotating order; for each pipeline
 *    the median and range of wall time, CPU time of its whole process tree, and its tree's peak memory, and the
 *    paired ratios (the median of the per-run ratios).
 * 2. Scaling. 1, 10 and 50 videos of 12 short sections in two small formats, each rendered by reel as many times
 *    as each pipeline, alternating as they do: time and CPU per section (median and range), the planner's and
 *    scheduler's own cost per step (with an executor that does nothing: warm in this process for every row, and on
 *    a fresh process's first plan as a one-video render pays it; each the median of three measures, as this
 *    machine's noise is as large as the margin), and the peak memory of reel's own process. Every video's slides
 *    and narrations are its own, so no row shares work.
 *
 *   deno task bench                     3 runs of each pipeline, then 3 of each row of the scaling table
 *   deno task bench --runs 5
 *   deno task bench --quick             1 run, no frame-by-frame pipeline; scaling at 1 and 10 videos
 *   deno task bench --only pipelines    (or --only scaling)
 * @module
 */
import { LESSON_BENCH, writeLessonInputs } from "./_bench_lesson.ts";
import { formatSpread, measureTree, megabytes, seconds, type TreeMeasure } from "./_bench_measure.ts";
import { spread } from "../lib/core/spread.ts";
import { schedulerOverhead } from "./_bench_overhead.ts";
import { BASELINE_DENO_FLAGS, REEL_V8_FLAGS } from "./_v8_flags.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchChild, benchWorkDir } from "./_bench_work_dir.ts";

const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
// As `deno task render` runs it, with its V8 flags.
const render = ["run", "--allow-all", REEL_V8_FLAGS, `${root}tasks/render.ts`, "render"];
// The MoviePy-style pipeline, without a code cache (see `BASELINE_DENO_FLAGS`).
const frameByFrame = ["run", "--allow-all", ...BASELINE_DENO_FLAGS, `${root}bench/frame_by_frame.ts`];
const { flags } = benchArgs({
  task: "bench",
  about:
    "Times reel against hand-written pipelines on a 12-section lesson (wall, CPU, peak memory), then how " +
    "reel scales to 1, 10 and 50 videos.\nTakes about 13 minutes on 2 cores (about 3 with --quick).",
  flags: {
    quick: { kind: "switch", help: "1 run, no frame-by-frame pipeline; scaling at 1 and 10 videos" },
    runs: { kind: "count", help: "runs of each pipeline (default 3, 1 with --quick)" },
    only: { kind: "choice", choices: ["pipelines", "scaling"], help: "only one of the two tables" },
  },
});
const quick = flags.quick;
const runs = flags.runs ?? (quick ? 1 : 3);
const only = flags.only;
await using workDir = await benchWorkDir("reel-bench-");
const work = workDir.path;

interface Pipeline {
  name: string;
  run(out: string): Promise<TreeMeasure>;
}

/**
 * Runs every pipeline `runs` times, alternating; returns each one's measures, in run order. Every run writes a folder
 * of its own, removed only at the end: on a file system without a journal, ext4 makes files slower for minutes after
 * many were removed (it skips recently freed inodes one by one), which would tax whichever run came next.
 */
async function measurePipelines(pipelines: Pipeline[]): Promise<Map<string, TreeMeasure[]>> {
  const measures = new Map(pipelines.map((pipeline) => [pipeline.name, [] as TreeMeasure[]]));
  for (let run = 0; run < runs; run++) {
    for (const pipeline of rotated(pipelines, run)) {
      const out = `${work}/out-${run}-${pipeline.name.replaceAll(/\W+/g, "-")}`;
      const measure = await pipeline.run(out);
      await checkOutputs(pipeline.name, out);
      measures.get(pipeline.name)!.push(measure);
      console.log(`  run ${run + 1}: ${pipeline.name} ${seconds(measure.wallMs)}`);
    }
  }
  return measures;
}

/** Every pipeline writes the same files: an MP4 per format (lasting what the others' last), an SRT and a VTT. */
async function checkOutputs(name: string, out: string): Promise<void> {
  for (const format of LESSON_BENCH.formats) {
    const file = `${out}/lesson.${format.name}.mp4`;
    const probe = await new Deno.Command("ffprobe", {
      args: ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file],
    }).output();
    const duration = Number(new TextDecoder().decode(probe.stdout));
    if (!(duration > 60)) throw new Error(`${name} wrote no whole ${file} (${duration} s)`);
  }
  for (const file of ["lesson.srt", "lesson.vtt"]) await Deno.stat(`${out}/${file}`);
}

async function pipelinesTable(): Promise<void> {
  await writeLessonInputs(work);
  const lesson = `${work}/lesson.ts`;
  // Warm Deno's caches with one whole render, so every measured run pays process start but not first-time
  // transpiling: planning alone does not load the workers' step kinds, which load on demand.
  const warm = `${work}/warm`;
  await measureTree(deno, [...render, lesson, "--out", warm, "--cache", `${warm}-cache`, "--quiet"]);
  // Run without arguments, it loads its modules and stops at its usage line: their transpiling is cached.
  await measureTree(deno, frameByFrame).catch((error: Error) => {
    if (!error.message.includes("usage: frame_by_frame.ts")) throw error;
  });
  const rerenders: TreeMeasure[] = [];
  const pipelines: Pipeline[] = [
    {
      name: "reel, 30 fps",
      run: async (out) => {
        const args = [...render, lesson, "--out", out, "--cache", `${out}-cache`, "--quiet"];
        const measure = await measureTree(deno, args);
        // The same render again, unchanged: process start, loading, planning, and finding every step stored.
        rerenders.push(await measureTree(deno, args));
        return measure;
      },
    },
    {
      name: "reel, 30 fps, fades",
      run: async (out) => {
        const args = [
          ...render,
          `${work}/lesson-fade.ts`,
          "--out",
          out,
          "--cache",
          `${out}-cache`,
          "--quiet",
        ];
        const measure = await measureTree(deno, args);
        return measure;
      },
    },
    {
      name: "script, 1 fps",
      run: (out) => measureTree("bash", [`${root}bench/ffmpeg_baseline.sh`, work, "1", out]),
    },
    {
      name: "script, 30 fps",
      run: (out) => measureTree("bash", [`${root}bench/ffmpeg_baseline.sh`, work, "30", out]),
    },
  ];
  if (!quick) {
    pipelines.push({
      name: "frame by frame, 30 fps",
      run: (out) => measureTree(deno, [...frameByFrame, work, "30", out]),
    });
  }
  console.log(
    `bench: ${LESSON_BENCH.sections} sections × ~${LESSON_BENCH.words} words (espeak-ng), formats ${
      LESSON_BENCH.formats.map((f) => `${f.width}×${f.height}`).join(" ")
    }, ${navigator.hardwareConcurrency} cores, ${runs} run(s) each, alternating`,
  );
  const measures = await measurePipelines(pipelines);
  console.log(
    "\n| pipeline | wall, median (min–max) | CPU, whole tree | peak memory, whole tree |\n|---|---:|---:|---:|",
  );
  for (const [name, list] of measures) {
    console.log(
      `| ${name} | ${formatSpread(list.map((m) => m.wallMs), seconds)} | ${
        formatSpread(list.map((m) => m.cpuMs), seconds)
      } | ${formatSpread(list.map((m) => m.peakRssBytes), megabytes)} |`,
    );
  }
  const reel = measures.get("reel, 30 fps")!;
  const ratio = (other: string, field: "wallMs" | "cpuMs", inverse = false) => {
    const list = measures.get(other)!;
    return spread(reel.map((m, i) => inverse ? list[i]![field] / m[field] : m[field] / list[i]![field]));
  };
  const times = (s: ReturnType<typeof spread>) =>
    `${s.median.toFixed(2)}×${runs > 1 ? ` (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : ""}`;
  const wall1 = ratio("script, 1 fps", "wallMs");
  const cpu1 = ratio("script, 1 fps", "cpuMs");
  const faster30 = ratio("script, 30 fps", "wallMs", true);
  console.log(
    `\nreel at 30 fps / script at 1 fps: wall ${times(wall1)}, CPU ${times(cpu1)} (target ≤ 1.00×) ${
      verdict(wall1.median <= 1 && cpu1.median <= 1)
    }`,
  );
  console.log(
    `script at 30 fps / reel at 30 fps: ${times(faster30)} (target ≥ 8×) ${verdict(faster30.median >= 8)}`,
  );
  console.log(`reel with fades / reel: wall ${times(ratio("reel, 30 fps, fades", "wallMs", true))}`);
  if (!quick) {
    console.log(`frame by frame at 30 fps / reel: ${times(ratio("frame by frame, 30 fps", "wallMs", true))}`);
  }
  const again = spread(rerenders.map((m, i) => m.wallMs / reel[i]!.wallMs));
  console.log(
    `unchanged re-render: ${formatSpread(rerenders.map((m) => m.wallMs), seconds)}, ${
      (again.median * 100).toFixed(1)
    }% of a full render (target ≤ 10%) ${verdict(again.median <= 0.1)}`,
  );
}

async function scalingTable(): Promise<void> {
  const counts = quick ? [1, 10] : [1, 10, 50];
  console.log(
    `\nscaling: videos × 12 sections (~${LESSON_BENCH.scalingWords} words each, espeak-ng), 320×180 and 180×320, ` +
      `${runs} run(s) of each row, alternating`,
  );
  // Every row's planner and scheduler are measured alike, warm: one pass first, or the first row alone would pay
  // for compiling and probing what the later rows reuse. A one-video render pays that first pass, so it is
  // measured as the render pays it (a fresh process, the CLI's modules loaded, the render's V8 flags), printed
  // and judged too.
  const first = `${work}/scale-first`;
  const firstFile = await writeLessonInputs(first, { videos: 1, scaling: true });
  // This machine's noise (fresh processes, file system calls) is as large as the margin: every overhead is the
  // median of three measures.
  // Each measure has a store of its own, and nothing is removed until all is measured (see `_bench_overhead.ts`).
  const cold = await medianOf(3, (run) => firstPlan(firstFile, `${first}/overhead-store-${run}`));
  await schedulerOverhead(firstFile, `${first}/overhead-store-warm`);
  const rows: ScalingRow[] = [];
  for (const videos of counts) {
    const dir = `${work}/scale-${videos}`;
    const file = await writeLessonInputs(dir, { videos, scaling: true });
    const overhead = await medianOf(3, (run) => schedulerOverhead(file, `${dir}/overhead-store-${run}`));
    rows.push({ videos, dir, file, sections: videos * 12, overhead, renders: [] });
  }
  // The renders alternate in a rotating order, as the pipelines do (this machine's one-video render moves by a
  // third from one minute to the next); each run renders into folders of its own, with a cache of its own.
  for (let run = 0; run < runs; run++) {
    for (const row of rotated(rows, run)) {
      const out = `${row.dir}/run-${run}`;
      const measure = await measureTree(deno, [
        ...render,
        row.file,
        "--out",
        `${out}/out`,
        "--cache",
        `${out}/cache`,
      ]);
      row.renders.push(measure);
      console.log(`  run ${run + 1}: ${row.videos} video(s) ${seconds(measure.wallMs)}`);
    }
  }
  console.log(
    "\n| videos | steps | wall | wall / section | CPU / section | planner + scheduler / step | reel's peak memory |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|");
  const peakOf = (measure: TreeMeasure) => Number(/Peak memory ([\d.]+) MB/.exec(measure.stderr)?.[1]) * 1e6;
  const milliseconds = (ms: number) => `${ms.toFixed(0)} ms`;
  const medianWallMs = rows.map((row) => spread(row.renders.map((m) => m.wallMs)).median);
  const perSection = rows.map((row, i) => medianWallMs[i]! / row.sections);
  for (const { videos, sections, overhead, renders } of rows) {
    console.log(
      `| ${videos} | ${overhead.steps} | ${formatSpread(renders.map((m) => m.wallMs), seconds)} | ${
        formatSpread(renders.map((m) => m.wallMs / sections), milliseconds)
      } | ${formatSpread(renders.map((m) => m.cpuMs / sections), milliseconds)} | ${
        overhead.msPerStep.toFixed(2)
      } ms | ${formatSpread(renders.map(peakOf), megabytes)} |`,
    );
  }
  const mean = perSection.reduce((a, b) => a + b, 0) / perSection.length;
  const deviation = Math.max(...perSection.map((value) => Math.abs(value / mean - 1)));
  console.log(
    `\nmedian time per section within ±${(deviation * 100).toFixed(0)}% of the mean (target ±15%) ${
      verdict(deviation <= 0.15)
    }`,
  );
  // Informative, not the target: a straight line through the smallest and largest rows, what each further
  // section costs and what every render pays once (start, workers, the checks, the narration's serial tail).
  const [low, high] = [0, rows.length - 1].map((i) => ({
    sections: rows[i]!.sections,
    wallMs: medianWallMs[i]!,
  }));
  const marginal = (high!.wallMs - low!.wallMs) / (high!.sections - low!.sections);
  console.log(
    `(medians between ${low!.sections} and ${high!.sections} sections: ${marginal.toFixed(0)} ms a further ` +
      `section, ${seconds(low!.wallMs - marginal * low!.sections)} once a render)`,
  );
  const worst = Math.max(...rows.map((row) => row.overhead.msPerStep));
  // A one-video render is one plan in a fresh process: it pays what the warm rows leave out (compiling, the
  // toolchain's probes), so the target is judged on both.
  console.log(
    `planner + scheduler (medians of 3): at most ${worst.toFixed(2)} ms a step warm, ${
      cold.msPerStep.toFixed(2)
    } ms on the ` +
      `first plan of a fresh process with the CLI's modules loaded (one video; the toolchain's probes and ` +
      `compiling in it) (target < 2 ms) ${verdict(Math.max(worst, cold.msPerStep) < 2)}`,
  );
  // The highest of the runs: a limit holds for every run.
  const peak = Math.max(...rows.at(-1)!.renders.map(peakOf));
  console.log(
    `reel's peak memory at ${counts.at(-1)} videos, the highest of its runs: ${
      megabytes(peak)
    } (target < 300 MB) ${verdict(peak < 300e6)}`,
  );
}

/** A rotating order of `items` for run `run`, so that none always meets the machine in the same state. */
function rotated<T>(items: readonly T[], run: number): T[] {
  return items.map((_, i) => items[(i + run) % items.length]!);
}

/** How a target line ends: met or not. */
function verdict(met: boolean): string {
  return met ? "✔" : "✖";
}

/** A row of the scaling table: its inputs, its planner's and scheduler's cost, its renders' measures. */
interface ScalingRow {
  videos: number;
  dir: string;
  file: string;
  sections: number;
  overhead: { steps: number; msPerStep: number };
  renders: TreeMeasure[];
}

/** The measure of median cost a step among `runs` measures of `measure`, made one after another. */
async function medianOf(
  runs: number,
  measure: (run: number) => Promise<{ steps: number; msPerStep: number }>,
): Promise<{ steps: number; msPerStep: number }> {
  const measures = [];
  for (let run = 0; run < runs; run++) measures.push(await measure(run));
  measures.sort((a, b) => a.msPerStep - b.msPerStep);
  return measures[Math.floor(runs / 2)]!;
}

/** The planner's and scheduler's cost on a fresh process's first plan of `file` (see `_bench_first_plan.ts`). */
async function firstPlan(file: string, storeDir: string): Promise<{ steps: number; msPerStep: number }> {
  const { code, stdout } = await benchChild(deno, {
    args: ["run", "--allow-all", REEL_V8_FLAGS, `${root}tasks/_bench_first_plan.ts`, file, storeDir],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`The first-plan measure exited with ${code}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

if (only !== "scaling") await pipelinesTable();
if (only !== "pipelines") await scalingTable();
