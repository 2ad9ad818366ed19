/**
 * A 40-section workflow of API-made images and narration, rendered by a coordinator and three worker processes
 * against the fake OpenAI-compatible server: the provider's concurrency and rate hold across the workers, the
 * outputs match a local render's, and with one worker killed mid-step and Redis restarted mid-run, every output is
 * still valid and no call is paid twice.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { probe } from "../_support/media.ts";
import { startRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const SECTIONS = 40;
const RATE = { rpm: 1200, concurrency: 3 };
/** The variable that makes the `crash` step kill its worker. */
const CRASH_VARIABLE = "CLUSTER_TEST_VICTIM";
/**
 * A CPU-heavy custom step that kills its own worker process with SIGKILL, in the middle of its code, on a worker
 * started with {@linkcode CRASH_VARIABLE} set; elsewhere it returns.
 */
const CRASH_STEP = `{
  id: "crash",
  cpu: true,
  run: () => {
    if (Deno.env.get("${CRASH_VARIABLE}") === "1") Deno.kill(Deno.pid, "SIGKILL");
    return "survived";
  },
}`;

/** The workflow, pointed at a server; with the `crash` step when asked. */
async function apiWorkflow(baseUrl: string, options: { crash?: boolean } = {}): Promise<string> {
  const sections = Array.from({ length: SECTIONS }, (_, i) => ({
    title: `Part ${i + 1}`,
    narration: `Part ${i + 1}.`,
    // The first asks for more than the fake answers (2048 a side): its step warns, on the worker that runs it.
    image: { provider: "api", prompt: `picture ${i + 1}`, size: i === 0 ? "4000x64" : "64x64" },
    voice: { provider: "api", voice: "alloy" },
  }));
  const workflow = {
    formats: ["64x64"],
    limits: { videos: 1, sections: 40, api: 2, global: 8 },
    providers: {
      api: {
        api: "openai",
        baseUrl,
        concurrency: RATE.concurrency,
        rate: { requests: RATE.rpm, per: "minute" },
        retries: 3,
        backoff: { base: 50, cap: 500 },
      },
    },
    videos: [{ id: "course", sections }],
  };
  const steps = options.crash === true ? `, steps: [${CRASH_STEP}]` : "";
  return await writeWorkflowFile(`export default workflow({ ...${JSON.stringify(workflow)}${steps} });`);
}

/**
 * The fake server, with the provider's limits: its concurrency exactly, its rate with two requests of slack in the
 * bucket (requests leave three processes a few ms of scheduling jitter apart; the rate still holds over time).
 */
function server() {
  return startFakeOpenAi({ rpm: RATE.rpm, burst: 3, concurrency: RATE.concurrency, retryAfterMs: 200 });
}

async function shape(path: string): Promise<string> {
  const info = await probe(path);
  return `${info.duration.toFixed(3)} ${
    info.streams.map((s) => `${s.type}:${s.codec}:${s.width}x${s.height}`).sort()
  }`;
}

/** The local render, once per file. */
let baseline: Promise<string> | null = null;
function localShape(): Promise<string> {
  baseline ??= (async () => {
    const fake = server();
    try {
      const file = await apiWorkflow(fake.url);
      const dir = file.slice(0, file.lastIndexOf("/"));
      const { run } = await renderWorkflows([file], { outDir: `${dir}/out`, cacheDir: `${dir}/store` });
      assert.ok(run.ok, [...run.errors.values()].join("\n"));
      return await shape(`${dir}/out/course.64x64.mp4`);
    } finally {
      await fake.close();
    }
  })();
  return baseline;
}

/** Keys of the steps that call the provider: what may be paid for, once each. */
function paidKeys(events: RunEvent[]): Set<string> {
  const kinds = new Set(["image", "speech"]);
  return new Set(
    events.filter((event) => event.type === "step:finished" && kinds.has(event.kind)).map((e) =>
      "contentKey" in e ? e.contentKey : ""
    ),
  );
}

