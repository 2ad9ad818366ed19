/**
 * `deno task bench:api`: 4 videos × 10 sections, an image and a narration each (80 calls), against the local
 * OpenAI-compatible server at 120 rpm, 200–600 ms latency, 8 in flight. Prints reel's makespan against the
 * rate-limit lower bound, and beside it two hand-written runs of the same calls: the seed-style unbounded one
 * (every call at once, a fixed 1 s sleep on 429) and a careful one (the server's concurrency, sleeping the
 * Retry-After it sends on 429): their 429 counts and makespans.
 * @module
 */
import { startFakeOpenAi } from "../lib/fake_api/fake_openai_server.ts";
import { findFfmpeg } from "../lib/media/ffmpeg.ts";
import { realClock } from "../lib/core/clock.ts";
import { providerLimiters } from "../lib/run/render_workflows.ts";
import { planFiles } from "../lib/run/load_plan.ts";
import { runPlan } from "../lib/run/scheduler.ts";
import { ArtifactStore } from "../lib/store/artifact_store.ts";
import { WorkerPool } from "../lib/workers/worker_pool.ts";
import { benchArgs } from "./_bench_args.ts";
import { benchWorkDir } from "./_bench_work_dir.ts";

const RPM = 120;
const CALLS = 80;
const serverOptions = { rpm: RPM, burst: 1, concurrency: 8, latency: { min: 200, max: 600 } };
benchArgs({
  task: "bench:api",
  about:
    "Runs 80 image and speech calls against a local OpenAI-compatible server at 120 rpm: reel's makespan " +
    "against the rate limit's lower bound, beside two hand-written clients.\nTakes about 3 minutes.",
  flags: {},
});
const root = new URL("..", import.meta.url).pathname;
await using workDir = await benchWorkDir("reel-bench-api-");
const work = workDir.path;

const videos = Array.from({ length: 4 }, (_, v) => ({
  id: `v${v + 1}`,
  sections: Array.from({ length: 10 }, (_, s) => ({
    title: `Part ${s + 1}`,
    narration: `This is part ${s + 1} of video ${v + 1}, read by the speech API.`,
    image: { provider: "api", prompt: `illustration ${v + 1}.${s + 1}`, size: "256x256" },
  })),
}));

// reel: the provider calls of the plan, paced by the provider's limiter.
const server = startFakeOpenAi(serverOptions);
await Deno.writeTextFile(
  `${work}/course.ts`,
  `import { workflow } from "${root}mod.ts";\nexport default workflow(${
    JSON.stringify({
      formats: ["160x90"],
      limits: { videos: 4, sections: 10, api: 2, global: 8 },
      providers: {
        api: { api: "openai", baseUrl: server.url, concurrency: 8, rate: { requests: RPM, per: "minute" } },
      },
      voice: { provider: "api", voice: "alloy" },
      videos,
    })
  });\n`,
);
const plan = await planFiles([`${work}/course.ts`]);
plan.steps = plan.steps.filter((step) => step.kind === "image" || step.kind === "speech");
if (plan.steps.length !== CALLS) throw new Error(`expected ${CALLS} calls, planned ${plan.steps.length}`);
const limiters = providerLimiters(plan, realClock);
const pool = new WorkerPool({ size: navigator.hardwareConcurrency });
await pool.ready();
const start = performance.now();
const result = await runPlan(plan, {
  executor: pool,
  store: new ArtifactStore(`${work}/.reel`),
  ffmpeg: await findFfmpeg(),
  outDir: null,
  providerGate: (name) => limiters.get(name) ?? null,
});
const reelMs = performance.now() - start;
await pool.close();
const reelStats = server.stats;
await server.close();
const failed = [...result.states.values()].filter((state) => state !== "done").length;

// The seed-style run: every call at once, and on a 429 a fixed one-second sleep before trying again.
const naive = startFakeOpenAi(serverOptions);
const calls = videos.flatMap((video) =>
  video.sections.flatMap((section) => [
    {
      path: "/v1/images/generations",
      body: { prompt: section.image.prompt, size: "256x256", response_format: "b64_json" },
    },
    { path: "/v1/audio/speech", body: { input: section.narration, voice: "alloy", model: "tts-1" } },
  ])
);
const naiveStart = performance.now();
await Promise.all(calls.map(async (call) => {
  for (;;) {
    const answer = await fetch(`${naive.url}${call.path}`, {
      method: "POST",
      body: JSON.stringify(call.body),
    });
    await answer.arrayBuffer();
    if (answer.status !== 429) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}));
const naiveMs = performance.now() - naiveStart;
const naiveStats = naive.stats;
await naive.close();

// The careful hand-written run: as many calls in flight as the server allows, and on a 429 a sleep for exactly
// the wait the server asks for (a second when it says none).
const careful = startFakeOpenAi(serverOptions);
const carefulStart = performance.now();
let next = 0;
await Promise.all(Array.from({ length: serverOptions.concurrency }, async () => {
  while (next < calls.length) {
    const call = calls[next++]!;
    for (;;) {
      const answer = await fetch(`${careful.url}${call.path}`, {
        method: "POST",
        body: JSON.stringify(call.body),
      });
      await answer.arrayBuffer();
      if (answer.status !== 429) break;
      // retry-after-ms when sent (finer), else Retry-After in seconds.
      const ms = Number(
        answer.headers.get("retry-after-ms") ?? Number(answer.headers.get("retry-after") ?? 1) * 1000,
      );
      await new Promise((resolve) => setTimeout(resolve, Number.isFinite(ms) ? ms : 1000));
    }
  }
}));
const carefulMs = performance.now() - carefulStart;
const carefulStats = careful.stats;
await careful.close();

// The last call can start no sooner than (calls - burst) intervals in, and its answer takes the least latency.
const lowerBound = ((CALLS - serverOptions.burst) * 60_000) / RPM + serverOptions.latency.min;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `bench:api: ${CALLS} calls (image + speech per section), server ${RPM} rpm, 200–600 ms, 8 in flight`,
);
console.log(`rate-limit lower bound: ${seconds(lowerBound)}`);
console.log("\n| run | makespan | vs lower bound | 429s | most in flight | failed steps |");
console.log("|---|---:|---:|---:|---:|---:|");
console.log(
  `| reel | ${seconds(reelMs)} | ${
    (reelMs / lowerBound).toFixed(3)
  }× | ${reelStats.rateLimited} | ${reelStats.maxInFlight} | ${failed} |`,
);
console.log(
  `| every call at once, 1 s sleep on 429 | ${seconds(naiveMs)} | ${
    (naiveMs / lowerBound).toFixed(3)
  }× | ${naiveStats.rateLimited} | ${naiveStats.maxInFlight} | - |`,
);
console.log(
  `| ${serverOptions.concurrency} at a time, sleep Retry-After on 429 | ${seconds(carefulMs)} | ${
    (carefulMs / lowerBound).toFixed(3)
  }× | ${carefulStats.rateLimited} | ${carefulStats.maxInFlight} | - |`,
);
const ok = reelMs <= 1.1 * lowerBound && failed === 0;
console.log(`\nreel makespan ≤ 1.10 × lower bound and 0 failed steps: ${ok ? "✔" : "✖"}`);
