import assert from "node:assert/strict";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { runPlan } from "../../../lib/run/scheduler.ts";
import { VirtualClock } from "../../../lib/core/clock.ts";
import { ProviderLimiter } from "../../../lib/run/provider_limiter.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../lib/workflow/workflow_schema.ts";
import { FakeExecutor, seededRandom } from "../../_support/fake_executor.ts";
import { MemoryStore } from "../../_support/memory_store.ts";
import type { StepExecutor } from "../../../lib/core/executor.ts";
import type { Claim } from "../../../lib/store/key_claims.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const ffmpeg = { ffmpeg: "/bin/false", ffprobe: "/bin/false" };
const run = () => null;

async function plan(input: WorkflowInput, toolchain = TEST_TOOLCHAIN) {
  const workflow = await resolveWorkflow(input, { file: "keys.ts", moduleUrl: "file:///keys.ts" });
  return planWorkflows([workflow], { toolchain });
}

Deno.test("runPlan() runs steps with one key once per run and gives every one of them the result", async () => {
  const same = { title: "Same", narration: "The same words, the same voice." };
  const planned = await plan({ formats: ["1:1"], videos: [{ id: "v", sections: [same, same, same] }] });
  const speech = planned.steps.filter((step) => step.kind === "speech");
  assert.equal(new Set(speech.map((step) => step.key)).size, 1, "the three narrations share a key");
  const executor = new FakeExecutor(planned, { random: seededRandom(3) });
  const store = new MemoryStore();
  const result = await runPlan(planned, { executor, store, ffmpeg, outDir: null });
  assert.ok(result.ok, [...result.errors.values()].join());
  assert.equal(executor.started.filter((id) => id.endsWith("/speech")).length, 1);
  assert.equal(executor.started.filter((id) => id.includes("/slide@")).length, 1);
  for (const step of speech) assert.ok(result.artifacts.has(step.id), step.id);
  assert.equal(store.commits, new Set(planned.steps.map((step) => step.key)).size);
});

Deno.test("runPlan(): a changed child changes the key of what depends on its parent, which runs again", async () => {
  const workflow = (childVersion: string): WorkflowInput => ({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [
      { id: "split", version: "1", run },
      { id: "part", child: true, version: childVersion, run },
      { id: "merge", inputs: ["split"], version: "1", run },
    ],
  });
  const children = new Map([["split", [{ step: "part", params: { i: 0 } }, {
    step: "part",
    params: { i: 1 },
  }]]]);
  const store = new MemoryStore();
  const first = await plan(workflow("1"));
  const events: RunEvent[] = [];
  await runPlan(first, { executor: new FakeExecutor(first, { children }), store, ffmpeg, outDir: null });
  const second = await plan(workflow("2"));
  assert.equal(
    second.steps.find((s) => s.id === "merge")!.key,
    first.steps.find((s) => s.id === "merge")!.key,
  );
  const executor = new FakeExecutor(second, { children });
  const result = await runPlan(second, {
    executor,
    store,
    ffmpeg,
    outDir: null,
    onEvent: (e) => events.push(e),
  });
  assert.ok(result.ok, [...result.errors.values()].join());
  // split itself is unchanged (taken from the store); its children and merge run again.
  assert.deepEqual(executor.started.sort(), ["merge", "split/part#0", "split/part#1"]);
  const merge = events.find((event) => event.type === "step:queued" && event.step === "merge");
  assert.notEqual(
    merge?.type === "step:queued" ? merge.contentKey : null,
    first.steps.find((s) => s.id === "merge")!.key,
  );
});

Deno.test("runPlan() stops a step that runs past its timeout, fails it, and the run ends", async () => {
  const planned = await plan({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "stuck", timeout: 50, run }, { id: "after", inputs: ["stuck"], run }],
  });
  const executor = new FakeExecutor(planned, { hang: new Set(["stuck"]) });
  const result = await runPlan(planned, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.equal(result.states.get("stuck"), "failed");
  assert.match(result.errors.get("stuck")!, /Step "stuck" timed out after 50 ms/);
  assert.equal(result.states.get("after"), "skipped");
  assert.equal(result.states.get("v/video@1x1"), "done");
});

