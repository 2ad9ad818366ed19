import assert from "node:assert/strict";
import { WorkflowError } from "../../../lib/core/errors.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const dir = await tempDir("reel-plan-workflows-");
await Deno.writeFile(`${dir}/talk.wav`, new Uint8Array(64));

function resolve(input: WorkflowInput, file: string) {
  return resolveWorkflow(input, { file, moduleUrl: `file://${dir}/${file}`, env: () => undefined });
}

const lesson = (id: string): WorkflowInput => ({
  formats: ["16:9"],
  videos: [{ id, sections: [{ title: "T", narration: "N" }] }],
});

Deno.test("an id used by two jobs of a run is named at the field of the second, with where the first is", async () => {
  const issueOf = (workflows: Awaited<ReturnType<typeof resolve>>[]) => {
    try {
      planWorkflows(workflows, { toolchain: { ...TEST_TOOLCHAIN, pocketsphinx: "pocketsphinx test" } });
    } catch (error) {
      assert.ok(error instanceof WorkflowError, String(error));
      return { file: error.file, ...error.issues[0] };
    }
    assert.fail("the ids were not refused");
  };
  // Before: "Id "a" is also used in t.ts", at `videos` of a workflow that has none.
  const both = await resolve({ ...lesson("a"), transcribe: [{ id: "a", input: "talk.wav" }] }, "t.ts");
  assert.deepEqual(issueOf([both]), {
    file: "t.ts",
    path: "transcribe",
    message: 'Id "a" is used in videos too: ids name outputs and steps, one thing each in a run',
  });
  const [first, second] = await Promise.all([resolve(lesson("a"), "one.ts"), resolve(lesson("a"), "two.ts")]);
  assert.deepEqual(issueOf([first, second]), {
    file: "two.ts",
    path: "videos",
    message: 'Id "a" is used in videos of one.ts too: ids name outputs and steps, one thing each in a run',
  });
});
