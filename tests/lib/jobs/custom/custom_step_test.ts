/**
 * The custom step kind, run as a worker runs it: a step that names an output must have written its file when it
 * returns, wherever it runs (the check is the step's own, so a cluster's worker makes it too).
 */
import assert from "node:assert/strict";
import { UnrecoverableError } from "../../../../lib/core/errors.ts";
import { customStep } from "../../../../lib/jobs/custom/custom_step.ts";
import { runStepKind } from "../../../_support/step_runner.ts";
import { writeWorkflowFile } from "../../../_support/workflows.ts";

Deno.test("customStep fails a step that names an output and returns without writing it, unrecoverably, naming both", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "nofile", output: "nofile.txt", run: () => 1 }),
    step({ id: "folder", output: "folder.txt", run: (_inputs, { outputPath }) => Deno.mkdir(outputPath).then(() => 2) }),
    step({ id: "file", output: "file.txt", run: (_inputs, { outputPath }) => Deno.writeTextFile(outputPath, "hi").then(() => 3) }),
    step({ id: "value", run: () => 4 }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const run = (step: string) =>
    runStepKind(customStep, {
      params: { step, params: {} },
      inputs: [],
      outputPath: `${dir}/${step}/artifact.bin`,
      scratchDir: `${dir}/${step}`,
      runtime: { module: `file://${file}` },
    });
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
  assert.equal(await Deno.readTextFile(`${dir}/file/artifact.bin`), "hi");
  // A step that names no output may write nothing.
  assert.equal(await run("value"), 4);
});
