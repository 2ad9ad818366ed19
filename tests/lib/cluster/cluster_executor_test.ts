/**
 * ClusterExecutor with two stores on one Redis: a job left behind by a render to one store (its coordinator
 * cancelled while a worker ran it, so it stays completed in Redis) is not adopted by a render of the same step to
 * another store, whose artifact it never wrote; the step runs again, for that store.
 */
import assert from "node:assert/strict";
import { type Job, QueueEvents, Worker } from "bullmq";
import { ClusterExecutor } from "../../../lib/cluster/cluster_executor.ts";
import {
  CLUSTER_PREFIX,
  type ClusterJob,
  type JobOutcome,
  STEPS_QUEUE,
} from "../../../lib/cluster/cluster_job.ts";
import { redisOptions } from "../../../lib/cluster/redis_connection.ts";
import { bareTask } from "../../_support/bare_task.ts";
import { startRedis } from "../../_support/redis_server.ts";

Deno.test("ClusterExecutor: a render to another store runs the step for its store, not adopting a job of the first store", async () => {
  await using redis = await startRedis();
  const connection = { connection: redisOptions(redis.target), prefix: CLUSTER_PREFIX };
  const onWarning = (message: string) => assert.fail(message);
  const open = (storeLocation: string) =>
    ClusterExecutor.open({
      redis: redis.target,
      store: { peek: () => Promise.resolve(null) },
      storeLocation,
      providers: [],
      checkMs: 60_000,
      onWarning,
    });
  const first = await open("/stores/a");
  const second = await open("/stores/b");
  // A worker that records the store of each job it runs, and holds the first until told to finish it.
  const ran: { id: string; store: string }[] = [];
  let taken!: (id: string) => void;
  const firstTaken = new Promise<string>((resolve) => taken = resolve);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);
  const worker = new Worker(STEPS_QUEUE, async (job: Job): Promise<JobOutcome> => {
    const data = job.data as ClusterJob;
    ran.push({ id: job.id!, store: data.store });
    if (ran.length === 1) {
      taken(job.id!);
      await finished;
    }
    return { ok: true, attempt: data.attempt, worker: "h:1:1" };
  }, connection);
  const events = new QueueEvents(STEPS_QUEUE, connection);
  try {
    await events.waitUntilReady();
    const task = { ...bareTask("image", "/tmp"), key: "e".repeat(64) };
    const cancel = new AbortController();
    const cancelled = first.execute(task, { signal: cancel.signal });
    const id = await firstTaken;
    cancel.abort(new DOMException("Interrupted", "AbortError"));
    await assert.rejects(cancelled, (error: unknown) => error instanceof DOMException);
    // The worker finishes the first store's job after its coordinator left: it stays in Redis, completed.
    const completed = new Promise<void>((resolve) =>
      events.on("completed", ({ jobId }) => jobId === id && resolve())
    );
    finish();
    await completed;
    const execution = await second.execute(task, { signal: new AbortController().signal });
    assert.equal(execution.stored, true);
    assert.deepEqual(ran.map((job) => job.store), ["/stores/a", "/stores/b"]);
    assert.equal(new Set(ran.map((job) => job.id)).size, 2);
  } finally {
    await worker.close();
    await events.close();
    await first.close();
    await second.close();
  }
});
