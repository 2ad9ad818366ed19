/**
 * A speech answer kept for another decoder (`PlanStep.answerEngine`): claimed while a step may read it, kept once its
 * artifact is stored where `cache gc` reaches it, dropped where nothing does.
 */
import assert from "node:assert/strict";
import type { StepExecutor } from "../../../lib/core/executor.ts";
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

/** Runs the plan into `store`, the speech step writing its answer where it is told; what it saw of its claim. */
async function render(store: ArtifactStore) {
  const plan = await apiSpeechPlan();
  const fake = new FakeExecutor(plan);
  const seen: { answerKey?: string; claimed?: boolean } = {};
  const executor: StepExecutor = {
    execute: async (task, options) => {
      if (task.kind === "speech") {
        seen.answerKey = task.answerKey;
        seen.claimed = task.answerKey !== undefined && await store.claims.isClaimed(task.answerKey);
        await Deno.mkdir(`${store.root}/answers`, { recursive: true });
        await Deno.writeTextFile(task.answerPath!, "paid");
      }
      const execution = await fake.execute(task, options);
      if (task.outputPath !== null) await Deno.writeTextFile(task.outputPath, task.id);
      return execution;
    },
    close: () => fake.close(),
  };
  const result = await runPlan(plan, { executor, store, ffmpeg, outDir: null });
  assert.ok(result.ok, JSON.stringify([...result.errors]));
  return seen;
}

Deno.test("a kept speech answer is claimed while its step runs (cache gc keeps it), and stays once stored", async () => {
  const dir = await tempDir("reel-kept-answers-");
  const store = new ArtifactStore(`${dir}/.reel`);
  try {
    const seen = await render(store);
    assert.match(seen.answerKey ?? "", /^[0-9a-f]{64}$/);
    // rv22: the run claimed the step's key only, and `cache gc` took the answer from under it.
    assert.equal(seen.claimed, true);
    assert.equal(await store.claims.isClaimed(seen.answerKey!), false, "released after the attempt");
    assert.deepEqual((await store.answers()).map((answer) => answer.key), [seen.answerKey]);
  } finally {
    store.close();
  }
});

Deno.test("a store whose answers nothing collects drops a kept speech answer once the step is stored", async () => {
  const dir = await tempDir("reel-kept-answers-");
  // As a bucket's local copies (S3Store): nothing collects them.
  const store = Object.assign(new ArtifactStore(`${dir}/.reel`), { keepsAnswers: false });
  try {
    await render(store);
    assert.deepEqual(await store.answers(), []);
  } finally {
    store.close();
  }
});
