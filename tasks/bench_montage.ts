/**
 * `deno task bench:montage`: a 60-s 1080p 30 fps scrolling montage of 100 images with a soundtrack, made by reel
 * and by a MoviePy-style per-frame pipeline doing the same work (`bench/montage_frame_by_frame.ts`), run in
 * alternating pairs. Prints each pipeline's wall time, CPU time (children included) and peak memory of its whole
 * process tree (medians, with min–max), and the ratio.
 *
 *   deno task bench:montage            3 pairs
 *   deno task bench:montage --quick    1 pair
 *   deno task bench:montage --pairs 5
 * @module
 */
import { findFfmpeg, probeMedia, runFfmpeg } from "../lib/media/ffmpeg.ts";
import { formatSpread, measureTree, megabytes, type TreeMeasure } from "./_bench_measure.ts";
import { spread } from "../lib/core/spread.ts";
import { BASELINE_DENO_FLAGS, REEL_V8_FLAGS } from "./_v8_flags.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchWorkDir } from "./_bench_work_dir.ts";

const root = new URL("..", import.meta.url).pathname;
const { flags } = benchArgs({
  task: "bench:montage",
  about: "Makes a 60-s 1080p scrolling montage of 100 images with reel and with a per-frame pipeline, in " +
    "alternating pairs: wall, CPU and peak memory of each.\nTakes about 3 minutes on 2 cores (1 with --quick).",
  flags: {
    quick: { kind: "switch", help: "1 pair" },
    pairs: { kind: "count", help: "pairs of runs (default 3)" },
  },
});
const pairs = flags.quick ? 1 : flags.pairs ?? 3;
const SPEC = {
  width: 1920,
  height: 1080,
  fps: 30,
  duration: 60,
  cell: { width: 864, height: 648 },
  gap: 22,
  background: [16, 16, 16] as [number, number, number],
};

await using workDir = await benchWorkDir("reel-bench-montage-");
const work = workDir.path;
const paths = await findFfmpeg();
// 100 different 4:3 images and a 60-s soundtrack.
await Deno.mkdir(`${work}/images`);
await runFfmpeg(paths, [
  "-f",
  "lavfi",
  "-i",
  "testsrc2=s=960x720:r=1",
  "-frames:v",
  "100",
  `${work}/images/img%03d.png`,
]);
await runFfmpeg(paths, ["-f", "lavfi", "-i", "sine=f=220:d=60", `${work}/music.wav`]);
const images = Array.from(
  { length: 100 },
  (_, i) => `${work}/images/img${String(i + 1).padStart(3, "0")}.png`,
);
const workflow = {
  montages: [{
    id: "strip",
    layout: "scroll",
    items: ["images/*.png"],
    size: `${SPEC.width}x${SPEC.height}`,
    fps: SPEC.fps,
    duration: SPEC.duration,
    cell: SPEC.cell,
    gap: SPEC.gap,
    background: "#101010",
    audio: "music.wav",
  }],
};
await Deno.writeTextFile(
  `${work}/montage.ts`,
  `import { workflow } from "${root}mod.ts";\nexport default workflow(${JSON.stringify(workflow)});\n`,
);
await Deno.writeTextFile(
  `${work}/spec.json`,
  JSON.stringify({ ...SPEC, images, audio: `${work}/music.wav` }),
);
const deno = Deno.execPath();
const reelArgs = (run: number) => [
  "run",
  "--allow-all",
  REEL_V8_FLAGS,
  `${root}tasks/render.ts`,
  "render",
  `${work}/montage.ts`,
  "--out",
  `${work}/reel-${run}`,
  "--cache",
  `${work}/cache-${run}`,
  "-q",
];
const baselineArgs = (run: number) => [
  "run",
  "--allow-all",
  ...BASELINE_DENO_FLAGS,
  `${root}bench/montage_frame_by_frame.ts`,
  `${work}/spec.json`,
  `${work}/frames-${run}.mp4`,
];
console.log(
  `bench:montage: ${SPEC.duration} s ${SPEC.width}×${SPEC.height} ${SPEC.fps} fps scrolling montage of 100 images ` +
    `with a soundtrack, ${pairs} pair${pairs === 1 ? "" : "s"}, ${navigator.hardwareConcurrency} cores`,
);
// Warm Deno's module cache so measured runs pay process start, not first-time transpiling.
await measureTree(deno, [...reelArgs(0), "--plan"]);
const reel: TreeMeasure[] = [];
const frames: TreeMeasure[] = [];
for (let run = 1; run <= pairs; run++) {
  reel.push(await measureTree(deno, reelArgs(run)));
  frames.push(await measureTree(deno, baselineArgs(run)));
  console.log(
    `  pair ${run}: reel ${(reel.at(-1)!.wallMs / 1000).toFixed(1)} s, per-frame ${
      (frames.at(-1)!.wallMs / 1000).toFixed(1)
    } s`,
  );
}
// Same work: both write a 60-s 1080p video with its soundtrack.
for (const file of [`${work}/reel-1/strip.mp4`, `${work}/frames-1.mp4`]) {
  const info = await probeMedia(paths, file);
  const video = info.streams.find((stream) => stream.type === "video");
  const codecs = info.streams.map((stream) => stream.codec).sort().join("+");
  console.log(
    `  ${file.slice(work.length + 1)}: ${video?.width}×${video?.height}, ${
      info.duration.toFixed(2)
    } s, ${codecs}`,
  );
}
const median = (values: number[]) => spread(values).median;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log("\n| pipeline | wall | CPU (children incl.) | peak memory (process tree) |");
console.log("|---|---:|---:|---:|");
for (const [name, runs] of [["reel", reel], ["MoviePy-style per-frame", frames]] as const) {
  console.log(
    `| ${name} | ${formatSpread(runs.map((m) => m.wallMs), seconds)} | ${
      formatSpread(runs.map((m) => m.cpuMs), seconds)
    } | ${formatSpread(runs.map((m) => m.peakRssBytes), megabytes)} |`,
  );
}
const ratio = median(frames.map((m) => m.wallMs)) / median(reel.map((m) => m.wallMs));
const cpuRatio = median(frames.map((m) => m.cpuMs)) / median(reel.map((m) => m.cpuMs));
const peak = Math.max(...reel.map((m) => m.peakRssBytes));
console.log(
  `\nper-frame / reel: ${ratio.toFixed(1)}× wall, ${cpuRatio.toFixed(1)}× CPU (target ≥ 5×) ${
    ratio >= 5 ? "✔" : "✖"
  }`,
);
console.log(`reel's peak memory: ${megabytes(peak)} (target < 500 MB) ${peak < 500e6 ? "✔" : "✖"}`);
