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

/** The message of the WorkflowError that planning `workflows` throws. */
async function planError(...workflows: { value: unknown; file: string }[]): Promise<string> {
  const resolved = await Promise.all(
    workflows.map(({ value, file }) =>
      resolveWorkflow(value, { file, moduleUrl: `file:///nowhere/${file}` })
    ),
  );
  const error = (() => {
    try {
      planWorkflows(resolved, { toolchain: TEST_TOOLCHAIN });
      return null;
    } catch (error) {
      return error;
    }
  })();
  assert.ok(error instanceof WorkflowError, String(error));
  return error.issues.map((issue) => issue.message).join("\n");
}

Deno.test("no two steps of a run write one output name, whatever their jobs or workflows, and none writes report.html", async () => {
  // Before: the later one replaced the other's file (a transcript's SRT, the report), exit 0.
  const lesson = {
    formats: ["320x180"],
    videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }] }],
  };
  assert.match(
    await planError({
      value: { ...lesson, steps: [{ id: "mine", version: 1, output: "a.srt", run }] },
      file: "w.ts",
    }),
    /^Steps "a\/[^"]+" and "mine" would both write a\.srt in the output folder: rename one$/,
  );
  assert.match(
    await planError({
      value: { steps: [{ id: "mine", version: 1, output: "report.html", run }] },
      file: "w.ts",
    }),
    /^Step "mine" would write report\.html in the output folder, where the run writes its report/,
  );
  assert.equal(
    await planError(
      { value: { steps: [{ id: "p", version: 1, output: "x.txt", run }] }, file: "one.ts" },
      { value: { steps: [{ id: "q", version: 1, output: "x.txt", run }] }, file: "two.ts" },
    ),
    'Steps "p" (in one.ts) and "q" would both write x.txt in the output folder: rename one',
  );
});
