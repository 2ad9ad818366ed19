/**
 * A toy job kind added by following ARCHITECTURE.md, with no change to lib/: its workflow field is validated,
 * its steps are planned and run on real workers, and its output is published.
 */
import assert from "node:assert/strict";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runPlan } from "../../lib/run/scheduler.ts";
import { ArtifactStore } from "../../lib/store/artifact_store.ts";
import { JOB_KINDS } from "../../lib/workflow/job_kinds.ts";
import { planWorkflows } from "../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../lib/workflow/resolve_workflow.ts";
import { WorkerPool } from "../../lib/workers/worker_pool.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../_support/toolchain.ts";
import { wordCountKind } from "./word_count/word_count_kind.ts";

const kinds = { ...JOB_KINDS, words: wordCountKind };

Deno.test("a toy job kind is validated, planned and run beside the registered ones", async () => {
  const dir = await tempDir("reel-toy-");
  const workflow = await resolveWorkflow({
    wordCounts: [{ id: "a", text: "one two three" }, { id: "b", text: "four five" }],
  }, { file: `${dir}/toy.ts`, moduleUrl: `file://${dir}/toy.ts`, kinds });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN, kinds });
  assert.deepEqual(plan.steps.map((step) => step.id), ["words/a", "words/b", "words/total"]);
  assert.deepEqual(plan.summary, ["2 texts to count"]);
  const pool = new WorkerPool({
    size: 2,
    stepModules: [new URL("./word_count/word_count_steps.ts", import.meta.url).href],
  });
  try {
    const result = await runPlan(plan, {
      executor: pool,
      store: new ArtifactStore(`${dir}/.reel`),
      ffmpeg: await findFfmpeg(),
      outDir: dir,
    });
    assert.ok(result.ok, [...result.errors.values()].join());
    assert.deepEqual(result.artifacts.get("words/total")?.value, { words: 5 });
    assert.equal(await Deno.readTextFile(`${dir}/toy.words.txt`), "5\n");
  } finally {
    await pool.close();
  }
});

Deno.test("a toy job kind's fields are checked like any other: wrong fields name their path", async () => {
  await assert.rejects(
    resolveWorkflow({ wordCounts: [{ id: "a", text: "x" }, { id: "a", text: "y" }] }, {
      file: "toy.ts",
      moduleUrl: "file:///toy.ts",
      kinds,
    }),
    /wordCounts\[1\]\.id: Duplicate id "a"/,
  );
  await assert.rejects(
    resolveWorkflow({ wordCount: [] }, { file: "toy.ts", moduleUrl: "file:///toy.ts", kinds }),
    /Unknown field "wordCount" \(did you mean "wordCounts"\?\)/,
  );
});
