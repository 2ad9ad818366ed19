import assert from "node:assert/strict";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import type { Plan } from "../../../lib/plan/plan.ts";
import type { StepAttemptError } from "../../../lib/core/executor.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { runPlan } from "../../../lib/run/scheduler.ts";
import { ArtifactStore } from "../../../lib/store/artifact_store.ts";
import { loadWorkflow } from "../../../lib/workflow/load_workflow.ts";
import { WorkerPool } from "../../../lib/workers/worker_pool.ts";
import { Semaphore } from "../../../lib/run/semaphore.ts";
import { writeWorkflowFile } from "../../_support/workflows.ts";
import { startFakeOpenAi } from "../../../lib/fake_api/fake_openai_server.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { bareTask } from "../../_support/bare_task.ts";

const ffmpeg = { ffmpeg: "/bin/false", ffprobe: "/bin/false" };

async function customPlan(body: string) {
  const file = await writeWorkflowFile(body);
  const plan = planWorkflows([await loadWorkflow(file)], { toolchain: TEST_TOOLCHAIN });
  plan.steps = plan.steps.filter((step) => step.kind === "custom");
  return { plan, dir: file.slice(0, file.lastIndexOf("/")) };
}

/**
 * Runs a plan on a pool with a store in `dir`, collecting events when given a list and telling each to `listen`;
 * `signal` and `loadTimeoutMs` as the run takes them.
 */
function runOn(
  pool: WorkerPool,
  plan: Plan,
  options: {
    dir: string;
    events?: RunEvent[];
    listen?: (event: RunEvent) => void;
    signal?: AbortSignal;
    loadTimeoutMs?: number;
  },
) {
  const { dir, events, listen, ...run } = options;
  return runPlan(plan, {
    executor: pool,
    store: new ArtifactStore(`${dir}/.reel`),
    ffmpeg,
    outDir: null,
    ...run,
    onEvent: (event) => {
      events?.push(event);
      listen?.(event);
    },
  });
}

const video = `videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],`;

/**
 * A pool of one worker whose crashes are told as the run's events are, in the list given with it, and the errors its
 * steps let escape after they had ended in `strays`, as `<step>: <error> (at <place>)`.
 */
function poolOfOne(): { events: RunEvent[]; strays: string[]; pool: WorkerPool } {
  const events: RunEvent[] = [];
  const strays: string[] = [];
  const pool = new WorkerPool({
    size: 1,
    onCrash: (worker, error) => events.push({ type: "worker:crashed", at: 0, worker, error }),
    onStray: (_, stray) => strays.push(`${stray.step}: ${stray.error}`),
  });
  return { events, strays, pool };
}

/** Escaped errors as {@linkcode poolOfOne} lists them, without the place each was thrown at. */
function placeless(strays: readonly string[]): string[] {
  return strays.map((stray) => stray.replace(/ \(at .*\)$/, ""));
}

