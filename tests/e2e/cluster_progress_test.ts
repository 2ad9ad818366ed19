/**
 * A cluster render tells how far its workers' encodes are, as a local render does: `step:progress` events come
 * back from the worker that runs the step (before: none until each step ended).
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { startWorkers } from "../_support/cluster_workers.ts";
import { startRedis } from "../_support/redis_server.ts";
import { makeTestVideo } from "../_support/test_video.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("a variant encoded on a cluster worker tells its progress, from that worker", async () => {
  const file = await writeWorkflowFile(
    `export default workflow(${JSON.stringify({ variants: [{ inputs: ["clip.mp4"], recipes: ["web"] }] })});`,
  );
  const dir = file.slice(0, file.lastIndexOf("/"));
  await makeTestVideo(`${dir}/clip.mp4`, { seconds: 3 });
  await using redis = await startRedis();
  await using workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
  const events: RunEvent[] = [];
  const { run } = await renderWorkflows([file], {
    outDir: `${dir}/out`,
    store: `${dir}/store`,
    cluster: redis.target,
    onEvent: (event) => events.push(event),
  });
  assert.ok(run.ok, [...run.errors.values()].join("\n"));
  const progress = events.filter((event) => event.type === "step:progress");
  assert.ok(progress.length > 0, "no step:progress event");
  for (const event of progress) {
    assert.equal(event.kind, "variant");
    assert.ok(String(event.worker).startsWith(`${workers[0]!.id}:`), String(event.worker));
    assert.ok(event.fraction >= 0 && event.fraction <= 1, String(event.fraction));
  }
});