Deno.test("runPlan(): a 429 does not spend the retries meant for failures", async () => {
  const planned = await plan({
    formats: ["1:1"],
    providers: { images: { api: "openai", baseUrl: "http://127.0.0.1:9", retries: 0 } },
    videos: [{
      id: "v",
      sections: [{ title: "T", narration: "N", image: { provider: "images", prompt: "p", size: "64x64" } }],
    }],
  });
  const executor = new FakeExecutor(planned, {
    failFirst: new Map([["v/s1/image", { status: 429, retryAfterMs: 10 }]]),
  });
  const result = await runPlan(planned, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.ok(result.ok, [...result.errors.values()].join());
  assert.equal(executor.attempts.get("v/s1/image"), 2);
});

Deno.test("runPlan() keeps custom steps, spawned children included, within limits.custom", async () => {
  const planned = await plan({
    formats: ["1:1"],
    limits: { custom: 3, workers: 2, cpu: 8 },
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "fan", run }, { id: "leaf", child: true, cpu: false, run }, {
      id: "gather",
      inputs: ["fan"],
      run,
    }],
  });
  const children = Array.from({ length: 200 }, (_, i) => ({ step: "leaf", params: { i } }));
  const executor = new FakeExecutor(planned, {
    random: seededRandom(9),
    children: new Map([["fan", children]]),
  });
  const result = await runPlan(planned, { executor, store: new MemoryStore(), ffmpeg, outDir: null });
  assert.ok(result.ok, [...result.errors.values()].join());
  assert.equal(executor.started.filter((id) => id.startsWith("fan/leaf#")).length, 200);
  assert.ok(executor.peaks.custom <= 3, `custom steps in flight: ${executor.peaks.custom}`);
  assert.equal(executor.peaks.custom, 3, "the layer is reached, not just respected");
});

Deno.test("runPlan(): a 429's Retry-After holds the provider's next call when the provider has no rate set", async () => {
  // Before: the refused call's permit was freed before its pause was told, and the next call left at once.
  const planned = await plan({
    formats: ["1:1"],
    providers: { images: { api: "openai", baseUrl: "http://127.0.0.1:9", retries: 0, concurrency: 1 } },
    videos: [{
      id: "v",
      sections: ["p", "q"].map((prompt) => ({
        title: "T",
        narration: "N",
        image: { provider: "images", prompt, size: "64x64" },
      })),
    }],
  });
  const clock = new VirtualClock();
  const limiter = new ProviderLimiter(
    { concurrency: 1, requests: null, tokens: null, per: 60_000, burst: 1 },
    {
      clock,
    },
  );
  const fake = new FakeExecutor(planned, {
    failFirst: new Map([["v/s1/image", { status: 429, retryAfterMs: 5000 }]]),
  });
  const starts: [string, number][] = [];
  const executor = {
    execute: (
      task: Parameters<FakeExecutor["execute"]>[0],
      options: Parameters<FakeExecutor["execute"]>[1],
    ) => {
      if (task.kind === "image") starts.push([task.id, clock.now()]);
      return fake.execute(task, options);
    },
    close: () => fake.close(),
  };
  const result = await runPlan(planned, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    clock,
    providerGate: (name) => name === "images" ? limiter : null,
  });
  assert.ok(result.ok, [...result.errors.values()].join());
  // The first image call is answered 429 at 0 ms; no image call leaves before its 5 s are over.
  assert.deepEqual(starts[0], ["v/s1/image", 0]);
  assert.ok(starts.slice(1).every(([, at]) => at >= 5000), JSON.stringify(starts));
});

