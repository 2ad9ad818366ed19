import assert from "node:assert/strict";
import { WorkflowError, WorkflowErrors } from "../../../lib/core/errors.ts";
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

Deno.test("an id used by two jobs of a run is named at that id, with where the first is, every such id", async () => {
  const errorOf = (workflows: Awaited<ReturnType<typeof resolve>>[]) => {
    try {
      planWorkflows(workflows, { toolchain: { ...TEST_TOOLCHAIN, pocketsphinx: "pocketsphinx test" } });
    } catch (error) {
      return error;
    }
    assert.fail("the ids were not refused");
  };
  const issuesOf = (error: unknown) => {
    assert.ok(error instanceof WorkflowError, String(error));
    return { file: error.file, issues: error.issues };
  };
  const used = (where: string) =>
    `Id "a" is used ${where} too: ids name outputs and steps, one thing each in a run`;
  // Before: "Id "a" is also used in t.ts", at `videos` of a workflow that has none; nt12: at `transcribe`, the list.
  const both = await resolve({ ...lesson("a"), transcribe: [{ id: "a", input: "talk.wav" }] }, "t.ts");
  assert.deepEqual(issuesOf(errorOf([both])), {
    file: "t.ts",
    issues: [{ path: "transcribe[0].id", message: used("in videos") }],
  });
  // nt12: only the first was told.
  const twice = await resolve({
    formats: ["16:9"],
    videos: ["a", "b"].map((id) => ({ id, sections: [{ title: "T", narration: "N" }] })),
    transcribe: [{ id: "c", input: "talk.wav" }, { id: "a", input: "talk.wav" }, {
      id: "b",
      input: "talk.wav",
    }],
  }, "t.ts");
  assert.deepEqual(issuesOf(errorOf([twice])).issues.map((issue) => issue.path), [
    "transcribe[1].id",
    "transcribe[2].id",
  ]);
  const [first, second, third] = await Promise.all(
    ["one.ts", "two.ts", "three.ts"].map((file) => resolve(lesson("a"), file)),
  );
  assert.deepEqual(issuesOf(errorOf([first!, second!])), {
    file: "two.ts",
    issues: [{ path: "videos[0].id", message: used("in videos of one.ts") }],
  });
  // Each file's in one go.
  const all = errorOf([first!, second!, third!]);
  assert.ok(all instanceof WorkflowErrors, String(all));
  assert.deepEqual(all.errors.map((error) => error.file), ["two.ts", "three.ts"]);
});

Deno.test("the plan of several workflows says each one's lines under its file's name; of one, as is", async () => {
  // nt22: `plan a.yml b.js` printed "1 video, 2 sections…" and "1 video, 1 section…", whose was whose unsaid.
  const [a, b] = [await resolve(lesson("a"), "a.ts"), await resolve(lesson("b"), "b.ts")];
  const two = planWorkflows([a, b], { toolchain: TEST_TOOLCHAIN });
  assert.deepEqual(two.summary, [
    "a.ts: 1 video, 1 section, formats: 16x9 (1920x1080)",
    "b.ts: 1 video, 1 section, formats: 16x9 (1920x1080)",
  ]);
  const one = planWorkflows([a], { toolchain: TEST_TOOLCHAIN });
  assert.deepEqual(one.summary, ["1 video, 1 section, formats: 16x9 (1920x1080)"]);
});
