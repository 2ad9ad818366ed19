/**
 * `deno task bench:cluster`: what the cluster costs and what it holds, on one machine with a local Redis.
 *
 * 1. The example lesson (workflows/lesson.ts) rendered locally (the Web Worker pool) and through the cluster (a
 *    coordinator and two workers of `--cpu 1`, already running), alternately, each time into a fresh store: wall,
 *    CPU (children, workers and Redis included) and peak memory. Target: cluster ≤ 1.15× local.
 * 2. 20 sections of API images and narration (40 calls) against the local fake server at 150 rpm, rendered locally
 *    and on three workers, alternately: the span of the calls against the rate bound ((calls − 1) × 60 s / rpm).
 *    Target: the cluster within 1.1×.
 *
 *   deno task bench:cluster            5 runs of each lesson pipeline, 3 API runs
 *   deno task bench:cluster --quick    2 and 1
 * @module
 */
import { startFakeOpenAi } from "../lib/fake_api/fake_openai_server.ts";
import { processUsage } from "../lib/report/process_usage.ts";
import { spread } from "../lib/core/spread.ts";
import { type ClusterProcess, startRedisServer, startWorkerProcess, usageOf } from "./_cluster_processes.ts";
import { REEL_V8_FLAGS } from "./_v8_flags.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchChild, benchWorkDir } from "./_bench_work_dir.ts";

const { flags } = benchArgs({
  task: "bench:cluster",
  about:
    "Renders the example lesson locally and through a local cluster (Redis, two workers), then 40 API calls " +
    "locally and on three workers: wall, CPU and peak memory, and the calls' span against the rate bound.\n" +
    "Takes a few minutes; needs redis-server.",
  flags: { quick: { kind: "switch", help: "2 lesson runs and 1 API run, in place of 5 and 3" } },
});
const quick = flags.quick;
const runs = quick ? 2 : 5;
const apiRuns = quick ? 1 : 3;
const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
const cli = ["run", "--allow-all", REEL_V8_FLAGS, `${root}tasks/render.ts`, "render"];
await using workDir = await benchWorkDir("reel-bench-cluster-");
const work = workDir.path;

interface Sample {
  wallMs: number;
  cpuMs: number;
  peakBytes: number;
}

async function childrenCpuMs(): Promise<number> {
  const { childrenCpuMs } = await processUsage();
  if (childrenCpuMs === null) throw new Error("The benchmark reads CPU time from /proc (Linux)");
  return childrenCpuMs;
}

