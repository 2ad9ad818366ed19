/**
 * `--force` and `--force-step` on a cluster as in a local run: a forced step's new result replaces the stored one,
 * is published, and what was made from the old one is made again.
 */
import assert from "node:assert/strict";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("a forced step's new result on a cluster is published and what was made from it is made again", async () => {
  // "drawn" makes other bytes at every run, as a provider's answer may; "copy" is made from it.
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "drawn", output: "drawn.txt", cpu: false, run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, crypto.randomUUID());
      return null;
    } }),
    step({ id: "copy", inputs: ["drawn"], output: "copy.txt", cpu: false, run: async (inputs, { outputPath }) => {
      await Deno.copyFile(inputs.drawn!.path!, outputPath);
      return null;
    } }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await using redis = await startRedis();
  await using _workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
  const render = async (options: { force?: boolean; forceSteps?: string[] } = {}) => {
    const { run } = await renderWorkflows([file], {
      outDir: `${dir}/out`,
      cacheDir: `${dir}/store`,
      cluster: redis.target,
      ...options,
    });
    assert.ok(run.ok, [...run.errors.values()].join("\n"));
    const [drawn, copy] = await Promise.all(
      ["drawn", "copy"].map((name) => Deno.readTextFile(`${dir}/out/${name}.txt`)),
    );
    assert.equal(copy, drawn, "the copy is made from the drawn step's published result");
    return drawn;
  };
  const first = await render();
  const forced = await render({ force: true });
  // Before (rv11): the worker kept the entry stored first, and the first result was published again.
  assert.notEqual(forced, first);
  assert.equal(await render(), forced, "a later render serves the forced result");
  const step = await render({ forceSteps: ["drawn"] });
  assert.notEqual(step, forced);
  assert.equal(await render(), step);
});