Deno.test("WorkerPool replaces a crashed worker and the scheduler retries its step once", async () => {
  const marker = `${await tempDir()}/crashed-once`;
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({
      id: "flaky",
      params: { marker: ${JSON.stringify(marker)} },
      run: async (_inputs, { params }) => {
        const marker = String(params.marker);
        try {
          await Deno.stat(marker);
          return "survived";
        } catch {
          await Deno.writeTextFile(marker, "1");
          // A listener's throw is not caught in the step's context: it crashes the worker.
          const { port1, port2 } = new MessageChannel();
          port1.onmessage = () => { throw new Error("worker dies"); };
          port2.postMessage(0);
          return await new Promise(() => {});
        }
      },
    }),
    step({ id: "after", inputs: ["flaky"], run: (inputs) => String(inputs.flaky?.value) + " and after" }),
  ],
});`);
  const events: RunEvent[] = [];
  const pool = new WorkerPool({
    size: 2,
    onCrash: (worker, error) => events.push({ type: "worker:crashed", at: 0, worker, error }),
  });
  const before = pool.workers;
  try {
    const result = await runOn(pool, plan, { dir, events });
    assert.ok(result.ok, [...result.errors.values()].join());
    assert.equal(result.artifacts.get("after")?.value, "survived and after");
    const crashes = events.filter((event) => event.type === "worker:crashed");
    assert.equal(crashes.length, 1);
    const failed = events.filter((event) => event.type === "step:failed");
    assert.equal(failed.length, 1);
    assert.ok(failed[0]?.type === "step:failed" && failed[0].retrying && failed[0].step === "flaky");
    // The crashed worker's slot holds a new worker.
    const after = pool.workers;
    assert.equal(after.length, 2);
    assert.equal(after.filter((number) => !before.includes(number)).length, 1);
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool does not retry a crash twice: a step that always kills its worker fails", async () => {
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [step({ id: "killer", run: () => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => { throw new Error("always"); };
    port2.postMessage(0);
    return new Promise(() => {});
  } })],
});`);
  const pool = new WorkerPool({ size: 1 });
  try {
    const result = await runOn(pool, plan, { dir });
    assert.equal(result.states.get("killer"), "failed");
    assert.match(result.errors.get("killer")!, /crashed: .*always/);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step that calls Deno.exit fails at once, naming the step, and its worker runs the others", async () => {
  // The timeout is far off: a step whose worker closed unseen would fail with "timed out" instead.
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  timeout: 60000,
  steps: [
    step({ id: "exit", run: () => { Deno.exit(3); } }),
    step({ id: "after", inputs: ["exit"], run: () => 1 }),
    step({ id: "close", run: () => { self.close(); return 1; } }),
    step({ id: "ok", run: () => 42 }),
  ],
});`);
  const { events, pool } = poolOfOne();
  const before = pool.workers;
  try {
    const result = await runOn(pool, plan, { dir, events });
    const failed = events.filter((event) => event.type === "step:failed");
    assert.deepEqual(
      failed.map((event) => event.type === "step:failed" && [event.step, event.error, event.retrying]),
      [
        ["exit", 'Step "exit" called Deno.exit(3): a step must return or throw', false],
        ["close", 'Step "close" called self.close(): a step must return or throw', false],
      ],
    );
    assert.equal(result.states.get("after"), "skipped");
    assert.equal(result.artifacts.get("ok")?.value, 42);
    assert.deepEqual(events.filter((event) => event.type === "worker:crashed"), []);
    assert.deepEqual(pool.workers, before);
  } finally {
    await pool.close();
  }
});

Deno.test("an error a custom step's code lets escape fails it while it runs, is told once it has ended, and crashes no worker", async () => {
  // fi: a timer's throw crashed the worker, and the steps running on it failed for it (another video's narration).
  // "late" returns before its rejection and its timer's throw; "during" waits on its own timer's throw. On one
  // worker, "next" runs after "late" (the timers fire in the order they were set).
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "late", run: () => {
      setTimeout(() => { throw new Error("late throw"); }, 0);
      Promise.reject(new TypeError("late rejection"));
      return 2;
    } }),
    step({ id: "next", inputs: ["late"], run: () => new Promise((resolve) => setTimeout(() => resolve(7), 0)) }),
    step({ id: "during", inputs: ["next"], run: (_inputs, { signal }) => {
      setTimeout(() => { throw new RangeError("thrown while it ran"); }, 0);
      return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    } }),
  ],
});`);
  const { events, strays, pool } = poolOfOne();
  const before = pool.workers;
  try {
    const result = await runOn(pool, plan, { dir, events });
    assert.deepEqual(events.filter((event) => event.type === "worker:crashed"), []);
    assert.equal(result.artifacts.get("late")?.value, 2);
    assert.equal(result.artifacts.get("next")?.value, 7);
    // A RangeError is a bug: not retried.
    // Where it was thrown too (nt9).
    assert.match(
      result.errors.get("during")!,
      /^thrown while it ran \(a RangeError, at line \d+, column \d+ of \S+\)$/,
    );
    assert.deepEqual(pool.workers, before);
    // Named once, by its first: the rejection, then the timer's throw, which is not said again.
    assert.deepEqual(strays, [
      `late: TypeError: late rejection (at line 9, column 22 of ${dir}/workflow.ts)`,
    ]);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step's interval that throws after the step ended is cleared and named once; a step failed so has stopped", async () => {
  // rv: the interval threw at every tick once the crash no longer ended it; a failed step's code ran on beside its
  // retry. "ticking" leaves an interval that throws at its third tick; "stops" fails by its timer's throw and then
  // writes a file when its signal aborts, which its failure waits for.
  const dir = await tempDir();
  const { plan, dir: workflowDir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "ticking", run: () => {
      let ticks = 0;
      setInterval(() => { if (++ticks >= 3) throw new Error("tick " + ticks); }, 1);
      return 1;
    } }),
    step({ id: "stops", inputs: ["ticking"], run: (_inputs, { signal }) => new Promise((_, reject) => {
      setTimeout(() => { throw new RangeError("thrown while it ran"); }, 0);
      signal.addEventListener("abort", () => {
        setTimeout(() => {
          Deno.writeTextFileSync(${JSON.stringify(`${dir}/stopped`)}, "1");
          reject(signal.reason);
        }, 20);
      });
    }) }),
    step({ id: "last", inputs: ["ticking"], run: () => new Promise((resolve) => setTimeout(() => resolve(3), 30)) }),
  ],
});`);
  const { events, strays, pool } = poolOfOne();
  try {
    const result = await runOn(pool, plan, {
      dir: workflowDir,
      events,
      listen: (event) => {
        if (event.type === "step:failed" && event.step === "stops") {
          assert.equal(
            Deno.readTextFileSync(`${dir}/stopped`),
            "1",
            "the failure came before the step stopped",
          );
        }
      },
    });
    assert.match(
      result.errors.get("stops")!,
      /^thrown while it ran \(a RangeError, at line \d+, column \d+ of \S+\)$/,
    );
    assert.equal(result.artifacts.get("last")?.value, 3);
    assert.deepEqual(events.filter((event) => event.type === "worker:crashed"), []);
    assert.deepEqual(placeless(strays), ["ticking: Error: tick 3"]);
  } finally {
    await pool.close();
  }
});

Deno.test("a step's promisified timer works, its setImmediate's throw is its own, and its abort listener's rejection crashes no worker", async () => {
  // rv2: the timer wrappers lost util.promisify's form; setImmediate and a cancelled step's cleanup crashed the
  // worker.
  const { plan, dir } = await customPlan(`
