/**
 * A cancel (Ctrl-C) while a worker makes a provider call: the call is let finish and its answer kept, for it is
 * paid for whether it is read or not (fi23: an image call cut at its answer was paid again by the next render).
 */
import assert from "node:assert/strict";
import { realClock } from "../../../lib/core/clock.ts";
import type { StepExecutor } from "../../../lib/core/executor.ts";
import { providerLimiters } from "../../../lib/run/render_workflows.ts";
import type { RunEvent } from "../../../lib/run/run_events.ts";
import { runPlan } from "../../../lib/run/scheduler.ts";
import { ArtifactStore } from "../../../lib/store/artifact_store.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { FakeExecutor } from "../../_support/fake_executor.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";
import { apiSpeechWorkflow } from "../../_support/workflows.ts";

const ffmpeg = { ffmpeg: "/bin/false", ffprobe: "/bin/false" };

async function apiSpeechPlan() {
  return planWorkflows([await apiSpeechWorkflow()], { toolchain: TEST_TOOLCHAIN });
}

/**
 * Runs the plan into `store` on a fake executor that counts the steps it starts; `cancelAt`, a step whose start
 * (its worker's) cancels the run, as a Ctrl-C while its call is out does.
 */
async function render(store: ArtifactStore, cancelAt: string | null, options: { loading?: boolean } = {}) {
  const { loading = false } = options;
  const plan = await apiSpeechPlan();
  const fake = new FakeExecutor(plan);
  const stop = new AbortController();
  const seen: { started: string[]; cutAtEnd: Record<string, boolean> } = { started: [], cutAtEnd: {} };
  const executor: StepExecutor = {
    execute: async (task, options) => {
      seen.started.push(task.id);
      const execution = await fake.execute(task, {
        ...options,
        onStart: (id) => {
          options.onStart?.(id);
          // As a worker that loads the step's code first (its first step of the kind) says it.
          if (loading) options.onLoading?.();
          if (task.id === cancelAt) stop.abort();
          if (loading) options.onRunning?.();
        },
      });
      seen.cutAtEnd[task.id] = options.signal.aborted;
      if (task.outputPath !== null) await Deno.writeTextFile(task.outputPath, task.id);
      return execution;
    },
    close: () => fake.close(),
  };
  const events: RunEvent[] = [];
  const result = await runPlan(plan, {
    executor,
    store,
    ffmpeg,
    outDir: null,
    signal: stop.signal,
    providerGate: (provider) => providerLimiters(plan, realClock).get(provider) ?? null,
    onEvent: (event) => events.push(event),
  });
  return { result, events, seen };
}

Deno.test("a cancel lets a provider call a worker began finish and keeps its answer: the next run does not pay again", async () => {
  const dir = await tempDir("reel-cancelled-calls-");
  const store = new ArtifactStore(`${dir}/.reel`);
  try {
    const first = await render(store, "v/s1/speech");
    assert.equal(first.result.cancelled, true);
    assert.equal(first.result.states.get("v/s1/speech"), "done");
    assert.equal(
      first.seen.cutAtEnd["v/s1/speech"],
      false,
      "the call's signal was not aborted by the cancel",
    );
    // Said while it finishes; what needs it is not started.
    assert.deepEqual(
      first.events.filter((event) => event.type === "run:stopping").map((event) => event.finishing),
      [["v/s1/speech"]],
    );
    assert.equal(first.result.states.get("v/narration"), "cancelled");
    const second = await render(store, null);
    assert.ok(second.result.ok);
    assert.ok(!second.seen.started.includes("v/s1/speech"), "the call was not made again");
    assert.ok(second.seen.started.includes("v/narration"));
  } finally {
    store.close();
  }
});

Deno.test("a cancel still cuts a local step at once: only provider calls are let finish", async () => {
  const dir = await tempDir("reel-cancelled-calls-");
  const store = new ArtifactStore(`${dir}/.reel`);
  try {
    const { result, seen } = await render(store, "v/s1/slide@1x1");
    assert.equal(result.cancelled, true);
    // Cut: the fake executor throws on its aborted signal, so it never reached its end.
    assert.equal(seen.cutAtEnd["v/s1/slide@1x1"], undefined);
    assert.equal(result.states.get("v/s1/slide@1x1"), "cancelled");
  } finally {
    store.close();
  }
});

Deno.test("a cancel while a worker loads a provider step's code cuts the step: nothing was sent yet", async () => {
  const dir = await tempDir("reel-cancelled-calls-");
  const store = new ArtifactStore(`${dir}/.reel`);
  try {
    // rv44: the step counted as under way from its worker's start, and its call went out after the Ctrl-C.
    const { result, events, seen } = await render(store, "v/s1/speech", { loading: true });
    assert.equal(result.cancelled, true);
    assert.equal(
      seen.cutAtEnd["v/s1/speech"],
      undefined,
      "cut: the fake executor threw on its aborted signal",
    );
    assert.equal(result.states.get("v/s1/speech"), "cancelled");
    assert.deepEqual(events.filter((event) => event.type === "run:stopping"), []);
  } finally {
    store.close();
  }
});
