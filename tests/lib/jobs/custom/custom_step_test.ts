/**
 * The custom step kind, run as a worker runs it: a step that names an output must have written its file when it
 * returns, wherever it runs (the check is the step's own, so a cluster's worker makes it too).
 */
import assert from "node:assert/strict";
import { UnrecoverableError } from "../../../../lib/core/errors.ts";
import { customStep } from "../../../../lib/jobs/custom/custom_step.ts";
import { runStepKind } from "../../../_support/step_runner.ts";
import { writeWorkflowFile } from "../../../_support/workflows.ts";

/** Runs the custom step of the workflow `file` named `step`, as a worker runs it, in a folder of its own. */
function runnerOf(file: string): (step: string) => Promise<unknown> {
  const dir = file.slice(0, file.lastIndexOf("/"));
  return (step) =>
    runStepKind(customStep, {
      params: { step, params: {} },
      inputs: [],
      outputPath: `${dir}/${step}/artifact.bin`,
      scratchDir: `${dir}/${step}`,
      runtime: { module: `file://${file}` },
    });
}

Deno.test("customStep fails a step that names an output and returns without writing it, unrecoverably, naming both", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "nofile", output: "nofile.txt", run: () => 1 }),
    step({ id: "folder", output: "folder.txt", run: (_inputs, { outputPath }) => Deno.mkdir(outputPath).then(() => 2) }),
    step({ id: "file", output: "file.txt", run: (_inputs, { outputPath }) => Deno.writeTextFile(outputPath, "hi").then(() => 3) }),
    step({ id: "value", run: () => 4 }),
  ],
});`);
  const run = runnerOf(file);
  for (const [step, output] of [["nofile", "nofile.txt"], ["folder", "folder.txt"]]) {
    await assert.rejects(run(step!), (error) => {
      assert.ok(error instanceof UnrecoverableError, String(error));
      assert.equal(
        error.message,
        `Step "test/custom" names the output ${output} but wrote no file to its outputPath; nothing was stored`,
      );
      return true;
    });
  }
  assert.equal(await run("file"), 3);
  const dir = file.slice(0, file.lastIndexOf("/"));
  assert.equal(await Deno.readTextFile(`${dir}/file/artifact.bin`), "hi");
  // A step that names no output may write nothing.
  assert.equal(await run("value"), 4);
});

Deno.test("customStep names where its value stops being JSON: a Map, a BigInt, a cycle, NaN; a Date is its string", async () => {
  // Before: a Map was stored as {} and NaN as null without a word; a BigInt or a cycle failed with JSON's own words.
  const file = await writeWorkflowFile(`const loop: Record<string, unknown> = {};
loop.self = loop;
export default workflow({
  steps: [
    step({ id: "map", run: () => ({ counts: new Map([["a", 1]]) }) as never }),
    step({ id: "big", run: () => ({ list: [1, 2n] }) as never }),
    step({ id: "loop", run: () => loop as never }),
    step({ id: "nan", run: () => ({ ratio: Number.NaN }) }),
    step({ id: "fine", run: () => ({ at: new Date(0), skip: undefined, list: [1, "a", null, { b: true }] }) as never }),
  ],
});`);
  const run = runnerOf(file);
  const cases: [string, string][] = [
    ["map", "a Map at .counts (return plain objects, arrays and numbers)"],
    ["big", "a bigint at .list[1]"],
    ["loop", "a value that contains itself at .self"],
    ["nan", "NaN at .ratio"],
  ];
  for (const [step, problem] of cases) {
    await assert.rejects(run(step), (error) => {
      assert.ok(error instanceof UnrecoverableError, String(error));
      assert.equal(error.message, `Custom step "${step}" returned a value that is not JSON: ${problem}`);
      return true;
    });
  }
  assert.deepEqual(await run("fine"), { at: "1970-01-01T00:00:00.000Z", list: [1, "a", null, { b: true }] });
});