import { promisify } from "node:util";
export default workflow({
  ${video}
  steps: [
    step({ id: "promised", run: async () => { await promisify(setTimeout)(1); return 1; } }),
    step({ id: "soon", inputs: ["promised"], run: () => { setImmediate(() => { throw new Error("immediate"); }); return 2; } }),
    step({ id: "cleanup", inputs: ["soon"], timeout: 200, run: (_inputs, { signal }) => new Promise((_, reject) => {
      signal.addEventListener("abort", () => { Promise.reject(new Error("cleanup rejected")); reject(signal.reason); });
    }) }),
    // Fails by its timer's throw and ignores its signal: after the grace its worker is replaced.
    step({ id: "stuck", inputs: ["soon"], run: () => {
      setTimeout(() => { throw new RangeError("stuck"); }, 0);
      return new Promise(() => {});
    } }),
  ],
});`);
  const { events, strays, pool } = poolOfOne();
  try {
    const result = await runOn(pool, plan, { dir, events });
    assert.equal(result.artifacts.get("promised")?.value, 1);
    assert.equal(result.artifacts.get("soon")?.value, 2);
    assert.match(result.errors.get("cleanup") ?? "", /timed out/);
    assert.match(result.errors.get("stuck")!, /^stuck \(a RangeError, at line \d+, column \d+ of \S+\)$/);
    assert.deepEqual(
      events.flatMap((event) => event.type === "worker:crashed" ? [event.error] : []),
      ["a failed step's code did not stop"],
    );
    // The cleanup's rejection came once its step had failed: named, as one that ended.
    assert.deepEqual(placeless(strays), ["soon: Error: immediate", "cleanup: Error: cleanup rejected"]);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step that throws fails with its words, its type and place for an Error, not [object Object]", async () => {
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "object", retries: 0, run: () => { throw { code: 7, why: "quota" }; } }),
    step({ id: "text", retries: 0, run: () => { throw "out of paper"; } }),
    step({ id: "typed", retries: 0, run: () => [].at(3).split(",") }),
  ],
});`);
  const events: RunEvent[] = [];
  const pool = new WorkerPool({ size: 1 });
  try {
    await runOn(pool, plan, { dir, events });
    const failed = new Map(
      events.flatMap((event) => event.type === "step:failed" ? [[event.step, event.error]] : []),
    );
    assert.equal(failed.get("object"), 'threw {"code":7,"why":"quota"}, not an Error');
    assert.equal(failed.get("text"), "out of paper");
    // nt9: its message alone, no type, no place (a late throw had its place).
    assert.match(
      failed.get("typed") ?? "",
      /^Cannot read properties of undefined \(reading 'split'\) \(a TypeError, at line 9, column \d+ of \S*workflow\.ts\)$/,
    );
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step whose cleanup fails after it failed is told by its own error, the cleanup's after it", async () => {
  // rv12: "An error was suppressed during disposal" (a SuppressedError), and retried as any unknown error.
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({
      id: "tidy",
      retries: 1,
      run: async () => {
        await using _folder = { [Symbol.asyncDispose]: () => Promise.reject(new Error("folder busy")) };
        // rv14: a second one wrapped the first SuppressedError in another, and the step's own error was lost.
        await using _file = { [Symbol.asyncDispose]: () => Promise.reject(new Error("file locked")) };
        throw new TypeError("bad column");
      },
    }),
  ],
});`);
  const events: RunEvent[] = [];
  const pool = new WorkerPool({ size: 1 });
  try {
    await runOn(pool, plan, { dir, events });
    const failures = events.flatMap((event) => event.type === "step:failed" ? [event] : []);
    assert.deepEqual(failures.map((event) => event.retrying), [false]);
    assert.match(
      failures[0]!.error,
      /^bad column \(a TypeError, at line \d+, column \d+ of \S+\) \(and then its cleanup failed: file locked; folder busy\)$/,
    );
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool never hands out a worker that failed to start", async () => {
  const dir = await tempDir();
  const broken = `${dir}/broken_worker.ts`;
  await Deno.writeTextFile(broken, `throw new Error("cannot start");\n`);
  const crashes: string[] = [];
  const pool = new WorkerPool({
    size: 1,
    workerUrl: new URL(`file://${broken}`),
    onCrash: (_, error) => crashes.push(error),
  });
  try {
    const task = bareTask("custom", dir);
    await assert.rejects(pool.execute(task, { signal: new AbortController().signal }), /cannot start/);
    assert.equal(crashes.length, 3);
  } finally {
    await pool.close();
  }
});

