/**
 * `deno task bench`: renders a 12-section lesson (~40 words of narration each, three full-size formats) with reel
 * and with the two baselines, and prints wall time, CPU time (children included), peak memory and the ratios.
 *
 *   deno task bench              reel, the plain-ffmpeg script and the frame-by-frame pipeline
 *   deno task bench --quick      reel and the plain-ffmpeg script only
 * @module
 */
import { processUsage } from "../lib/report/process_usage.ts";
import { LESSON_DEFAULTS } from "../lib/jobs/lesson/resolve_lesson.ts";

const root = new URL("..", import.meta.url).pathname;
const quick = Deno.args.includes("--quick");

const SENTENCES = [
  "Light from the sun reaches the leaves of a plant and gives it the energy it needs to grow.",
  "Inside each leaf, tiny green parts called chloroplasts catch that light and start a chain of reactions.",
  "Water travels up from the roots through narrow tubes, while carbon dioxide enters through small pores.",
  "The plant joins water and carbon dioxide together and builds sugar, which stores the energy of the light.",
  "Oxygen is left over from this work, and the leaves release it into the air for us to breathe.",
  "Some of the sugar is used at once, and the rest is stored in roots, fruits and seeds for later.",
];

function narration(section: number): string {
  const words: string[] = [];
  for (let i = 0; words.length < 40; i++) {
    words.push(...SENTENCES[(section + i) % SENTENCES.length]!.split(" "));
  }
  return words.slice(0, 40).join(" ").replace(/[,.]?$/, ".");
}

interface Measure {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number | null;
}

async function childrenCpuMs(): Promise<number> {
  const { childrenCpuMs } = await processUsage();
  if (childrenCpuMs === null) throw new Error("The benchmark reads children's CPU time from /proc (Linux)");
  return childrenCpuMs;
}

async function measure(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Measure & { stderr: string; stdout: string }> {
  const cpu = await childrenCpuMs();
  const start = performance.now();
  const output = await new Deno.Command(command, { args, env, stdin: "null" }).output();
  const wallMs = performance.now() - start;
  const stderr = new TextDecoder().decode(output.stderr);
  const stdout = new TextDecoder().decode(output.stdout);
  if (!output.success) throw new Error(`${command} ${args.join(" ")} failed:\n${stderr}`);
  const peak = /Peak memory ([\d.]+) MB/.exec(stderr);
  return {
    wallMs,
    cpuMs: (await childrenCpuMs()) - cpu,
    peakRssBytes: peak === null ? null : Number(peak[1]) * 1e6,
    stderr,
    stdout,
  };
}

async function durationOf(file: string): Promise<number> {
  const output = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file],
  }).output();
  return Number(new TextDecoder().decode(output.stdout));
}

const work = await Deno.makeTempDir({ prefix: "reel-bench-" });
const sections = Array.from({ length: 12 }, (_, i) => ({
  id: `s${String(i + 1).padStart(2, "0")}`,
  title: `Step ${i + 1} of photosynthesis`,
  bullets: ["Light gives energy", "Water and carbon dioxide", "Sugar and oxygen"],
  narration: narration(i),
}));
const workflow = { formats: ["16:9", "9:16", "1:1"], videos: [{ id: "lesson", sections }] };
await Deno.writeTextFile(
  `${work}/lesson.ts`,
  `import { workflow } from "${root}mod.ts";\nexport default workflow(${JSON.stringify(workflow)});\n`,
);
const deno = Deno.execPath();
const cli = [`run`, `--allow-all`, `${root}tasks/render.ts`, "render"];

console.log(
  `bench: 12 sections × ~40 words, formats 16:9 9:16 1:1 at full size, ${navigator.hardwareConcurrency} cores`,
);
// Warm Deno's module cache so the measured run pays process start, not first-time transpiling.
await measure(deno, [
  ...cli,
  `${work}/lesson.ts`,
  "--only",
  "lesson",
  "--format",
  "1:1",
  "--out",
  `${work}/warm`,
  "--cache",
  `${work}/warm-cache`,
  "--plan",
]);

const renderLesson = (mode: "--json" | "--quiet") =>
  measure(deno, [...cli, `${work}/lesson.ts`, "--out", `${work}/out`, "--cache", `${work}/cache`, mode]);
const reel = await renderLesson("--json");
const events = reel.stdout.trim().split("\n").map((line) =>
  JSON.parse(line) as { type: string; step?: string; path?: string | null }
);
const reelSeconds = await durationOf(`${work}/out/lesson.16x9.mp4`);
// The same render again, unchanged: process start, loading, planning and checking every artifact's hash.
const rerender = await renderLesson("--quiet");

// The baseline gets reel's slide images and the same narration text, and does the rest itself.
await Deno.mkdir(`${work}/base/text`, { recursive: true });
await Deno.mkdir(`${work}/base/slides`, { recursive: true });
for (const [i, section] of sections.entries()) {
  const n = String(i + 1).padStart(2, "0");
  await Deno.writeTextFile(`${work}/base/text/${n}.txt`, section.narration);
  for (const format of ["16x9", "9x16", "1x1"]) {
    const slide = events.find((event) =>
      event.type === "step:finished" && event.step === `lesson/${section.id}/slide@${format}`
    );
    if (typeof slide?.path !== "string") throw new Error(`No slide for ${section.id} ${format}`);
    await Deno.copyFile(slide.path, `${work}/base/slides/${n}_${format}.png`);
  }
}
const provider: string = LESSON_DEFAULTS.voice.provider;
const voice = provider === "espeak" ? "espeak" : LESSON_DEFAULTS.voice.voice;
const plain = await measure("bash", [`${root}bench/ffmpeg_baseline.sh`, `${work}/base`, voice]);
const plainSeconds = await durationOf(`${work}/base/out/lesson.16x9.mp4`);

const rows: [string, Measure, number][] = [["reel", reel, reelSeconds], [
  "plain ffmpeg script",
  plain,
  plainSeconds,
]];
let frames: Measure | null = null;
if (!quick) {
  frames = await measure(deno, ["run", "--allow-all", `${root}bench/frame_by_frame.ts`, `${work}/base`]);
  rows.push(["frame by frame, 24 fps", frames, await durationOf(`${work}/base/frames/lesson.16x9.mp4`)]);
}

const mb = (bytes: number | null) => bytes === null ? "-" : `${(bytes / 1e6).toFixed(0)} MB`;
console.log("\n| pipeline | wall | CPU (children incl.) | peak RSS (reel process) | video length |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, m, seconds] of rows) {
  console.log(
    `| ${name} | ${(m.wallMs / 1000).toFixed(2)} s | ${(m.cpuMs / 1000).toFixed(2)} s | ${
      mb(m.peakRssBytes)
    } | ${seconds.toFixed(1)} s |`,
  );
}
const again = rerender.wallMs / reel.wallMs;
console.log(
  `\nunchanged re-render: ${(rerender.wallMs / 1000).toFixed(2)} s = ${
    (again * 100).toFixed(1)
  }% of the full render (target ≤ 10%) ${again <= 0.1 ? "✔" : "✖"}`,
);
const ratio = reel.wallMs / plain.wallMs;
console.log(
  `\nreel / plain ffmpeg script: ${ratio.toFixed(2)}× wall (target ≤ 1.30×) ${ratio <= 1.3 ? "✔" : "✖"}`,
);
if (frames !== null) {
  const speedup = frames.wallMs / reel.wallMs;
  console.log(`frame by frame / reel: ${speedup.toFixed(1)}× (target ≥ 10×) ${speedup >= 10 ? "✔" : "✖"}`);
}
await Deno.remove(work, { recursive: true });
