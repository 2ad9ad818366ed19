/**
 * On a cluster as in a local run, a custom step that names an output must write it: a worker fails one that
 * returns without writing its outputPath, not retried, naming the step and the output, and stores nothing under
 * its key; the steps that write their files, or name none, are stored and published.
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { ArtifactStore } from "../../lib/store/artifact_store.ts";
import { listFolder } from "../_support/cli.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("a custom step naming an output it never writes fails on a cluster worker, named, once; nothing is stored", async () => {
  const file = await writeWorkflowFile(`export default workflow({
  steps: [
    step({ id: "nofile", output: "nofile.txt", cpu: false, retries: 2, run: () => 1 }),
    step({ id: "file", output: "file.txt", cpu: false, run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, "hi");
      return 2;
    } }),
    step({ id: "value", cpu: false, run: () => 3 }),
  ],
});`);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await using redis = await startRedis();
  await using workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
  const events: RunEvent[] = [];
  const store = `${dir}/store`;
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    cacheDir: store,
    cluster: redis.target,
    onEvent: (event) => events.push(event),
  });
  assert.ok(!run.ok);

  const failures = events.flatMap((event) => event.type === "step:failed" ? [event] : []);
  assert.deepEqual(failures.map((event) => [event.step, event.retrying]), [["nofile", false]]);
  const failure = failures[0]!;
  assert.ok(String(failure.worker).startsWith(`${workers[0]!.id}:`), `ran on the worker: ${failure.worker}`);
  assert.equal(
    run.errors.get("nofile"),
    'Step "nofile" names the output nofile.txt but wrote no file to its outputPath; nothing was stored',
  );
  assert.equal(await new ArtifactStore(store).peek(failure.contentKey), null);
  await assert.rejects(
    Deno.stat(`${store}/entries/${failure.contentKey.slice(0, 2)}/${failure.contentKey}`),
    Deno.errors.NotFound,
  );
  const finished = events.flatMap((event) => event.type === "step:finished" ? [event.step] : []);
  assert.deepEqual(finished.sort(), ["file", "value"]);
  assert.deepEqual(await listFolder(`${dir}/out`), ["file.txt"]);
  assert.equal(await Deno.readTextFile(`${dir}/out/file.txt`), "hi");
});