Deno.test("custom steps run inside workers and see their inputs by id", async () => {
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "where", run: () => typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope }),
    step({ id: "words", params: { text: "one two three" }, run: (_i, { params }) => String(params.text).split(" ").length }),
    step({ id: "both", inputs: ["where", "words"], run: (inputs) => [inputs.where?.value ?? null, inputs.words?.value ?? null] }),
  ],
});`);
  const pool = new WorkerPool({ size: 2 });
  try {
    const result = await runOn(pool, plan, { dir });
    assert.deepEqual(result.artifacts.get("both")?.value, ["function", 3]);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step in a worker spawns children that join the DAG before its dependents", async () => {
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "split", params: { parts: 5 }, run: (_i, { params, spawn }) => {
      for (let i = 1; i <= Number(params.parts); i++) spawn("cube", { n: i });
      return "split";
    } }),
    step({ id: "cube", child: true, run: (_i, { params }) => Number(params.n) ** 3 }),
    step({ id: "total", inputs: ["split"], run: (inputs) => inputs.split!.children.reduce((t, c) => t + Number(c.value), 0) }),
  ],
});`);
  assert.ok(!plan.steps.some((step) => step.id === "cube"), "a child-only step is not planned on its own");
  const pool = new WorkerPool({ size: 2 });
  try {
    const events: RunEvent[] = [];
    const result = await runOn(pool, plan, { dir, events });
    assert.ok(result.ok, [...result.errors.values()].join());
    assert.equal(result.artifacts.get("total")?.value, 1 + 8 + 27 + 64 + 125);
    const finished = events.filter((event) => event.type === "step:finished").map((event) => event.step);
    assert.ok(
      finished.indexOf("total") >
        Math.max(...[0, 1, 2, 3, 4].map((i) => finished.indexOf(`split/cube#${i}`))),
    );
  } finally {
    await pool.close();
  }
});

/**
 * Runs busy custom steps and, optionally, one image call, on a pool of two workers. Each busy step keeps its worker's
 * thread busy until `release` says so from the run's events (it spins until a file appears), or 30 s at most: what
 * a test expects to happen while they run either happens, or the busy steps end first and the test fails.
 */