Deno.test("runPlan(): a step whose claim was taken over while it waited for its turn serves what the other process stored, made once", async () => {
  // A render paused past the claims' staleness (Ctrl-Z) lost its claims to a second render, which made and stored
  // the keys; resumed, it made every one of them again (each call paid twice).
  const planned = await plan({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "A", narration: "One." }] }],
  });
  const speech = planned.steps.find((step) => step.kind === "speech")!;
  const elsewhere = new MemoryStore();
  const first = await runPlan(planned, {
    executor: new FakeExecutor(planned),
    store: elsewhere,
    ffmpeg,
    outDir: null,
  });
  assert.ok(first.ok);
  const made = elsewhere.artifacts.get(speech.key)!;
  class TakenOver extends MemoryStore {
    override claim(key: string): Promise<Claim> {
      if (key !== speech.key || this.artifacts.has(key)) return super.claim(key);
      // Held until the step's turn comes, then found another's: that one stored the key meanwhile.
      return Promise.resolve({
        release: () => Promise.resolve(),
        held: () => {
          this.artifacts.set(key, made);
          return Promise.resolve(false);
        },
      });
    }
  }
  const executor = new FakeExecutor(planned);
  const store = new TakenOver();
  const result = await runPlan(planned, { executor, store, ffmpeg, outDir: null });
  assert.ok(result.ok, [...result.errors.values()].join());
  assert.deepEqual(executor.started.filter((id) => id === speech.id), [], "the speech was not made again");
  assert.deepEqual(result.artifacts.get(speech.id)?.value, made.value);
  assert.ok(executor.started.length > 0, "the other steps ran");
});

Deno.test("runPlan(): the time a step waits for another worker, its first one dead, is not its time", async () => {
  const planned = await plan({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "moved", timeout: 50, run }],
  });
  const fake = new FakeExecutor(planned);
  // As a cluster tells it: a worker took the step and died; the queue handed it on 150 ms later (three timeouts).
  const executor: StepExecutor = {
    execute: async (task, options) => {
      if (task.id !== "moved") return await fake.execute(task, options);
      options.onStart?.("cluster:1");
      options.onWait?.();
      await new Promise((resolve) => setTimeout(resolve, 150));
      options.onStart?.("cluster:2");
      return await fake.execute(task, { ...options, onStart: () => {} });
    },
    close: () => fake.close(),
  };
  const events: RunEvent[] = [];
  const result = await runPlan(planned, {
    executor,
    store: new MemoryStore(),
    ffmpeg,
    outDir: null,
    onEvent: (event) => events.push(event),
  });
  // Before: "Step "moved" timed out after 50 ms", counted from the first worker's start.
  assert.equal(result.states.get("moved"), "done", [...result.errors.values()].join());
  // Its time is counted from the second start (before: the 150 ms of waiting too).
  const finished = events.find((event) => event.type === "step:finished" && event.step === "moved");
  assert.ok(finished?.type === "step:finished" && finished.elapsed < 100, JSON.stringify(finished));
});

Deno.test("runPlan(): a forced step whose result differs has what was made from it removed before it is stored", async () => {
  const planned = await plan({
    formats: ["1:1"],
    videos: [{ id: "v", sections: [{ title: "T", narration: "N" }] }],
    steps: [{ id: "a", run }, { id: "b", inputs: ["a"], run }],
  });
  // The store's writes in order: a kill between two of them leaves what was done before it.
  const log: string[] = [];
  const store = new MemoryStore();
  const commit = store.commit.bind(store);
  const remove = store.remove.bind(store);
  store.commit = (key, artifact) => (log.push(`commit ${key}`), commit(key, artifact));
  store.remove = (key) => (log.push(`remove ${key}`), remove(key));
  const answer = (a: number) => (task: { id: string }) => task.id === "a" ? a : "b";
  await runPlan(planned, {
    executor: new FakeExecutor(planned, { value: answer(1) }),
    store,
    ffmpeg,
    outDir: null,
  });
  log.length = 0;
  const executor = new FakeExecutor(planned, { value: answer(2) });
  const result = await runPlan(planned, { executor, store, ffmpeg, outDir: null, forceSteps: ["a"] });
  assert.ok(result.ok, [...result.errors.values()].join());
  const key = (id: string) => planned.steps.find((step) => step.id === id)!.key;
  // Before (rv11): "a" was stored first and "b" removed after, so a kill between served "b" made from the old "a".
  assert.ok(log.indexOf(`remove ${key("b")}`) >= 0, log.join("\n"));
  assert.ok(log.indexOf(`remove ${key("b")}`) < log.indexOf(`commit ${key("a")}`), log.join("\n"));
  assert.ok(executor.started.includes("b"), "b made again from the new a");
  // The same result forced again: what was made from it stays.
  log.length = 0;
  const same = new FakeExecutor(planned, { value: answer(2) });
  await runPlan(planned, { executor: same, store, ffmpeg, outDir: null, forceSteps: ["a"] });
  assert.deepEqual(same.started, ["a"]);
});