Deno.test("3 cluster workers keep a provider's concurrency and rate across hosts, and render what a local run does", async () => {
  const expected = await localShape();
  const fake = server();
  await using redis = await startRedis();
  try {
    const file = await apiWorkflow(fake.url);
    const dir = file.slice(0, file.lastIndexOf("/"));
    await using _workers = await startWorkers(3, { redis: redis.url, allowRoot: dir });
    const events: RunEvent[] = [];
    const { run } = await renderWorkflows([file], {
      outDir: `${dir}/out`,
      cacheDir: `${dir}/store`,
      cluster: redis.target,
      onEvent: (event) => events.push(event),
    });
    assert.ok(run.ok, [...run.errors.values()].join("\n"));
    assert.equal(await shape(`${dir}/out/course.64x64.mp4`), expected);
    const stats = fake.stats;
    assert.ok(stats.maxInFlight <= RATE.concurrency, `the server saw ${stats.maxInFlight} calls in flight`);
    const arrivals = stats.log.map((entry) => `${entry.status}@${Math.round(entry.arrived)}`).join(" ");
    assert.equal(stats.rateLimited, 0, `no call went over the server's rate or concurrency: ${arrivals}`);
    assert.equal(stats.byStatus["200"], paidKeys(events).size);
    assert.equal(stats.byStatus["200"], 2 * SECTIONS);
    // What a worker's step warned of reaches the coordinator's events.
    const warned = events.flatMap((event) =>
      event.type === "step:finished" && event.warnings !== undefined ? [[event.step, ...event.warnings]] : []
    );
    assert.deepEqual(warned, [[
      "course/s1/image",
      "the provider answered an image of 2048×64, not the 4000×64 asked: slides draw it scaled to cover their " +
      "frames, its edges cut where its shape differs",
    ]]);
  } finally {
    await fake.close();
  }
});

Deno.test("a worker killed with -9 mid-step and Redis restarted mid-run: every output valid, no call paid twice", async () => {
  const expected = await localShape();
  const fake = server();
  await using redis = await startRedis({ aof: true });
  try {
    const file = await apiWorkflow(fake.url, { crash: true });
    const dir = file.slice(0, file.lastIndexOf("/"));
    const lock = ["--lock-ms", "1500"];
    const cpuWorker = (env: Record<string, string> = {}) =>
      startWorkers(1, {
        redis: redis.url,
        allowRoot: dir,
        args: ["--cpu", "1", "--queues", "cpu", ...lock],
        env,
      });
    // The provider's calls go to two workers; the victim is the only worker of CPU-heavy steps, so it takes the
    // crash step, whose code kills it mid-step (no paid call is lost with it). Once it is dead a rescuer takes the
    // CPU queue, and BullMQ hands it the crash step when the dead worker's lock runs out.
    await using workers = await startWorkers(2, {
      redis: redis.url,
      allowRoot: dir,
      args: ["--cpu", "1", "--queues", "steps,providers", ...lock],
    });
    await using victims = await cpuWorker({ [CRASH_VARIABLE]: "1" });
    const victim = victims[0]!;
    const rescuers = victim.exited.then(() => cpuWorker());
    try {
      const events: RunEvent[] = [];
      const faults: Promise<void>[] = [];
      let finished = 0;
      const { run } = await renderWorkflows([file], {
        outDir: `${dir}/out`,
        cacheDir: `${dir}/store`,
        cluster: redis.target,
        onEvent: (event) => {
          events.push(event);
          // Restarted once the rescuer is up: a worker that starts while Redis is down exits, as it should (it
          // said "Connection is closed" once in a full run, its start racing the restart).
          if (event.type === "step:finished" && ++finished === SECTIONS) {
            faults.push(rescuers.then(() => redis.restart()));
          }
        },
      });
      await Promise.all(faults);
      assert.ok(run.ok, [...run.errors.values()].join("\n"));
      assert.equal((await victim.exited).signal, "SIGKILL");
      const rescuer = (await rescuers)[0]!;
      const crash = events.find((event) => event.type === "step:finished" && event.step === "crash");
      const by = crash?.type === "step:finished" ? String(crash.worker) : "nobody";
      assert.ok(by.startsWith(`${rescuer.id}:`), `the crash step was finished by the rescuer, not ${by}`);
      const healthy = workers.map((worker) => worker.id);
      const paidOn = events.filter((event) =>
        event.type === "step:started" && (event.kind === "image" || event.kind === "speech")
      ).map((event) => "worker" in event ? String(event.worker) : "");
      assert.ok(
        paidOn.length >= 2 * SECTIONS &&
          paidOn.every((id) => healthy.some((worker) => id.startsWith(`${worker}:`))),
        `the provider's calls ran on the workers of its queue only: ${[...new Set(paidOn)]}`,
      );
      assert.equal(await shape(`${dir}/out/course.64x64.mp4`), expected);
      assert.equal(fake.stats.byStatus["200"], paidKeys(events).size, "each call paid once");
    } finally {
      // A victim still alive (the test failed early) is killed, so that the rescuer starts and can be stopped.
      await victim.kill("SIGKILL");
      await (await rescuers)[Symbol.asyncDispose]();
    }
  } finally {
    await fake.close();
  }
});