async function runBusy(
  ids: string[],
  options: { image: boolean; release: (events: RunEvent[]) => boolean },
): Promise<RunEvent[]> {
  const server = startFakeOpenAi({ latency: { min: 50, max: 50 } });
  const marker = `${await tempDir()}/release`;
  const spin = `() => { const end = Date.now() + 30000; while (Date.now() < end) { ` +
    `try { Deno.statSync(${JSON.stringify(marker)}); return 1; } catch { /* not yet */ } } return 0; }`;
  const { plan, dir } = await customPlan(`
export default workflow({
  formats: ["64x64"],
  providers: { api: { api: "openai", baseUrl: "${server.url}" } },
  videos: [{ id: "v", sections: [{ title: "T", narration: "N", image: { provider: "api", prompt: "p", size: "64x64" } }] }],
  limits: { cpu: 4, custom: 4, workers: 2 },
  steps: [${ids.map((id) => `step({ id: "${id}", run: ${spin} })`).join(", ")}],
});`);
  if (options.image) {
    const full = planWorkflows([await loadWorkflow(`${dir}/workflow.ts`)], { toolchain: TEST_TOOLCHAIN });
    plan.steps = [...plan.steps, ...full.steps.filter((step) => step.kind === "image")];
  }
  const pool = new WorkerPool({ size: 2 });
  const events: RunEvent[] = [];
  let released = false;
  try {
    const result = await runOn(pool, plan, {
      dir,
      events,
      listen: () => {
        if (!released && options.release(events)) {
          released = true;
          Deno.writeTextFileSync(marker, "");
        }
      },
    });
    assert.ok(result.ok, [...result.errors.values()].join());
    return events;
  } finally {
    await pool.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function workerOf(events: RunEvent[], id: string): number | string | null {
  const started = events.find((event) => event.type === "step:started" && event.step === id);
  return started?.type === "step:started" ? started.worker : null;
}

const started = (events: RunEvent[], id: string) =>
  events.some((event) => event.type === "step:started" && event.step === id);
const finishedAt = (events: RunEvent[], id: string) =>
  events.findIndex((event) => event.type === "step:finished" && event.step === id);

Deno.test("WorkerPool runs one blocking step per worker: two busy custom steps run at once, on two", async () => {
  // Released once both have started: two that had to share a worker could not both start.
  const events = await runBusy(["busy-a", "busy-b"], {
    image: false,
    release: (events) => started(events, "busy-a") && started(events, "busy-b"),
  });
  assert.notEqual(workerOf(events, "busy-a"), workerOf(events, "busy-b"));
  const [a, b] = [finishedAt(events, "busy-a"), finishedAt(events, "busy-b")];
  const firstEnd = Math.min(a, b);
  assert.ok(
    events.slice(0, firstEnd).filter((event) => event.type === "step:started").length >= 2,
    "both started before either finished",
  );
});

Deno.test("WorkerPool: a call waiting on the network goes to a worker that runs no busy step, and is not stalled", async () => {
  // The busy step runs until the image call has finished: a call stalled behind it would finish only after.
  const events = await runBusy(["busy"], {
    image: true,
    release: (events) => finishedAt(events, "v/s1/image") >= 0,
  });
  assert.notEqual(workerOf(events, "busy"), workerOf(events, "v/s1/image"));
  assert.ok(
    finishedAt(events, "v/s1/image") < finishedAt(events, "busy"),
    "the image call finished while the busy step still ran",
  );
});

Deno.test("a worker runs a kind from its steps modules before the registered kind of that name, and names an unknown kind", async () => {
  const { pool, dir } = await poolWithSteps(
    `export const stepKinds = [{ kind: "video", version: 1, blocking: false, run: () => Promise.resolve({ mine: true }) }];\n`,
    1,
  );
  try {
    const signal = new AbortController().signal;
    const execution = await pool.execute(bareTask("video", dir), { signal });
    assert.deepEqual(execution.result.value, { mine: true });
    await assert.rejects(
      pool.execute(bareTask("no-such-kind", dir), { signal }),
      /No step kind "no-such-kind" in this worker/,
    );
  } finally {
    await pool.close();
  }
});

Deno.test("a worker tells a step whose child ended on SIGINT as interrupted, by a field and not by its message", async () => {
  const runProcess = new URL("../../../lib/media/run_process.ts", import.meta.url).href;
  const { pool, dir } = await poolWithSteps(
    `import { ProcessError } from "${runProcess}";
export const stepKinds = [
  { kind: "sigint", version: 1, blocking: false,
    run: () => Promise.reject(new Error("clips", { cause: new ProcessError("ffmpeg", 130, "") })) },
  { kind: "alike", version: 1, blocking: false,
    run: () => Promise.reject(new Error("ffmpeg exited with code 130")) },
];\n`,
    1,
  );
  try {
    const signal = new AbortController().signal;
    const failure = (kind: string) =>
      pool.execute(bareTask(kind, dir), { signal }).then(
        () => assert.fail("did not fail"),
        (error: unknown) => (error as StepAttemptError).failure,
      );
    assert.equal((await failure("sigint")).interrupted, true);
    assert.equal((await failure("alike")).interrupted, false);
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool.warm() readies a kind on as many workers as it has steps, before their first step runs", async () => {
  // The kind's value says how many times this worker warmed it; a failing warm-up of another kind is ignored.
  const { pool, dir } = await poolWithSteps(
    `let warmed = 0;
export const stepKinds = [
  { kind: "probe", version: 1, blocking: false, warm: () => { warmed++; return Promise.resolve(); },
    run: () => Promise.resolve({ warmed }) },
  { kind: "broken", version: 1, blocking: false, warm: () => Promise.reject(new Error("no")),
    run: () => Promise.resolve({}) },
];\n`,
    2,
  );
  try {
    await pool.ready();
    pool.warm(new Map([["broken", 2], ["probe", 1]]));
    const signal = new AbortController().signal;
    // Two steps at once go to the two workers; only the first worker was asked to warm "probe".
    const runs = await Promise.all([
      pool.execute(bareTask("probe", dir), { signal }),
      pool.execute(bareTask("probe", dir), { signal }),
    ]);
    const byWorker = runs.map((run) => [run.worker, run.result.value]).sort();
    assert.deepEqual(byWorker, [[1, { warmed: 1 }], [2, { warmed: 0 }]]);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step that ignores its timeout loses its worker, told as the step that went on, and a new worker runs the rest", async () => {
  // It spins with no await: only stopping its worker ends it. Before, the run said only "a cancelled step did not
  // stop", naming no step.
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "spin", timeout: 300, run: () => { for (;;) {} } }),
    step({ id: "after", run: () => 7 }),
  ],
});`);
  const { events, pool } = poolOfOne();
  const before = pool.workers;
  try {
    const result = await runOn(pool, plan, { dir, events });
    assert.match(result.errors.get("spin")!, /timed out/);
    const crashed = events.filter((event) => event.type === "worker:crashed");
    assert.deepEqual(crashed.map((event) => event.type === "worker:crashed" && event.error), [
      'step "spin" went on 2 s after it was cancelled (its timeout, or the run stopping): the worker was stopped ' +
      "and another takes its place",
    ]);
    assert.notDeepEqual(pool.workers, before);
    // It waited for the worker the spinning step held, then ran on the new one.
    assert.equal(result.artifacts.get("after")?.value, 7);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step that sets its worker's onmessage or postMessage does not cut the worker off", async () => {
  // fi20: its result was never sent, or the next step on its worker waited for its load's timeout (60 s), blamed.
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "deaf", run: () => { (self as { onmessage: unknown }).onmessage = null; return 1; } }),
    step({ id: "mute", inputs: ["deaf"], run: () => { (globalThis as { postMessage: unknown }).postMessage = () => {}; return 2; } }),
    step({ id: "after", inputs: ["mute"], timeout: 5000, run: () => 3 }),
  ],
});`);
  const { events, pool } = poolOfOne();
  try {
    const result = await runOn(pool, plan, { dir, events });
    assert.ok(result.ok, [...result.errors.values()].join("\n"));
    assert.deepEqual(["deaf", "mute", "after"].map((id) => result.artifacts.get(id)?.value), [1, 2, 3]);
    assert.deepEqual(events.filter((event) => event.type === "worker:crashed"), []);
  } finally {
    await pool.close();
  }
});

