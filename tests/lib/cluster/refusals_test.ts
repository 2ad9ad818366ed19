import assert from "node:assert/strict";
import { recordRefusal } from "../../../lib/cluster/_refusals.ts";
import { WORKER_KEY_PREFIX } from "../../../lib/cluster/cluster_job.ts";
import type { WorkerInfo } from "../../../lib/cluster/_worker_heartbeat.ts";
import { openRedis } from "../../../lib/cluster/redis_connection.ts";
import { startRedis } from "../../_support/redis_server.ts";

/** A live worker's entry, as its heartbeat writes it. */
function entry(pid: number, fields: Partial<WorkerInfo>): WorkerInfo {
  return {
    host: "h",
    pid,
    concurrency: 1,
    cpu: 1,
    queues: [],
    running: [],
    heartbeat: 0,
    started: 0,
    ...fields,
  };
}

Deno.test("recordRefusal(): a live worker that wants the queue but has not found it yet is still a candidate", async () => {
  // The first worker to find a new queue took its job and refused it while the other, which looks for new queues
  // every second, had not found it yet: the job failed at once, refused by one worker of two.
  await using redis = await startRedis();
  const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
  try {
    const workers = [
      entry(1, { queues: ["cpu"], wants: null }),
      entry(2, { queues: [], wants: null }),
      entry(3, { queues: [], wants: ["providers"] }),
      // An older worker's entry (no `wants`): only what it works now counts.
      entry(4, { queues: [] }),
    ];
    for (const worker of workers) {
      await client.set(`${WORKER_KEY_PREFIX}h:${worker.pid}`, JSON.stringify(worker), "PX", 60_000);
    }
    const refusal = { queue: "cpu", job: "j1", attempt: "1", reason: "another ffmpeg" };
    const first = await recordRefusal(client, { ...refusal, worker: "h:1" });
    assert.deepEqual(first, { handBack: true, candidates: ["h:2"] });
    const second = await recordRefusal(client, { ...refusal, worker: "h:2" });
    assert.deepEqual(second, { handBack: false, others: [{ worker: "h:1", reason: "another ffmpeg" }] });
  } finally {
    client.disconnect();
  }
});

Deno.test("recordRefusal(): a worker that refused a job for a reason another job shares is not waited for by it", async () => {
  // fi13: both workers refused every job (its store outside their folders); each took back jobs it had refused
  // while the other stepped back, and the render waited for good.
  await using redis = await startRedis();
  const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
  try {
    for (const pid of [1, 2]) {
      const worker = entry(pid, { queues: ["cpu"], wants: null });
      await client.set(`${WORKER_KEY_PREFIX}h:${pid}`, JSON.stringify(worker), "PX", 60_000);
    }
    const outside = { queue: "cpu", attempt: "1", reason: "its store /s is outside", sameFor: "store /s" };
    assert.deepEqual(await recordRefusal(client, { ...outside, job: "j1", worker: "h:2" }), {
      handBack: true,
      candidates: ["h:1"],
    });
    // Job j2 of the same store, refused by h:1: h:2 refused j1 for that store, so it refuses j2 too.
    assert.deepEqual(await recordRefusal(client, { ...outside, job: "j2", worker: "h:1" }), {
      handBack: false,
      // Said as another job's reason.
      others: [{ worker: "h:2", reason: "a job like it: its store /s is outside" }],
    });
    // A reason of the job's own (none shared) still waits for the other worker.
    const own = { queue: "cpu", attempt: "1", reason: "its own", job: "j3", worker: "h:1" };
    assert.deepEqual(await recordRefusal(client, own), { handBack: true, candidates: ["h:2"] });
  } finally {
    client.disconnect();
  }
});
