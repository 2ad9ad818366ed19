/**
 * A worker that mounts a store at a path of its own (`worker --store`) takes only the jobs of that store, told by
 * the folder's store-id: before, it took another store's jobs, wrote their artifacts into its own store, and the
 * render failed ("reported the artifact stored, but the store lacks it"). Refused there, the job goes to a worker
 * that may run it; a worker whose --store is the render's store under another name (a link) takes it.
 */
import assert from "node:assert/strict";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { storeIdentity } from "../../lib/store/store_identity.ts";
import { listFolder } from "../_support/cli.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const WORKFLOW = `export default workflow({
  steps: [step({ id: "note", output: "note.txt", cpu: false, run: async (_inputs, { outputPath }) => {
    await Deno.writeTextFile(outputPath, "made");
  } })],
});`;

Deno.test("a worker with --store refuses another store's jobs, named, writing nothing; one mounting the store runs them", async () => {
  const file = await writeWorkflowFile(WORKFLOW);
  const dir = file.slice(0, file.lastIndexOf("/"));
  const [store, other] = [`${dir}/store`, `${dir}/other-store`];
  await Deno.mkdir(other);
  await storeIdentity(other, { make: true });
  await using redis = await startRedis();
  const render = () =>
    renderWorkflows([file], { outDir: `${dir}/out`, cacheDir: store, cluster: redis.target });
  {
    // The only worker mounts another store: it refuses the job, and with no other worker the job fails, named.
    await using pinned = await startWorkers(1, {
      redis: redis.url,
      allowRoot: dir,
      args: ["--store", other],
    });
    const { run } = await render();
    assert.ok(!run.ok);
    assert.match(
      run.errors.get("note") ?? "",
      /its store .*\/store is not the store this worker has at .*\/other-store \(--store\): their store-id files differ/,
    );
    assert.equal(await listFolder(`${other}/entries`), null, "nothing written into the other store");
    assert.ok(pinned[0]!.lines.some((line) => /Refused job/.test(line)), pinned[0]!.lines.join("\n"));
  }
  // A worker mounting the render's store under another name (a link) takes it.
  await Deno.symlink(store, `${dir}/mounted`);
  await using right = await startWorkers(1, {
    redis: redis.url,
    allowRoot: dir,
    args: ["--store", `${dir}/mounted`],
  });
  const { run } = await render();
  assert.ok(run.ok, [...run.errors].join("\n"));
  assert.equal(await Deno.readTextFile(`${dir}/out/note.txt`), "made");
  assert.ok(right[0]!.lines.every((line) => !/Refused/.test(line)), right[0]!.lines.join("\n"));
});