Deno.test("a step past its timeout that goes on holds its CPU slot until its worker is stopped", async () => {
  // fi20: its permits were given back at its timeout while its thread spun on for the grace, and under --cpu 1 two
  // busy threads ran at once; a retry started beside the attempt still spinning.
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [
    step({ id: "spin", cpu: true, timeout: 300, run: () => { for (;;) {} } }),
    step({ id: "after", cpu: true, run: () => 7 }),
  ],
});`);
  plan.limits = { ...plan.limits, cpu: 1 };
  const events: RunEvent[] = [];
  const pool = new WorkerPool({
    size: 2,
    onCrash: (worker, error) => events.push({ type: "worker:crashed", at: 0, worker, error }),
  });
  try {
    const result = await runOn(pool, plan, { dir, events });
    assert.match(result.errors.get("spin")!, /timed out/);
    assert.equal(result.artifacts.get("after")?.value, 7);
    const order = events.flatMap((event) =>
      event.type === "worker:crashed"
        ? ["crashed"]
        : event.type === "step:started" || event.type === "step:failed"
        ? [`${event.type} ${event.step}`]
        : []
    );
    assert.deepEqual(order, ["step:started spin", "crashed", "step:failed spin", "step:started after"]);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step that goes on after the run was stopped (Ctrl-C) loses its worker without a word", async () => {
  // nt2: a Ctrl-C printed "worker 1 crashed: step … went on 2 s after it was cancelled".
  const { plan, dir } = await customPlan(`
