import assert from "node:assert/strict";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { runPlan } from "../../../lib/run/scheduler.ts";
import type { RunPlanOptions } from "../../../lib/run/run_options.ts";
import type { Plan } from "../../../lib/plan/plan.ts";
import type { PlanStep } from "../../../lib/plan/plan_step.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { Json, StepOutput } from "../../../lib/core/json.ts";
import { FakeExecutor, seededRandom } from "../../_support/fake_executor.ts";
import { MemoryStore } from "../../_support/memory_store.ts";
import { gridWorkflow } from "../../_support/workflows.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { listFolder } from "../../_support/cli.ts";
import { type Execution, StepAttemptError, type StepExecutor } from "../../../lib/core/executor.ts";
import { ProcessError } from "../../../lib/media/run_process.ts";
import type { ChildSpec, StepTask } from "../../../lib/core/step_task.ts";
import { summarizeEvents } from "../../../lib/report/run_summary.ts";
import { ArtifactStore } from "../../../lib/store/artifact_store.ts";
import { writeLessonInputs } from "../../../tasks/_bench_lesson.ts";
import { schedulerOverhead } from "../../../tasks/_bench_overhead.ts";

const ffmpeg = { ffmpeg: "/bin/false", ffprobe: "/bin/false" };

Deno.test("runPlan() fails only the dependents of a failed step; other sections and videos finish", async () => {
  const plan = planWorkflows([await gridWorkflow({ videos: 2, sections: 3, formats: ["16:9", "9:16"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const executor = new FakeExecutor(plan, {
    random: seededRandom(3),
    fail: new Map([["v1/s2/speech", { retryable: false }]]),
  });
  const { result, events } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
  });
  assert.equal(result.ok, false);
  const failed = [...result.states].filter(([, state]) => state === "failed").map(([id]) => id);
  const skipped = [...result.states].filter(([, state]) => state === "skipped").map(([id]) => id).sort();
  assert.deepEqual(failed, ["v1/s2/speech"]);
  assert.deepEqual(skipped, [
    "v1/narration",
    "v1/s2/cues",
    "v1/subtitles.srt",
    "v1/subtitles.vtt",
    "v1/subtitles.vtt@9x16",
    "v1/video@16x9",
    "v1/video@9x16",
  ]);
  // Siblings of the failed step, what needs no narration, and the whole other video are done.
  for (
    const id of ["v1/s1/speech", "v1/s2/slide@16x9", "v1/stills@9x16", "v2/video@16x9", "v2/subtitles.vtt"]
  ) {
    assert.equal(result.states.get(id), "done", id);
  }
  assert.equal(result.errors.get("v1/s2/speech"), "injected failure in v1/s2/speech");
  const finished = events.at(-1);
  assert.ok(finished?.type === "run:finished" && finished.failed === 1 && finished.skipped === 7);
});

Deno.test("runPlan() stops at a step that finds its disk full: none starts after it, none retries", async () => {
  // Before: every step that wrote failed alike (a lesson's 12 steps, each with the system's words), and the other
  // video's steps ran on to fail the same way.
  const plan = planWorkflows([await gridWorkflow({ videos: 2, sections: 3, formats: ["16:9", "9:16"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const full = "No space left on device (os error 28): writefile '/cache/tmp/1-x/artifact.wav'";
  const executor = new FakeExecutor(plan, {
    random: seededRandom(3),
    // Retryable, as a worker may say of such a failure: a full disk is not retried all the same.
    fail: new Map([["v1/s2/speech", { retryable: true, message: full }]]),
  });
  for (const step of plan.steps) step.retries = 2;
  const { result, events } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
  });
  assert.deepEqual([...result.errors], [["v1/s2/speech", full]]);
  assert.equal(executor.attempts.get("v1/s2/speech"), 1);
  assert.equal(result.ok, false);
  assert.equal(result.cancelled, false);
  const failedAt = events.findIndex((event) => event.type === "step:failed");
  assert.deepEqual(events.slice(failedAt).filter((event) => event.type === "step:started"), []);
  // The other video's last steps never ran (with another failure they do, as the test above shows).
  assert.equal(result.states.get("v2/video@16x9"), "cancelled");
  const finished = events.at(-1);
  assert.ok(
    finished?.type === "run:finished" && !finished.ok && !finished.cancelled && finished.failed === 1,
  );
});

Deno.test("runPlan() on a cluster retries a full disk (a worker's); one on every attempt stops the run", async () => {
  // Before: one worker's full disk stopped the whole run at the coordinator, where another worker could run it.
  const plan = () =>
    gridWorkflow({ videos: 2, sections: 3, formats: ["16:9", "9:16"] }).then((workflow) =>
      planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN })
    );
  const full = "No space left on device (os error 28): writefile '/worker/tmp/1-x/artifact.wav'";
  const once = await plan();
  const retried = new FakeExecutor(once, {
    random: seededRandom(3),
    failFirst: new Map([["v1/s2/speech", { status: null, retryAfterMs: null, message: full }]]),
  });
  // No retries, as most local steps have: a worker's full disk is tried again all the same (rv45).
  for (const step of once.steps) step.retries = 0;
  const { result } = await runRecording(once, {
    executor: retried,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    remote: true,
  });
  assert.equal(retried.attempts.get("v1/s2/speech"), 2);
  assert.ok(result.ok, JSON.stringify([...result.errors]));
  // A shared store's full disk is every worker's (rv44): failing on every attempt, it stops the run as here.
  const always = await plan();
  const failing = new FakeExecutor(always, {
    random: seededRandom(3),
    fail: new Map([["v1/s2/speech", { retryable: true, message: full }]]),
  });
  for (const step of always.steps) step.retries = 2;
  // One video at a time: the second starts once the first settles, unless the run stopped.
  always.limits.videos = 1;
  const stopped = await runRecording(always, {
    executor: failing,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    remote: true,
  });
  assert.equal(failing.attempts.get("v1/s2/speech"), 3);
  assert.equal(stopped.result.cancelled, false);
  assert.equal(stopped.result.states.get("v2/video@16x9"), "cancelled");
});

Deno.test("runPlan() retries a retryable failure up to the step's retries, never a permanent one", async () => {
  const workflow = await gridWorkflow({ videos: 1, sections: 1, formats: ["1:1"] });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  for (const step of plan.steps) step.retries = 2;
  const executor = new FakeExecutor(plan, {
    fail: new Map([["v1/s1/speech", { retryable: true }], ["v1/s1/slide@1x1", { retryable: false }]]),
  });
  await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.equal(executor.attempts.get("v1/s1/speech"), 3);
  assert.equal(executor.attempts.get("v1/s1/slide@1x1"), 1);
});

Deno.test("runPlan() takes finished steps from the store and runs none of them again", async () => {
  const plan = planWorkflows([await gridWorkflow({ videos: 2, sections: 2, formats: ["16:9"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const store = new MemoryStore();
  await runPlan(plan, { executor: new FakeExecutor(plan), store, ffmpeg, outDir: null });
  const again = new FakeExecutor(plan);
  const { result, events } = await runRecording(plan, { executor: again, store, ffmpeg, outDir: null });
  assert.ok(result.ok);
  assert.equal(again.started.length, 0);
  assert.equal(
    events.filter((event) => event.type === "step:finished" && event.cached).length,
    plan.steps.length,
  );
});

Deno.test("runPlan() adds run-time child steps to the DAG before their parent's dependents run", async () => {
  const run = () => null;
  const workflow = await resolveWorkflow({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [
      { id: "split", inputs: ["v/s1/speech"], params: { parts: 4 }, run },
      { id: "square", run },
      { id: "sum", inputs: ["split"], run },
    ],
  }, { file: "children.ts", moduleUrl: "file:///children.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const children = [1, 2, 3, 4].map((n) => ({ step: "square", params: { n } }));
  const seen: StepOutput[] = [];
  const executor = new FakeExecutor(plan, {
    random: seededRandom(11),
    children: new Map([["split", children]]),
    value: (task) => {
      if (task.id.startsWith("split/square#")) {
        return ((task.params as { params: { n: number } }).params.n ** 2) as Json;
      }
      if (task.id === "sum") {
        seen.push(task.inputs[0]!);
        return task.inputs[0]!.children.reduce((total, child) => total + (child.value as number), 0);
      }
      return { duration: 1 };
    },
  });
  const { result, events } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
  });
  assert.ok(result.ok, [...result.errors.values()].join());
  assert.equal(result.artifacts.get("sum")?.value, 1 + 4 + 9 + 16);
  // The children ran after split and before sum, and sum saw them in the order split added them.
  const order = executor.started;
  const childIds = children.map((_, i) => `split/square#${i}`);
  for (const id of childIds) {
    assert.ok(order.indexOf(id) > order.indexOf("split") && order.indexOf(id) < order.indexOf("sum"), id);
  }
  assert.deepEqual(seen[0]!.children.map((child) => child.value), [1, 4, 9, 16]);
  const expanded = events.find((event) => event.type === "step:expanded");
  assert.ok(expanded?.type === "step:expanded");
  assert.deepEqual(expanded.children, childIds);
  assert.equal([...result.states.keys()].filter((id) => id.startsWith("split/")).length, 4);
});

Deno.test("runPlan() runs a step's children costliest first, so the short ones fill the end", async () => {
  const run = () => null;
  const workflow = await resolveWorkflow({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "split", inputs: ["v/s1/speech"], run }, { id: "part", run }],
  }, { file: "children.ts", moduleUrl: "file:///children.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  plan.limits = { ...plan.limits, custom: 1 };
  const costs = [1, 5, 3, 4, 2];
  const executor = new FakeExecutor(plan, {
    random: seededRandom(5),
    children: new Map([["split", costs.map((cost, i) => ({ step: "part", params: { i }, cost }))]]),
  });
  const result = await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.ok(result.ok, [...result.errors.values()].join());
  const order = executor.started.filter((id) => id.startsWith("split/part#"));
  assert.deepEqual(order, ["split/part#1", "split/part#3", "split/part#2", "split/part#4", "split/part#0"]);
});

Deno.test("runPlan() fails a parent's dependents when one of its children fails", async () => {
  const run = () => null;
  const workflow = await resolveWorkflow({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "split", run }, { id: "part", run }, { id: "merge", inputs: ["split"], run }],
  }, { file: "children.ts", moduleUrl: "file:///children.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const executor = new FakeExecutor(plan, {
    children: new Map([["split", [{ step: "part", params: { i: 0 } }, { step: "part", params: { i: 1 } }]]]),
    fail: new Map([["split/part#1", { retryable: false }]]),
  });
  const result = await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.equal(result.states.get("split/part#0"), "done");
  assert.equal(result.states.get("split/part#1"), "failed");
  assert.equal(result.states.get("merge"), "skipped");
  assert.equal(result.states.get("v/video@1x1"), "done");
});

Deno.test("runPlan() stops scheduling and ends when its signal is aborted", async () => {
  const plan = planWorkflows([await gridWorkflow({ videos: 2, sections: 3, formats: ["16:9"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const controller = new AbortController();
  const executor = new FakeExecutor(plan, { random: seededRandom(5) });
  let started = 0;
  const result = await runPlan(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === "step:started" && ++started === 3) controller.abort(new Error("stop"));
    },
  });
  assert.equal(result.cancelled, true);
  assert.equal(result.ok, false);
  assert.ok(executor.started.length < plan.steps.length);
  assert.ok([...result.states.values()].includes("cancelled"));
});

Deno.test("runPlan() aborted once every step is done is not cancelled: it ends ok", async () => {
  // Before: a Ctrl-C as the last output was published said "Cancelled: 56 steps done", exit 130, every output whole.
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 2, formats: ["16:9"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const controller = new AbortController();
  let finished = 0;
  const events: RunEvent[] = [];
  const result = await runPlan(plan, {
    executor: new FakeExecutor(plan, { random: seededRandom(5) }),
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    signal: controller.signal,
    onEvent: (event) => {
      events.push(event);
      if (event.type === "step:finished" && ++finished === plan.steps.length) {
        controller.abort(new Error("stop"));
      }
    },
  });
  assert.ok(controller.signal.aborted);
  assert.deepEqual([result.cancelled, result.ok], [false, true]);
  const end = events.at(-1);
  assert.ok(end?.type === "run:finished" && end.ok && !end.cancelled, JSON.stringify(end));
});

Deno.test("runPlan() fails a step that spawns an unknown step, adds none of its children, and still ends", async () => {
  const run = () => null;
  const workflow = await resolveWorkflow({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "split", run }, { id: "part", child: true, run }, { id: "merge", inputs: ["split"], run }],
  }, { file: "children.ts", moduleUrl: "file:///children.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const executor = new FakeExecutor(plan, {
    children: new Map([["split", [{ step: "part", params: {} }, { step: "prat", params: {} }]]]),
  });
  const result = await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.equal(result.states.get("split"), "failed");
  assert.match(
    result.errors.get("split")!,
    // nt9: no guess, where a misspelled input has one.
    /^Step "split" spawned "prat", which is not a step or template of the workflow \(did you mean "part"\?\)$/,
  );
  assert.equal(result.states.get("merge"), "skipped");
  assert.ok(![...result.states.keys()].some((id) => id.startsWith("split/")));
  // The workflow's code is at fault: bad input (the render exits 2).
  assert.deepEqual(result.badInput, ["split"]);
});

/** A plan of a one-section video and custom steps: `a` spawns `k`, `merge` reads `a`. */
async function spawningPlan(): Promise<Plan> {
  const run = () => null;
  const workflow = await resolveWorkflow({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "a", run }, { id: "k", child: true, run }, { id: "merge", inputs: ["a"], run }],
  }, { file: "spawning.ts", moduleUrl: "file:///spawning.ts" });
  return planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
}

Deno.test("runPlan() fails a step that spawns itself without end at the depth bound, naming it; the run ends and the rest finishes", async () => {
  const plan = await spawningPlan();
  // `a` spawns `k`, and every `k` spawns another.
  const executor = new FakeExecutor(plan, {
    random: seededRandom(7),
    spawn: (task) => task.id === "a" || task.id.startsWith("a/") ? [{ step: "k", params: {} }] : [],
  });
  const { result, events } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
  });
  const deepest = `a${"/k#0".repeat(32)}`;
  assert.deepEqual([...result.errors], [[
    deepest,
    `Step "${deepest}" spawned children 33 levels below a planned step: spawned steps may nest at most 32 levels ` +
    "deep (does a step spawn itself without end?)",
  ]]);
  assert.equal(result.states.get(deepest), "failed");
  assert.equal([...result.states.keys()].filter((id) => id.startsWith("a/")).length, 32);
  assert.equal(result.states.get("merge"), "skipped");
  assert.equal(result.states.get("v/video@1x1"), "done");
  assert.equal(result.cancelled, false);
  const finished = events.at(-1);
  assert.ok(
    finished?.type === "run:finished" && !finished.ok && !finished.cancelled && finished.failed === 1,
  );
});

Deno.test("runPlan() stops a run whose steps spawn more children than its bound: one step fails, named, the rest is cancelled", async () => {
  const plan = await spawningPlan();
  // `a` spawns 4 `k`, each `k` 4 more: the second `k` to end passes a bound of 10.
  const four = [0, 1, 2, 3].map((i) => ({ step: "k", params: { i } }));
  const executor = new FakeExecutor(plan, {
    random: seededRandom(7),
    spawn: (task) => task.id === "a" || task.id.startsWith("a/") ? four : [],
  });
  const { result, events } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    spawnLimits: { depth: 32, children: 10 },
  });
  assert.equal(result.errors.size, 1);
  const [step, message] = [...result.errors][0]!;
  assert.match(step, /^a\/k#\d$/);
  assert.equal(
    message,
    `Step "${step}" spawned 4 children, making 12 spawned in this run: a run may spawn at most 10 children ` +
      "(does a step spawn without end?); the run stopped",
  );
  assert.equal([...result.states.keys()].filter((id) => id.startsWith("a/")).length, 8);
  assert.equal(result.states.get("merge"), "skipped");
  // What had not ended when the run stopped was cancelled, the other spawned steps with it.
  assert.ok([...result.states].some(([id, state]) => id.startsWith("a/") && state === "cancelled"));
  // The run ended by itself: failed, not cancelled by the user.
  assert.equal(result.cancelled, false);
  assert.equal(result.ok, false);
  const finished = events.at(-1);
  assert.ok(
    finished?.type === "run:finished" && !finished.ok && !finished.cancelled && finished.failed === 1,
  );
});

/**
 * A plan of a transcription (`talk`, whose split spawns one chunk per stretch of its recording) and, with
 * `runaway`, the custom steps of {@linkcode spawningPlan}, `a` reading the transcript (so it spawns after the
 * chunks did).
 */
async function transcriptionPlan(options: { runaway: boolean }): Promise<Plan> {
  const dir = await tempDir("reel-scheduler-transcribe-");
  await Deno.writeTextFile(`${dir}/talk.wav`, "a recording");
  const run = () => null;
  const workflow = await resolveWorkflow({
    transcribe: [{ id: "talk", input: "talk.wav" }],
    ...options.runaway
      ? {
        steps: [
          { id: "a", inputs: ["talk/merge"], run },
          { id: "k", child: true, run },
          { id: "merge", inputs: ["a"], run },
        ],
      }
      : {},
  }, { file: "t.ts", moduleUrl: `file://${dir}/t.ts`, env: () => undefined });
  return planWorkflows([workflow], { toolchain: { ...TEST_TOOLCHAIN, pocketsphinx: "pocketsphinx test" } });
}

/** The split of `talk` spawns `count` chunks of 10 s, each keyed by its own content. */
function chunksOfTalk(task: StepTask, count: number): ChildSpec[] {
  if (task.id !== "talk/split") return [];
  return Array.from({ length: count }, (_, i) => ({
    step: "./chunk",
    params: {},
    content: String(i).repeat(64),
    runtime: {
      from: i * 160_000,
      to: (i + 1) * 160_000,
      sampleRate: 16_000,
      start: i * 10,
      end: (i + 1) * 10,
    },
  }));
}

/** What a fake chunk hears: one word, a second into it. */
function heardInChunk(task: StepTask): Json {
  if (task.kind !== "transcribe-chunk") return { duration: 1 };
  return { duration: 10, words: [{ text: "rain", start: 1, end: 1.5, confidence: null }] };
}

Deno.test("runPlan() holds a transcription's chunks to no count of children: more than the bound are heard, then served from the store", async () => {
  const plan = await transcriptionPlan({ runaway: false });
  const store = new MemoryStore();
  const spawnLimits = { depth: 32, children: 10 };
  const isChunk = (id: string) => id.startsWith("talk/split/chunk#");
  const first = new FakeExecutor(plan, {
    random: seededRandom(3),
    spawn: (task) => chunksOfTalk(task, 25),
    value: heardInChunk,
  });
  const heard = await runRecording(plan, { executor: first, store, ffmpeg, outDir: null, spawnLimits });
  assert.ok(heard.result.ok, [...heard.result.errors.values()].join());
  assert.equal(first.started.filter(isChunk).length, 25);
  assert.equal(heard.result.states.get("talk/merge"), "done");
  // Again with the same store: 25 stored chunks, past the bound of 10, and nothing runs.
  const again = new FakeExecutor(plan, {
    random: seededRandom(3),
    spawn: (task) => chunksOfTalk(task, 25),
    value: heardInChunk,
  });
  const served = await runRecording(plan, { executor: again, store, ffmpeg, outDir: null, spawnLimits });
  assert.ok(served.result.ok, [...served.result.errors.values()].join());
  assert.deepEqual(again.started, []);
  const cachedChunks = served.events.filter((event) =>
    event.type === "step:finished" && event.cached && isChunk(event.step)
  );
  assert.equal(cachedChunks.length, 25);
});

Deno.test("runPlan() still stops a custom step that spawns without end beside a transcription's uncounted chunks", async () => {
  const plan = await transcriptionPlan({ runaway: true });
  // The 25 chunks spawned first are not counted: the runaway passes a bound of 10 at its 12th child, as it does
  // without them (before, the split failed at once and stopped the run).
  const four = [0, 1, 2, 3].map((i) => ({ step: "k", params: { i } }));
  const executor = new FakeExecutor(plan, {
    random: seededRandom(7),
    spawn: (task) => task.id === "a" || task.id.startsWith("a/") ? four : chunksOfTalk(task, 25),
  });
  const { result } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    spawnLimits: { depth: 32, children: 10 },
  });
  assert.equal(result.errors.size, 1);
  const [step, message] = [...result.errors][0]!;
  assert.match(step, /^a\/k#\d$/);
  assert.match(
    message,
    /spawned 4 children, making 12 spawned in this run: a run may spawn at most 10 children/,
  );
  assert.equal(result.ok, false);
  assert.equal(result.cancelled, false);
});

Deno.test("runPlan() does not serve a stored chunk whose words end past its audio: it says so, hears it again and stores the new words, under --force too", async () => {
  const plan = await transcriptionPlan({ runaway: false });
  const dir = await tempDir("reel-scheduler-unfit-");
  const chunk = "talk/split/chunk#1";
  const run = async (options: { force: boolean }) => {
    const fake = new FakeExecutor(plan, {
      random: seededRandom(5),
      spawn: (task) => chunksOfTalk(task, 3),
      value: heardInChunk,
    });
    const store = new ArtifactStore(`${dir}/.reel`);
    try {
      const ran = await runRecording(plan, {
        executor: writingArtifacts(fake),
        store,
        ffmpeg,
        outDir: null,
        force: options.force,
      });
      assert.ok(ran.result.ok, [...ran.result.errors.values()].join());
      return { ...ran, started: fake.started };
    } finally {
      store.close();
    }
  };
  const first = await run({ force: false });
  const key = first.result.artifacts.get(chunk)!.key;
  const recordPath = `${dir}/.reel/entries/${key.slice(0, 2)}/${key}/record.json`;
  // As an older version stored it (no digest of its value): its word 30 s past the chunk's 10 s.
  const damage = async () => {
    const record = JSON.parse(await Deno.readTextFile(recordPath));
    record.value.words[0] = { text: "rain", start: 31, end: 31.5, confidence: null };
    delete record.valueSha256;
    await Deno.writeTextFile(recordPath, JSON.stringify(record));
  };
  const storedWords = async () => JSON.parse(await Deno.readTextFile(recordPath)).value.words;
  // The transcript merged from those words, as that version stored it in the same run (its key is made of the
  // chunk's key, not its words): it must be merged again, not served.
  const merge = first.result.artifacts.get("talk/merge")!.key;
  const mergePath = `${dir}/.reel/entries/${merge.slice(0, 2)}/${merge}/record.json`;
  const staleMerge = async () => {
    const record = JSON.parse(await Deno.readTextFile(mergePath));
    record.value = { ...record.value, stale: true };
    delete record.valueSha256;
    await Deno.writeTextFile(mergePath, JSON.stringify(record));
  };
  const mergeIsStale = async () => JSON.parse(await Deno.readTextFile(mergePath)).value.stale === true;

  await damage();
  await staleMerge();
  const again = await run({ force: false });
  // The chunk, and what is made from it, again; the other chunks are served.
  const made = first.started.filter((id) =>
    !id.startsWith("talk/split") && id !== "talk/decode" && id !== "talk/probe"
  );
  assert.ok(made.includes("talk/merge"), made.join());
  assert.deepEqual(again.started.sort(), [chunk, ...made].sort());
  assert.equal(await mergeIsStale(), false);
  const remaking = again.events.filter((event) => event.type === "step:remaking");
  assert.deepEqual(remaking.map((event) => event.step), [chunk]);
  assert.ok(remaking[0]?.type === "step:remaking");
  assert.equal(
    remaking[0].reason,
    'Chunk 0:10.0–0:20.0 of talk.wav: word 1 ("rain") ends at 31.5 s, past the end of the chunk\'s 10.00 s of audio',
  );
  assert.deepEqual(await storedWords(), [{ text: "rain", start: 1, end: 1.5, confidence: null }]);

  // Forced, the chunk runs anyway; its commit, and the merge's, must not keep the entries that were there.
  await damage();
  await staleMerge();
  const forced = await run({ force: true });
  assert.equal(await mergeIsStale(), false);
  assert.ok(forced.started.includes(chunk));
  assert.deepEqual(
    forced.events.filter((event) => event.type === "step:remaking").map((event) => event.step),
    [
      chunk,
    ],
  );
  assert.deepEqual(await storedWords(), [{ text: "rain", start: 1, end: 1.5, confidence: null }]);
});

Deno.test("runPlan(): a run stopped after a refused chunk was made again and before its merge ran leaves no stale merge for the next run", async () => {
  const plan = await transcriptionPlan({ runaway: false });
  const dir = await tempDir("reel-scheduler-unfit-killed-");
  const chunk = "talk/split/chunk#1";
  const run = async (options: { stopAfter?: string } = {}) => {
    const fake = new FakeExecutor(plan, {
      random: seededRandom(5),
      spawn: (task) => chunksOfTalk(task, 3),
      value: heardInChunk,
    });
    const store = new ArtifactStore(`${dir}/.reel`);
    const stop = new AbortController();
    const events: RunEvent[] = [];
    try {
      const result = await runPlan(plan, {
        executor: writingArtifacts(fake),
        store,
        ffmpeg,
        outDir: null,
        signal: stop.signal,
        onEvent: (event) => {
          events.push(event);
          if (event.type === "step:finished" && event.step === options.stopAfter) stop.abort();
        },
      });
      return { result, events, started: fake.started };
    } finally {
      store.close();
    }
  };
  const first = await run();
  assert.ok(first.result.ok);
  const entry = (id: string) => {
    const key = first.result.artifacts.get(id)!.key;
    return `${dir}/.reel/entries/${key.slice(0, 2)}/${key}/record.json`;
  };
  const edit = async (id: string, change: (value: Record<string, Json>) => void) => {
    const record = JSON.parse(await Deno.readTextFile(entry(id)));
    change(record.value);
    delete record.valueSha256;
    await Deno.writeTextFile(entry(id), JSON.stringify(record));
  };
  // As an older version left them: the chunk's word past its 10 s, and the merge and the text made from it.
  await edit(
    chunk,
    (value) => (value.words as Json[])[0] = { text: "rain", start: 31, end: 31.5, confidence: null },
  );
  for (const id of ["talk/merge", "talk/txt"]) await edit(id, (value) => value.stale = true);

  const stopped = await run({ stopAfter: chunk });
  assert.ok(stopped.result.cancelled);
  assert.ok(stopped.started.includes(chunk));
  assert.ok(!stopped.started.includes("talk/merge"));
  assert.deepEqual(
    stopped.events.filter((event) => event.type === "step:remaking").map((event) => event.step),
    [
      chunk,
    ],
  );

  const next = await run();
  assert.ok(next.result.ok);
  assert.ok(!next.started.includes(chunk), "the chunk made again is served");
  assert.ok(next.started.includes("talk/merge") && next.started.includes("talk/txt"), next.started.join());
  for (const id of ["talk/merge", "talk/txt"]) {
    assert.equal((next.result.artifacts.get(id)!.value as Record<string, Json>).stale, undefined, id);
  }
});

Deno.test("runPlan() ends even when a listener throws, then rethrows the listener's error", async () => {
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 2, formats: ["1:1"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const executor = new FakeExecutor(plan);
  await assert.rejects(
    runPlan(plan, {
      executor,
      store: new MemoryStore(),
      ffmpeg,
      outDir: null,
      onEvent: (event) => {
        if (event.type === "step:finished" || event.type === "run:finished") throw new Error("listener bug");
      },
    }),
    /listener bug/,
  );
  assert.equal(executor.started.length, plan.steps.length);
});

Deno.test("runPlan(): a child ended by a terminal's Ctrl-C waits for the run's cancel and is cancelled, not failed", async () => {
  // Before: the SIGINT reached ffmpeg too, which exited 130 before reel's own cancel: "FAILED …/clips@16x9: ffmpeg
  // exited with code 130" in the summary and the report (newcomer trial). The cancel comes while the step waits.
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 1, formats: ["1:1"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const run = async (cancelComes: boolean, failure: Error = new ProcessError("espeak-ng", 130, "")) => {
    const controller = new AbortController();
    const virtual = new VirtualClock();
    let waits = 0;
    const clock = {
      now: () => virtual.now(),
      sleep: (ms: number, options?: { signal?: AbortSignal }) => {
        waits++;
        if (cancelComes) controller.abort(new Error("SIGINT"));
        return virtual.sleep(ms, options);
      },
    };
    const executor = throwingFor(new FakeExecutor(plan), { "v1/s1/speech": failure });
    const { result, events } = await runRecording(plan, {
      executor,
      store: new MemoryStore(),
      ffmpeg,
      outDir: null,
      clock,
      signal: controller.signal,
    });
    return { result, waits, failed: events.filter((event) => event.type === "step:failed") };
  };
  const cancelled = await run(true);
  assert.equal(cancelled.waits, 1);
  assert.equal(cancelled.result.cancelled, true);
  assert.deepEqual(cancelled.failed, []);
  assert.equal(cancelled.result.states.get("v1/s1/speech"), "cancelled");
  // No cancel within the wait (a SIGINT to that child alone): told as failed, as before.
  const alone = await run(false);
  assert.equal(alone.result.cancelled, false);
  assert.equal(alone.failed.length, 1);
  assert.equal(alone.result.states.get("v1/s1/speech"), "failed");
  // From a worker: told by the failure's field, not its text.
  const told = (interrupted: boolean, message: string) =>
    new StepAttemptError({
      name: "ProcessError",
      message,
      retryable: false,
      status: null,
      retryAfterMs: null,
      provider: null,
      interrupted,
    }, 1);
  assert.equal((await run(true, told(true, "ffmpeg exited with code 130"))).result.cancelled, true);
  // A step's own message that reads alike (a transcript, a custom step's error) is a failure, at once.
  const alike = await run(true, told(false, "the speaker exited with code 130 times"));
  assert.equal(alike.waits, 0);
  assert.equal(alike.result.states.get("v1/s1/speech"), "failed");
});

Deno.test("runPlan() marks a last failure for bad input in its event and its result, and no other", async () => {
  const plan = planWorkflows([await gridWorkflow({ videos: 2, sections: 1, formats: ["1:1"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const failure = (badInput: boolean) =>
    new StepAttemptError({
      name: "UnrecoverableError",
      message: badInput ? "not audio" : "reel's own fault",
      retryable: false,
      status: null,
      retryAfterMs: null,
      provider: null,
      ...badInput ? { badInput } : {},
    }, 1);
  const executor = throwingFor(new FakeExecutor(plan), {
    "v1/s1/speech": failure(true),
    "v2/s1/speech": failure(false),
  });
  const { result, events } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
  });
  assert.deepEqual(result.badInput, ["v1/s1/speech"]);
  const failed = events.flatMap((event) =>
    event.type === "step:failed" ? [[event.step, event.badInput]] : []
  );
  assert.deepEqual(failed.sort(), [["v1/s1/speech", true], ["v2/s1/speech", undefined]]);
});

Deno.test("runPlan() waits at least the Retry-After a 503 asked for before the next attempt", async () => {
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 1, formats: ["1:1"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  for (const step of plan.steps) step.retries = 1;
  const clock = new VirtualClock();
  const executor = new FakeExecutor(plan, {
    failFirst: new Map([["v1/s1/speech", { status: 503, retryAfterMs: 7000 }]]),
  });
  const { result, events } = await runRecording(plan, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    clock,
  });
  assert.ok(result.ok);
  assert.equal(executor.attempts.get("v1/s1/speech"), 2);
  assert.ok(clock.now() >= 7000, `retried after ${clock.now()} ms`);
  // The wait is said, so a run that seems idle says why.
  const failed = events.find((event) => event.type === "step:failed");
  assert.ok(failed?.type === "step:failed" && failed.retrying);
  assert.match(failed.error, /\(next attempt in 7 s\)$/);
});

Deno.test("runPlan() gives a free CPU slot to the ready step with the costliest path ahead: speech and the narration before slides", async () => {
  const narration =
    "Light from the sun reaches the leaves of a plant and gives it the energy it needs to grow. ".repeat(3);
  const workflow = await resolveWorkflow({
    formats: ["16:9", "9:16"],
    // Every section and call may be in flight at once, so only the one CPU slot decides the order.
    limits: { cpu: 1, sections: 6, api: 3, global: 18 },
    videos: [{
      id: "v",
      sections: Array.from({ length: 6 }, (_, s) => ({ title: `T${s}`, narration: `${s}. ${narration}` })),
    }],
  }, { file: "rank.ts", moduleUrl: "file:///rank.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const executor = new FakeExecutor(plan, { random: seededRandom(7) });
  const result = await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.ok(result.ok);
  // The CPU-heavy steps, in the order they started (the cues, light, start as soon as their speech is done).
  const kinds = executor.started.map((id) => plan.steps.find((step) => step.id === id)!)
    .filter((step) => step.cpu).map((step) => step.kind);
  // Plan order interleaves each section's speech and slides; by rank, every speech goes first (the free slot too:
  // the first step to ask used to take it, a slide), then the narration (one long encode that everything of its
  // chain waits for) as soon as it is ready, before most of the 13 slides.
  assert.deepEqual(kinds.slice(0, 6), Array(6).fill("speech"), kinds.join(" "));
  assert.ok(kinds.slice(6, 8).includes("narration"), kinds.join(" "));
});

Deno.test("runPlan() gives the free CPU slots at the start to the steps with the costliest path ahead (two slots)", async () => {
  // On a two-core machine, a video's first two slides took both slots at the start (the first step of a video took
  // more turns of the event loop to be let in than those after it): every speech its narration waits for came later.
  const workflow = await resolveWorkflow({
    formats: ["16:9", "9:16"],
    limits: { cpu: 2, sections: 6, api: 3, global: 18 },
    videos: ["a", "b"].map((id) => ({
      id,
      sections: Array.from({ length: 3 }, (_, s) => ({
        title: `T${s}`,
        narration: `${id} ${s}. ${
          "Light from the sun reaches the leaves of a plant and gives it energy. ".repeat(3)
        }`,
      })),
    })),
  }, { file: "rank.ts", moduleUrl: "file:///rank.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const executor = new FakeExecutor(plan, { random: seededRandom(3) });
  const result = await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.ok(result.ok);
  const first = executor.started.slice(0, 2);
  assert.deepEqual(first.map((id) => id.split("/").slice(-1)[0]), ["speech", "speech"], first.join(" "));
  assert.ok(first.every((id) => id.startsWith("a/")), "the first video's, in plan order of videos");
});

Deno.test("runPlan() asks for keys in plan order: videos that share slides finish, whatever their steps' rank", async () => {
  // The bench's scaling lesson (every video's slides the same, its narrations different), run with steps that
  // finish at once into a real store. Queuing the first ready steps by rank made a later video's slide the maker
  // of a shared key while earlier videos held both video slots waiting for it: the run never ended.
  const dir = await tempDir("reel-scheduler-");
  try {
    const file = await writeLessonInputs(dir, { videos: 10, scaling: true });
    const stalled = setTimeout(() => Deno.exit(124), 60_000);
    try {
      const { steps } = await schedulerOverhead(file, `${dir}/store`);
      assert.equal(steps, 560);
    } finally {
      clearTimeout(stalled);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runPlan() finishes when videos share keys and the store answers later steps first (no group waits on a later one)", async () => {
  // Every video's slides are the same (same titles), so each is made once, by the first video to ask, and the
  // others wait for it. A store that answers lookups in the reverse order of asking once made a later video the
  // maker while an earlier one held the video slots: the run never ended.
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    limits: { videos: 2, sections: 2 },
    videos: Array.from({ length: 6 }, (_, v) => ({
      id: `v${v + 1}`,
      sections: Array.from(
        { length: 3 },
        (_, s) => ({ title: `T${s}`, narration: `Video ${v}, part ${s}.` }),
      ),
    })),
  }, { file: "shared.ts", moduleUrl: "file:///shared.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const shared = new Set(plan.steps.filter((step) => step.kind === "slide").map((step) => step.key));
  class ReversedStore extends MemoryStore {
    #asked = 0;
    override async lookup(key: string) {
      // The shared slides' lookups resolve in the reverse order of asking (fewer turns of the microtask queue the
      // later they were asked); the rest at once, so the first videos take the video slots.
      if (shared.has(key)) { for (let turn = 1000 - this.#asked++; turn > 0; turn--) await null; }
      return await super.lookup(key);
    }
  }
  const executor = new FakeExecutor(plan, { random: seededRandom(5) });
  const result = await runPlan(plan, {
    executor,
    store: new ReversedStore(),
    ffmpeg,
    outDir: null,
    signal: AbortSignal.timeout(30_000),
  });
  assert.ok(result.ok, "the run ended with every step done");
  assert.ok([...result.states.values()].every((state) => state === "done"));
  // Each slide ran once for all six videos.
  const slides = executor.started.filter((id) => id.includes("/slide@"));
  assert.equal(slides.length, 3, slides.join(" "));
});

Deno.test("runPlan() tells a step made by another of the same key in this run as shared (madeBy), not as found in the store", async () => {
  // nt2: a first render, its store empty, counted the second video's slides "cached".
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    videos: ["v1", "v2"].map((id) => ({ id, sections: [{ title: "Same", narration: `Video ${id}.` }] })),
  }, { file: "shared.ts", moduleUrl: "file:///shared.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const store = new MemoryStore();
  const servedBy = (events: RunEvent[]) =>
    events.flatMap((event) =>
      event.type === "step:finished" && event.cached ? [[event.step, event.madeBy ?? "store"]] : []
    );
  const first = await runRecording(plan, { executor: new FakeExecutor(plan), store, ffmpeg, outDir: null });
  assert.ok(first.result.ok);
  assert.deepEqual(servedBy(first.events), [["v2/s1/slide@160x90", "v1/s1/slide@160x90"]]);
  assert.deepEqual(summarizeEvents(first.events).shared, 1);
  // Rendered again, both are found in the store.
  const again = await runRecording(plan, { executor: new FakeExecutor(plan), store, ffmpeg, outDir: null });
  const slides = servedBy(again.events).filter(([step]) => step!.includes("/slide@"));
  assert.deepEqual(slides.sort(), [["v1/s1/slide@160x90", "store"], ["v2/s1/slide@160x90", "store"]]);
  assert.deepEqual(summarizeEvents(again.events).shared, 0);
});

Deno.test("runPlan(): a step whose output cannot be published ends in one step:failed naming the cause, counted once", async () => {
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 1, formats: ["1:1"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const mp4 = plan.steps.find((step) => step.output?.endsWith(".mp4"))!;
  const dir = await tempDir();
  // A folder where the output file should go: the rename onto it fails, every time.
  await Deno.mkdir(`${dir}/out/${mp4.output}`, { recursive: true });
  const fake = new FakeExecutor(plan);
  const executor = writingArtifacts(fake);
  for (const round of ["ran", "cached"]) {
    const { result, events } = await runToFolder(plan, executor, dir);
    const ends = events.filter((event) =>
      "step" in event && event.step === mp4.id &&
      (event.type === "step:finished" || event.type === "step:failed")
    );
    assert.equal(ends.length, 1, round);
    const failed = ends[0]!;
    assert.ok(failed.type === "step:failed" && !failed.retrying, round);
    assert.equal(failed.kind, "video");
    assert.match(
      failed.error,
      new RegExp(`^Cannot write ${dir}/out/${mp4.output}: Is a directory \\(os error 21\\)$`),
    );
    assert.equal(result.errors.get(mp4.id), failed.error);
    // The summary counts each step once: as done, failed or skipped, as the run's end says.
    const end = events.at(-1)!;
    assert.ok(end.type === "run:finished");
    const summary = summarizeEvents(events);
    assert.deepEqual(summary.failures, [{ step: mp4.id, kind: "video", error: failed.error }]);
    assert.equal(summary.done, end.done, round);
    assert.equal(summary.cached, end.cached, round);
    assert.equal(end.done + end.failed + end.skipped, plan.steps.length);
    assert.equal(end.failed, 1);
    if (round === "cached") assert.equal(end.cached, end.done);
  }
});

/** Runs `plan` with `options`; its result and every event it sent, in order. */
async function runRecording(plan: Plan, options: Omit<RunPlanOptions, "onEvent">) {
  const events: RunEvent[] = [];
  const result = await runPlan(plan, { ...options, onEvent: (event) => events.push(event) });
  return { result, events };
}

/** Runs `plan` on `executor` with a store in `dir/.reel` and the outputs in `dir/out`; its result and events. */
async function runToFolder(plan: Plan, executor: StepExecutor, dir: string) {
  const store = new ArtifactStore(`${dir}/.reel`);
  try {
    return await runRecording(plan, { executor, store, ffmpeg, outDir: `${dir}/out` });
  } finally {
    store.close();
  }
}

/** A plan of one video in one format (16:9), its video step, and a fresh folder with an empty `out` in it. */
async function oneVideoInFolder(): Promise<{ plan: Plan; video: PlanStep; dir: string }> {
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 1, formats: ["16:9"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const video = plan.steps.find((step) => step.id === "v1/video@16x9")!;
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/out`);
  return { plan, video, dir };
}

/** `inner`, each step made through `wrap`, which calls `make` to have `inner` make it (and may wait, or act, around). */
function around(
  inner: StepExecutor,
  wrap: (task: StepTask, make: () => Promise<Execution>) => Promise<Execution>,
): StepExecutor {
  return {
    execute: (task, options) => wrap(task, () => inner.execute(task, options)),
    close: () => inner.close(),
  };
}

/** An executor that throws each step's error of `errors` and runs the others on `fake`. */
function throwingFor(fake: FakeExecutor, errors: Record<string, Error>): StepExecutor {
  return around(fake, async (task, make) => {
    if (Object.hasOwn(errors, task.id)) throw errors[task.id];
    return await make();
  });
}

/** `fake`, writing the artifact each step must leave, so the store commits it and the publisher copies it. */
function writingArtifacts(fake: FakeExecutor): StepExecutor {
  return {
    execute: async (task, options) => {
      const execution = await fake.execute(task, options);
      if (task.outputPath !== null) await Deno.writeTextFile(task.outputPath, task.id);
      return execution;
    },
    close: () => fake.close(),
  };
}

Deno.test("runPlan() publishes a video's subtitles with the video: held until one of its videos is written, never without", async () => {
  // Before: a video that failed left its SRT and VTT in the output folder, beside an earlier run's MP4 if any.
  const plan = planWorkflows([await gridWorkflow({ videos: 2, sections: 1, formats: ["16:9", "9:16"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/out`);
  const fake = new FakeExecutor(plan, {
    random: seededRandom(5),
    // The first video fails in both formats; the second loses its 9:16 only.
    fail: new Map(
      ["v1/video@16x9", "v1/video@9x16", "v2/video@9x16"].map((id) => [id, { retryable: false }] as const),
    ),
  });
  const executor = writingArtifacts(fake);
  const { result, events } = await runToFolder(plan, executor, dir);
  assert.equal(result.ok, false);
  // The subtitles steps all ran; only those that go with a written video were published.
  for (const id of ["v1/subtitles.srt", "v1/subtitles.vtt", "v2/subtitles.srt", "v2/subtitles.vtt"]) {
    assert.equal(result.states.get(id), "done", id);
  }
  const files = [...Deno.readDirSync(`${dir}/out`)].map((entry) => entry.name).sort();
  assert.deepEqual(files, ["v2.16x9.mp4", "v2.srt", "v2.vtt"]);
  // Each written file was announced once, after its video's.
  const written = events.flatMap((event) => event.type === "output:written" ? [event.step] : []);
  assert.deepEqual([...written].sort(), ["v2/subtitles.srt", "v2/subtitles.vtt", "v2/video@16x9"]);
  assert.equal(written.indexOf("v2/video@16x9") < written.indexOf("v2/subtitles.srt"), true);
});

/** A one-video plan whose video and subtitles make one set (`publishTogether`), as a transcript's four files do. */
async function setPlan(): Promise<{ plan: Plan; set: string[] }> {
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 1, formats: ["16:9"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const set = ["v1/video@16x9", "v1/subtitles.srt", "v1/subtitles.vtt"];
  for (const step of plan.steps.filter((step) => set.includes(step.id))) {
    delete step.publishWith;
    step.publishTogether = set.filter((other) => other !== step.id);
  }
  return { plan, set };
}

Deno.test("runPlan() publishes a set's outputs together, once the last is done, whatever order they end in", async () => {
  // A transcript's files were published one by one: a run killed between two left a set from two runs.
  for (const seed of [1, 2, 3, 4]) {
    const { plan, set } = await setPlan();
    const dir = await tempDir();
    await Deno.mkdir(`${dir}/out`);
    const executor = writingArtifacts(new FakeExecutor(plan, { random: seededRandom(seed) }));
    const { result, events } = await runToFolder(plan, executor, dir);
    assert.ok(result.ok, [...result.errors.values()].join("\n"));
    const finished = events.flatMap((event, i) =>
      event.type === "step:finished" && set.includes(event.step) ? [i] : []
    );
    const written = events.flatMap((event, i) => event.type === "output:written" ? [i] : []);
    assert.equal(finished.length, 3);
    assert.equal(written.length, 3, `seed ${seed}`);
    assert.ok(
      Math.min(...written) > Math.max(...finished),
      `seed ${seed}: an output was written before its set ended`,
    );
    assert.deepEqual(await listFolder(`${dir}/out`), ["v1.16x9.mp4", "v1.srt", "v1.vtt"]);
  }
});

Deno.test("runPlan() publishes none of a set whose one member failed", async () => {
  const { plan } = await setPlan();
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/out`);
  await Deno.writeTextFile(`${dir}/out/v1.srt`, "earlier srt");
  const fake = new FakeExecutor(plan, { fail: new Map([["v1/subtitles.vtt", { retryable: false }]]) });
  const { result, events } = await runToFolder(plan, writingArtifacts(fake), dir);
  assert.equal(result.ok, false);
  assert.equal(result.states.get("v1/video@16x9"), "done");
  assert.equal(result.states.get("v1/subtitles.srt"), "done");
  assert.deepEqual(events.filter((event) => event.type === "output:written"), []);
  // The earlier run's file is left as it was, and none of this run's copies stays behind.
  assert.deepEqual(await listFolder(`${dir}/out`), ["v1.srt"]);
  assert.equal(await Deno.readTextFile(`${dir}/out/v1.srt`), "earlier srt");
});

Deno.test("runPlan() copies a video and its subtitles before either replaces the earlier run's: a failed copy leaves both", async () => {
  // Before: the video was renamed into place first, then the subtitles' copy failed (a full disk, here a temporary
  // name too long), and this run's video stood beside the earlier run's subtitles.
  const plan = planWorkflows([await gridWorkflow({ videos: 1, sections: 1, formats: ["16:9"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  const srt = plan.steps.find((step) => step.id === "v1/subtitles.srt")!;
  // Its own name fits the folder; `.<name>.<pid>-h<host>-<random>.tmp` does not.
  srt.output = `${"s".repeat(240)}.srt`;
  const video = plan.steps.find((step) => step.id === "v1/video@16x9")!;
  // Ending after its subtitles, as a lesson's video does (it waits for the narration's encode and the stills).
  video.deps.push(srt.id, "v1/subtitles.vtt");
  plan.steps.splice(plan.steps.indexOf(video), 1);
  plan.steps.push(video);
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/out`);
  const earlier = { [video.output!]: "earlier video", [srt.output]: "earlier srt", "v1.vtt": "earlier vtt" };
  for (const [name, text] of Object.entries(earlier)) await Deno.writeTextFile(`${dir}/out/${name}`, text);
  const { result, events } = await runToFolder(plan, writingArtifacts(new FakeExecutor(plan)), dir);
  assert.equal(result.ok, false);
  // Held outputs are copied when they end (see the next test): the subtitles' copy fails then, and the video that
  // goes with them is not made; the VTT copied meanwhile is not left behind.
  assert.match(
    result.errors.get(srt.id) ?? "",
    new RegExp(`^Cannot write ${dir}/out/s+\\.srt: File name too long`),
  );
  for (const [name, text] of Object.entries(earlier)) {
    assert.equal(await Deno.readTextFile(`${dir}/out/${name}`), text);
  }
  assert.deepEqual(
    [...Deno.readDirSync(`${dir}/out`)].map((entry) => entry.name).sort(),
    Object.keys(earlier).sort(),
  );
  assert.deepEqual(events.filter((event) => event.type === "output:written"), []);
});

Deno.test("runPlan() publishes a video's subtitles whose store entries were removed before the video ended", async () => {
  // Before: a store cleared by hand mid-render failed the video: "Cannot write out/v1.vtt: No such file or
  // directory (os error 2): copy '…/entries/…/artifact.vtt'" (the output folder was fine).
  const { plan, video, dir } = await oneVideoInFolder();
  video.deps.push("v1/subtitles.srt", "v1/subtitles.vtt");
  plan.steps.splice(plan.steps.indexOf(video), 1);
  plan.steps.push(video);
  const executor = around(writingArtifacts(new FakeExecutor(plan)), async (task, make) => {
    // The store cleared by hand just before the video is made: its subtitles' entries are gone.
    if (task.id === video.id) await Deno.remove(`${dir}/.reel/entries`, { recursive: true });
    return await make();
  });
  const { result } = await runToFolder(plan, executor, dir);
  assert.ok(result.ok, [...result.errors.values()].join("\n"));
  assert.deepEqual(await listFolder(`${dir}/out`), [video.output!, "v1.srt", "v1.vtt"].sort());
  assert.equal(await Deno.readTextFile(`${dir}/out/v1.vtt`), "v1/subtitles.vtt");
});

Deno.test("runPlan() publishes subtitles whose copy was under way while their video was published", async () => {
  // Before (the review's race): the video was published during the subtitles' copy into the output folder, the
  // subtitles were then held for a video already published, and dropped at the run's end, the run ok.
  const { plan, video, dir } = await oneVideoInFolder();
  const { promise: srtCopying, resolve: copying } = Promise.withResolvers<void>();
  const { promise: videoPublished, resolve: release } = Promise.withResolvers<void>();
  const copyFile = Deno.copyFile;
  Deno.copyFile = async (from: string | URL, to: string | URL) => {
    if (/\/\.v1\.srt\./.test(String(to))) {
      copying();
      await videoPublished;
    }
    return await copyFile(from, to);
  };
  const executor = around(writingArtifacts(new FakeExecutor(plan)), async (task, make) => {
    if (task.id !== video.id) return await make();
    await srtCopying;
    // The video made while the subtitles' copy is under way: it waits for them (rv29), and goes with them.
    const made = await make();
    release();
    return made;
  });
  const store = new ArtifactStore(`${dir}/.reel`);
  try {
    const result = await runPlan(plan, { executor, store, ffmpeg, outDir: `${dir}/out` });
    assert.ok(result.ok, [...result.errors.values()].join("\n"));
  } finally {
    Deno.copyFile = copyFile;
    store.close();
  }
  assert.deepEqual(await listFolder(`${dir}/out`), [video.output!, "v1.srt", "v1.vtt"].sort());
});

Deno.test("runPlan() places a video with its subtitles that end after it, all or none: one refused leaves the earlier three", async () => {
  // rv29, fi15: the video was placed alone as soon as it was made; its subtitles, made after it, were placed in a
  // second go that the folder refused, and this run's video stood beside the earlier run's subtitles.
  const { plan, video, dir } = await oneVideoInFolder();
  await Deno.writeTextFile(`${dir}/out/${video.output}`, "earlier video");
  await Deno.writeTextFile(`${dir}/out/v1.srt`, "earlier srt");
  // A folder where the VTT goes: its rename fails, as an immutable file's does.
  await Deno.mkdir(`${dir}/out/v1.vtt`);
  const { promise: videoMade, resolve: made } = Promise.withResolvers<void>();
  const executor = around(writingArtifacts(new FakeExecutor(plan)), async (task, make) => {
    if (task.id.startsWith("v1/subtitles")) await videoMade;
    const result = await make();
    if (task.id === video.id) made();
    return result;
  });
  const { result, events } = await runToFolder(plan, executor, dir);
  assert.equal(result.ok, false);
  assert.match(
    result.errors.get(video.id) ?? "",
    new RegExp(`^Cannot write ${dir}/out/v1\\.vtt: Is a directory`),
  );
  assert.equal(await Deno.readTextFile(`${dir}/out/${video.output}`), "earlier video");
  assert.equal(await Deno.readTextFile(`${dir}/out/v1.srt`), "earlier srt");
  assert.deepEqual(events.filter((event) => event.type === "output:written"), []);
});

Deno.test("runPlan() queues what a step's end lets start longest chain first: an edited narration takes the idle CPU slots before a short CPU step", async () => {
  const store = new MemoryStore();
  const lesson = async (narration: string) => {
    const workflow = await resolveWorkflow({
      formats: ["16:9"],
      videos: [{ id: "v", sections: [{ title: "T", narration }] }],
    }, { file: "edit.ts", moduleUrl: "file:///edit.ts" });
    const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
    plan.limits = { ...plan.limits, cpu: 2 };
    return plan;
  };
  // A narration of some length: its encode ranks far above the cues (its cost is by its characters).
  const text = "Light reaches the leaves of a plant and gives it the energy it needs. ".repeat(5);
  const first = await lesson(`Before. ${text}`);
  assert.ok((await runPlan(first, { executor: new FakeExecutor(first), store, ffmpeg, outDir: null })).ok);
  // The narration's text changed: its speech runs alone (the slide is stored), then its cues (a short chain, made
  // CPU-heavy here to compete for a slot) and the narration (the long one, a kind that can use several cores) are
  // let start together, both slots free.
  const edited = await lesson(`After. ${text}`);
  edited.steps.find((step) => step.kind === "cues")!.cpu = true;
  const executor = new FakeExecutor(edited, { random: seededRandom(3) });
  const cores = new Map<string, number>();
  const execute = executor.execute.bind(executor);
  executor.execute = (task, options) => {
    cores.set(task.kind, task.cores ?? 1);
    return execute(task, options);
  };
  assert.ok((await runPlan(edited, { executor, store, ffmpeg, outDir: null })).ok);
  assert.equal(edited.steps.find((step) => step.kind === "narration")?.cores, 4);
  assert.equal(cores.get("narration"), 2);
  assert.ok(
    executor.started.indexOf("v/narration") < executor.started.indexOf("v/s1/cues"),
    executor.started.join(),
  );
});

Deno.test("runPlan() lends a running step the run's idle CPU slots, within the CPU bound with every step's", async () => {
  const planned = planWorkflows([await gridWorkflow({ videos: 1, sections: 4, formats: ["16:9", "9:16"] })], {
    toolchain: TEST_TOOLCHAIN,
  });
  // Three slots, whatever this machine's cores; the narration takes one of its own, then waits here for a loan
  // (its AAC parts never wait for one: their own lane goes on).
  const plan: Plan = {
    ...planned,
    limits: { ...planned.limits, cpu: 3, workers: 3 },
    steps: planned.steps.map((step) => step.kind === "narration" ? { ...step, cores: 1 } : step),
  };
  const fake = new FakeExecutor(plan, { random: seededRandom(7) });
  const cpuSteps = new Set(plan.steps.filter((step) => step.cpu).map((step) => step.id));
  let busy = 0;
  let most = 0;
  let lent = 0;
  const count = (change: number) => {
    busy += change;
    most = Math.max(most, busy);
  };
  const executor: StepExecutor = {
    execute: async (task, options) => {
      const cpu = cpuSteps.has(task.id);
      if (cpu) count(1);
      try {
        // The narration borrows a slot and holds it while it runs, as its AAC parts would.
        if (task.kind !== "narration") return await fake.execute(task, options);
        const loan = await options.lendCore!(options.signal);
        lent++;
        count(1);
        try {
          return await fake.execute(task, options);
        } finally {
          count(-1);
          loan.release();
        }
      } finally {
        if (cpu) count(-1);
      }
    },
    close: () => fake.close(),
  };
  const result = await runPlan(plan, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.equal(result.ok, true);
  assert.equal(lent, 1);
  assert.ok(most <= 3, `${most} at once`);
});