/** Runs a render; CPU and memory of the cluster's processes are added in. */
async function render(args: string[], cluster: ClusterProcess[]): Promise<Sample> {
  const before = await Promise.all(cluster.map((process) => usageOf(process.pid)));
  const cpu = await childrenCpuMs();
  const start = performance.now();
  const output = await benchChild(deno, {
    args: [...cli, ...args, "--quiet"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallMs = performance.now() - start;
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`render ${args.join(" ")} failed:\n${stderr}`);
  const after = await Promise.all(cluster.map((process) => usageOf(process.pid)));
  const clusterCpu = after.reduce((sum, usage, i) => sum + usage.cpuMs - before[i]!.cpuMs, 0);
  const peak = Number(/Peak memory ([\d.]+) MB/.exec(stderr)?.[1] ?? 0) * 1e6;
  return {
    wallMs,
    cpuMs: (await childrenCpuMs()) - cpu + clusterCpu,
    peakBytes: peak + after.reduce((sum, usage) => sum + usage.peakBytes, 0),
  };
}

function summary(name: string, samples: Sample[]): string {
  const median = (values: number[]) => spread(values).median;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const walls = samples.map((sample) => sample.wallMs);
  return `| ${name} | ${s(median(walls))} | ${s(Math.min(...walls))}–${s(Math.max(...walls))} | ${
    s(median(samples.map((sample) => sample.cpuMs)))
  } | ${(Math.max(...samples.map((sample) => sample.peakBytes)) / 1e6).toFixed(0)} MB |`;
}

const RPM = 150;
const CALLS = 40;
const API_BOUND = ((CALLS - 1) * 60_000) / RPM;

/** Renders 20 sections of API images and narration against a fresh fake server; the calls' span and 429s. */
async function apiRun(
  name: string,
  args: string[],
  cluster: ClusterProcess[],
): Promise<{ wallMs: number; spanMs: number; rejected: number }> {
  // One request of slack in the server's bucket: requests leave from several processes, a few ms of jitter apart.
  const server = startFakeOpenAi({ rpm: RPM, burst: 2, concurrency: 4, latency: { min: 100, max: 300 } });
  const sections = Array.from({ length: CALLS / 2 }, (_, i) => ({
    title: `Part ${i + 1}`,
    narration: `Part ${i + 1}, read by the speech API.`,
    image: { provider: "api", prompt: `picture ${name}.${i + 1}`, size: "64x64" },
    voice: { provider: "api", voice: "alloy" },
  }));
  const workflow = {
    formats: ["64x64"],
    limits: { videos: 1, sections: 40, api: 2, global: 8 },
    providers: {
      api: { api: "openai", baseUrl: server.url, concurrency: 4, rate: { requests: RPM, per: "minute" } },
    },
    videos: [{ id: "course", sections }],
  };
  const file = `${work}/api-${name}.ts`;
  await Deno.writeTextFile(
    file,
    `import { workflow } from "${root}mod.ts";\nexport default workflow(${JSON.stringify(workflow)});\n`,
  );
  try {
    const sample = await render([
      file,
      "--out",
      `${work}/api-out-${name}`,
      "--cache",
      `${work}/api-store-${name}`,
      ...args,
    ], cluster);
    const log = server.stats.log;
    const paid = log.filter((entry) => entry.status === 200);
    if (paid.length !== CALLS) {
      throw new Error(`Expected ${CALLS} paid calls, the server answered ${paid.length}`);
    }
    const spanMs = Math.max(...paid.map((entry) => entry.at)) -
      Math.min(...log.map((entry) => entry.arrived));
    return { wallMs: sample.wallMs, spanMs, rejected: log.length - paid.length };
  } finally {
    await server.close();
  }
}

async function startCluster(count: number, allowRoot: string, args: string[]): Promise<ClusterProcess[]> {
  const workers: ClusterProcess[] = [];
  for (let i = 0; i < count; i++) {
    const cwd = await Deno.makeTempDir({ dir: work, prefix: "worker-" });
    workers.push(await startWorkerProcess({ redis: redis.url, cwd, allowRoot, args }));
  }
  return workers;
}

await Deno.mkdir(`${work}/redis`);
const redis = await startRedisServer(`${work}/redis`);
try {
  // 1. The lesson, local and on the cluster, alternately.
  await Deno.writeTextFile(`${work}/lesson.ts`, `export { default } from "${root}workflows/lesson.ts";\n`);
  const lessonWorkers = await startCluster(2, work, ["--cpu", "1"]);
  const lesson = (n: string, extra: string[]) => [
    `${work}/lesson.ts`,
    "--out",
    `${work}/out-${n}`,
    "--cache",
    `${work}/store-${n}`,
    ...extra,
  ];
  const clusterArgs = ["--cluster", redis.url];
  console.log(`bench:cluster on ${navigator.hardwareConcurrency} cores; ${runs} runs each, alternating`);
  // Warm runs: Deno's module cache, the workers' step runners.
  await render(lesson("warm-local", []), []);
  await render(lesson("warm-cluster", clusterArgs), [...lessonWorkers, redis]);
  const local: Sample[] = [];
  const cluster: Sample[] = [];
  for (let run = 0; run < runs; run++) {
    local.push(await render(lesson(`local-${run}`, []), []));
    cluster.push(await render(lesson(`cluster-${run}`, clusterArgs), [...lessonWorkers, redis]));
  }
  await Promise.all(lessonWorkers.map((worker) => worker.stop()));
  console.log(
    "\n| lesson pipeline | wall (median) | wall min–max | CPU (median, all processes) | peak memory |",
  );
  console.log("|---|---:|---:|---:|---:|");
  console.log(summary("local render (Web Worker pool)", local));
  console.log(summary("cluster: coordinator + 2 workers + Redis", cluster));
  const median = (samples: Sample[]) => spread(samples.map((sample) => sample.wallMs)).median;
  const ratio = median(cluster) / median(local);
  console.log(`\ncluster / local: ${ratio.toFixed(2)}× wall (target ≤ 1.15×) ${ratio <= 1.15 ? "✔" : "✖"}`);

  // 2. API-bound: 40 calls at 150 rpm, locally and on three workers, alternately.
  const apiWorkers = await startCluster(3, work, ["--cpu", "1", "--concurrency", "4"]);
  console.log(
    `\n| API-bound run (${CALLS} calls at ${RPM} rpm) | wall | calls span | bound | span / bound | 429s |`,
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (let run = 0; run < apiRuns; run++) {
    for (const mode of ["local", "cluster"] as const) {
      const result = await apiRun(`${mode}-${run}`, mode === "cluster" ? clusterArgs : [], [
        ...apiWorkers,
        redis,
      ]);
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      const within = result.spanMs / API_BOUND;
      const verdict = mode === "cluster" ? ` (target ≤ 1.1×) ${within <= 1.1 ? "✔" : "✖"}` : "";
      const name = mode === "cluster" ? "3 workers" : "local pool";
      console.log(
        `| ${name}, run ${run + 1} | ${s(result.wallMs)} | ${s(result.spanMs)} | ${s(API_BOUND)} | ${
          within.toFixed(2)
        }×${verdict} | ${result.rejected} |`,
      );
    }
  }
  await Promise.all(apiWorkers.map((worker) => worker.stop()));
} finally {
  await redis.stop();
}