export default workflow({
  ${video}
  steps: [step({ id: "spin", run: () => { for (;;) {} } })],
});`);
  const { events, pool } = poolOfOne();
  const stop = new AbortController();
  try {
    const result = await runOn(pool, plan, {
      dir,
      events,
      signal: stop.signal,
      listen: (event) => {
        if (event.type === "step:started") stop.abort(new DOMException("Interrupted", "AbortError"));
      },
    });
    assert.equal(result.ok, false);
  } finally {
    // Waits for the spinning step's worker to be stopped (its grace), as a render's close does.
    await pool.close();
  }
  assert.deepEqual(events.filter((event) => event.type === "worker:crashed"), []);
});

/** A workflow whose module, imported in a worker, takes `load` to load (its code waits on the worker alone). */
const slowInWorker = (load: string) => `
if ((globalThis as { name?: string }).name?.startsWith("reel-worker")) await ${load};`;

Deno.test("a custom step's timeout counts from when its code runs, not from its worker's import of the workflow", async () => {
  // Before: a fresh worker's import of the workflow module counted as the step's time, and a 400-ms step that
  // returns at once timed out behind an import of 1.2 s.
  const { plan, dir } = await customPlan(
    `${slowInWorker("new Promise((resolve) => setTimeout(resolve, 1200))")}
export default workflow({
  ${video}
  steps: [step({ id: "quick", timeout: 400, run: () => 7 })],
});`,
  );
  const { events, pool } = poolOfOne();
  try {
    const result = await runOn(pool, plan, { dir, events });
    assert.ok(result.ok, [...result.errors.values()].join("\n"));
    assert.equal(result.artifacts.get("quick")?.value, 7);
  } finally {
    await pool.close();
  }
});

Deno.test("a custom step whose workflow module never finishes loading in its worker is stopped after the load's timeout", async () => {
  const { plan, dir } = await customPlan(`${slowInWorker("new Promise(() => {})")}
