/** `cluster status` reads how long ago each worker answered by Redis's clock, not by the hosts'. */
import assert from "node:assert/strict";
import { clusterStatus, SILENT_AFTER_MS } from "../../../lib/cluster/cluster_status.ts";
import { WORKER_KEY_PREFIX } from "../../../lib/cluster/cluster_job.ts";
import { HEARTBEAT_MS, type WorkerInfo } from "../../../lib/cluster/_worker_heartbeat.ts";
import { openRedis } from "../../../lib/cluster/redis_connection.ts";
import { statusText } from "../../../tasks/_cli/cluster_commands.ts";
import { startRedis } from "../../_support/redis_server.ts";

Deno.test("clusterStatus(): a worker's age is its entry's time to live counted down, whatever its host's clock says", async () => {
  // rv14: a worker on a host whose clock was 4 s behind was always marked silent.
  await using redis = await startRedis();
  const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
  try {
    const entry = (pid: number, heartbeat: number): WorkerInfo => ({
      host: "h",
      pid,
      concurrency: 1,
      cpu: 1,
      queues: ["steps"],
      wants: null,
      running: [],
      heartbeat,
      started: 0,
    });
    // Written now by a host an hour behind, and written 4.5 s ago (1.5 s of its life left) by one in time.
    const ttl = HEARTBEAT_MS * 3;
    await client.set(`${WORKER_KEY_PREFIX}h:1`, JSON.stringify(entry(1, Date.now() - 3_600_000)), "PX", ttl);
    await client.set(
      `${WORKER_KEY_PREFIX}h:2`,
      JSON.stringify(entry(2, Date.now() - 4_500)),
      "PX",
      ttl - 4_500,
    );
    // A worker of another version, whose entries live 20 s: written 6 s ago.
    const longer = { ...entry(3, Date.now() - 6_000), ttlMs: 20_000 };
    await client.set(`${WORKER_KEY_PREFIX}h:3`, JSON.stringify(longer), "PX", 14_000);
    const status = await clusterStatus(redis.target);
    const [behind, late, other] = status.workers;
    assert.deepEqual(status.workers.map((worker) => worker.pid), [1, 2, 3]);
    assert.ok(other!.ageMs >= 6_000 && other!.ageMs < 8_000, `age ${other!.ageMs} ms`);
    assert.ok(behind!.ageMs < SILENT_AFTER_MS, `age ${behind!.ageMs} ms`);
    assert.ok(late!.ageMs >= 4_500 && late!.ageMs <= ttl, `age ${late!.ageMs} ms`);
    const lines = statusText(status).split("\n");
    assert.doesNotMatch(lines[1]!, /silent/);
    assert.match(lines[2]!, /h:2 .*heartbeat [4-6]\.\ds ago \(silent: killed or stuck\?\)/);
  } finally {
    client.disconnect();
  }
});
