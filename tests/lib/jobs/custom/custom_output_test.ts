import assert from "node:assert/strict";
import { WorkflowError } from "../../../../lib/core/errors.ts";
import { planWorkflows } from "../../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import { TEST_TOOLCHAIN } from "../../../_support/toolchain.ts";

const where = { file: "w.ts", moduleUrl: "file:///nowhere/w.ts" };
const run = () => 1;

async function issuesOf(steps: WorkflowInput["steps"]): Promise<{ path: string; message: string }[]> {
  const error = await resolveWorkflow({ steps }, where).then(() => null, (error: unknown) => error);
  assert.ok(error instanceof WorkflowError, String(error));
  return [...error.issues];
}

Deno.test("a custom step's output names the file its artifact is published as, and leaves its key alone", async () => {
  const plan = async (output?: string) => {
    const workflow = await resolveWorkflow({ steps: [{ id: "notes", version: 1, output, run }] }, where);
    return planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps[0]!;
  };
  const published = await plan("notes.txt");
  assert.equal(published.output, "notes.txt");
  const kept = await plan();
  assert.equal(kept.output, null);
  assert.equal(published.key, kept.key);
});

Deno.test("a custom step's output is a file name, not a child's, and not another step's", async () => {
  assert.deepEqual(await issuesOf([{ id: "a", version: 1, output: "../a.txt", run }]), [
    { path: "steps[0].output", message: "Expected a file name, without a folder" },
  ]);
  assert.deepEqual(
    await issuesOf([
      { id: "a", version: 1, output: "a.txt", run },
      { id: "b", version: 1, output: "a.txt", run },
      { id: "c", version: 1, output: "c.txt", child: true, run },
    ]),
    [
      { path: "steps[1].output", message: 'Cannot publish "a.txt": another step writes it' },
      {
        path: "steps[2].output",
        message: `Cannot publish "c.txt": a child step's children would all write it`,
      },
    ],
  );
});