export default workflow({
  ${video}
  steps: [step({ id: "stuck", timeout: 300, run: () => 7 })],
});`);
  const { pool } = poolOfOne();
  try {
    // The load's timeout is a minute, or the step's own when longer; shortened here.
    const result = await runOn(pool, plan, { dir, loadTimeoutMs: 800 });
    assert.match(
      result.errors.get("stuck")!,
      /^Step "stuck" timed out after 800 ms while its code loaded on its worker and was stopped/,
    );
  } finally {
    await pool.close();
  }
});

Deno.test("a step borrows a core through its worker: lent while one is free, given back by it or at its end, none without a lender", async () => {
  // `keep`: the step ends holding its core; `ask-and-end`: it ends while its ask waits.
  const { pool, dir } = await poolWithSteps(
    `export const stepKinds = [{
      kind: "borrow", version: 1, blocking: false,
      run: async (task, { signal, borrowCore }) => {
        if (task.params.mode === "ask-and-end") {
          void borrowCore(signal);
          return { asked: true };
        }
        // Asked from a timer once the step has ended; a later step reads the answer.
        if (task.params.mode === "ask-late") {
          globalThis.lateAnswer = new Promise((resolve) => setTimeout(() => borrowCore(signal).then(resolve), 0));
          return { asked: true };
        }
        // Answered at once, it has settled before a timer set now fires (after the asking one's).
        if (task.params.mode === "read-late") {
          const unanswered = new Promise((resolve) => setTimeout(() => resolve("unanswered"), 0));
          return { late: await Promise.race([globalThis.lateAnswer, unanswered]) };
        }
        const loan = await borrowCore(signal);
        if (task.params.mode === "keep") return { lent: loan !== null };
        loan?.release();
        loan?.release();
        return { lent: loan !== null };
      },
    }];\n`,
    1,
  );
  const cores = new Semaphore(1);
  try {
    const signal = new AbortController().signal;
    const run = async (mode: string, lend: boolean) => {
      const task = { ...bareTask("borrow", dir), params: { mode } };
      const lendCore = (withdraw: AbortSignal) => cores.acquire({ signal: withdraw });
      const { result } = await pool.execute(task, { signal, ...lend ? { lendCore } : {} });
      return result.value;
    };
    assert.deepEqual(await run("release", true), { lent: true });
    assert.equal(cores.available, 1);
    assert.deepEqual(await run("release", false), { lent: false });
    // Kept to its end, the core is given back by the pool.
    assert.deepEqual(await run("keep", true), { lent: true });
    assert.equal(cores.available, 1);
    // An ask still waiting when the step ends leaves the queue: the core freed goes to nobody.
    const held = await cores.acquire();
    assert.deepEqual(await run("ask-and-end", true), { asked: true });
    held.release();
    assert.equal(cores.available, 1);
    // A step that has ended is lent nothing: its ask is answered with none at once.
    assert.deepEqual(await run("ask-late", true), { asked: true });
    assert.deepEqual(await run("read-late", true), { late: null });
    assert.equal(cores.available, 1);
  } finally {
    await pool.close();
  }
});

Deno.test("a step's failure is bad input when its input is at fault, not for reel's own fault, a bug or what may pass later", async () => {
  const errors = new URL("../../../lib/core/errors.ts", import.meta.url).href;
  const { pool, dir } = await poolWithSteps(
    `import { InputError, ProviderError, UnrecoverableError } from "${errors}";
    const failures = {
      input: () => new InputError("no such voice"),
      marked: () => new UnrecoverableError("cut short", { badInput: true }),
      unmarked: () => new UnrecoverableError("reel's own"),
      bug: () => new TypeError("x is undefined"),
      garbage: () => new ProviderError("api", "returned something that is not audio", { retryable: false }),
      refused: () => new ProviderError("api", "answered 401", { retryable: false, status: 401 }),
      quota: () => new ProviderError("api", "answered 429", { retryable: false, status: 429 }),
      busy: () => new ProviderError("api", "answered 503", { status: 503 }),
    };
    export const stepKinds = [{
      kind: "failing", version: 1, blocking: false,
      run: (task) => { throw failures[task.params.failure](); },
    }];\n`,
    1,
  );
  try {
    const signal = new AbortController().signal;
    const badInput: Record<string, boolean> = {};
    for (const failure of ["input", "marked", "unmarked", "bug", "garbage", "refused", "quota", "busy"]) {
      const task = { ...bareTask("failing", dir), params: { failure } };
      const error = await pool.execute(task, { signal }).then(() => null, (error: StepAttemptError) => error);
      assert.ok(error !== null, failure);
      badInput[failure] = error.failure.badInput === true;
    }
    assert.deepEqual(badInput, {
      input: true,
      marked: true,
      unmarked: false,
      bug: false,
      garbage: true,
      refused: true,
      quota: false,
      busy: false,
    });
  } finally {
    await pool.close();
  }
});

/**
 * A pool of `size` workers that also load the step kinds the module `source` exports, written in a fresh folder
 * (`dir`, the steps' folder too).
 */
async function poolWithSteps(source: string, size: number): Promise<{ pool: WorkerPool; dir: string }> {
  const dir = await tempDir();
  const module = `${dir}/steps.ts`;
  await Deno.writeTextFile(module, source);
  return { pool: new WorkerPool({ size, stepModules: [`file://${module}`] }), dir };
}
