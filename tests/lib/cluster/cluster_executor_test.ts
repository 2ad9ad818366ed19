/**
 * ClusterExecutor with two stores on one Redis: a job left behind by a render to one store (its coordinator
 * cancelled while a worker ran it, so it stays completed in Redis) is not adopted by a render of the same step to
 * another store, whose artifact it never wrote; the step runs again, for that store. And a render whose steps are
 * queued while no worker listens on the Redis is told so, once; with a worker's heartbeat there, it is not. A render
 * whose steps wait in a queue that the live workers' `--queues` leave out is told so, naming the queue, and told
 * again once a worker for it appears (before: told nothing, it waited in silence). After a Redis restart, no worker is
 * said to be missing until the workers have had time to write their entries again.
 */
import assert from "node:assert/strict";
import { type Job, QueueEvents, Worker } from "bullmq";
import type { WorkerInfo } from "../../../lib/cluster/_worker_heartbeat.ts";
import type { QueueProvider } from "../../../lib/cluster/_coordinator_queues.ts";
import { ClusterExecutor } from "../../../lib/cluster/cluster_executor.ts";
import {
  CLUSTER_PREFIX,
  type ClusterJob,
  CPU_QUEUE,
  isClusterJob,
  type JobOutcome,
  providerQueue,
  queuePauseMs,
  STEPS_QUEUE,
  WORKER_KEY_PREFIX,
} from "../../../lib/cluster/cluster_job.ts";
import { openRedis, redisOptions } from "../../../lib/cluster/redis_connection.ts";
import { bareTask } from "../../_support/bare_task.ts";
import { startRedis, type TestRedis, watchCommands } from "../../_support/redis_server.ts";

/** An executor whose store holds nothing, unless `holds` says it holds every key asked for. */
function openExecutor(
  redis: TestRedis,
  storeLocation: string,
  onWarning: (message: string) => void,
  providers: QueueProvider[] = [],
  holds: () => boolean = () => false,
): Promise<ClusterExecutor> {
  return ClusterExecutor.open({
    redis: redis.target,
    store: {
      peek: (key) =>
        Promise.resolve(holds() ? { key, path: `/stores/${key}`, value: null, children: [] } : null),
    },
    storeLocation,
    providers,
    checkMs: 60_000,
    onWarning,
  });
}

/**
 * Writes a worker's heartbeat entry, as a live `deno task worker` keeps it, for a minute: an older worker's (no
 * `wants`, working the steps queue) unless `wants` is given.
 */
async function plantHeartbeat(redis: TestRedis, worker: Partial<WorkerInfo> = {}): Promise<void> {
  const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
  try {
    await client.connect();
    const entry: WorkerInfo = {
      host: "h",
      pid: 1,
      concurrency: 1,
      cpu: 1,
      queues: [STEPS_QUEUE],
      running: [],
      heartbeat: Date.now(),
      started: Date.now(),
      ...worker,
    };
    await client.set(`${WORKER_KEY_PREFIX}h:${entry.pid}`, JSON.stringify(entry), "PX", 60_000);
  } finally {
    client.disconnect();
  }
}

Deno.test("ClusterExecutor: a render to another store runs the step for its store, not adopting a job of the first store", async () => {
  await using redis = await startRedis();
  await plantHeartbeat(redis);
  const connection = { connection: redisOptions(redis.target), prefix: CLUSTER_PREFIX };
  const onWarning = (message: string) => assert.fail(message);
  const first = await openExecutor(redis, "/stores/a", onWarning);
  const second = await openExecutor(redis, "/stores/b", onWarning);
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

Deno.test("ClusterExecutor: a step that must run now (--force), or whose artifact left the store, runs, not adopting an earlier run's finished job", async () => {
  // Before: a render with --force took the job a cancelled render left completed in Redis, "done (0.0s)", never run.
  await using redis = await startRedis();
  await plantHeartbeat(redis);
  const connection = { connection: redisOptions(redis.target), prefix: CLUSTER_PREFIX };
  const onWarning = (message: string) => assert.fail(message);
  const earlier = await openExecutor(redis, "/stores/a", onWarning);
  let stored = true;
  const later = await openExecutor(redis, "/stores/a", onWarning, [], () => stored);
  let runs = 0;
  let taken!: () => void;
  const firstTaken = new Promise<void>((resolve) => taken = resolve);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);
  const worker = new Worker(STEPS_QUEUE, async (job: Job): Promise<JobOutcome> => {
    runs++;
    if (runs === 1) {
      taken();
      await finished;
    }
    return { ok: true, attempt: (job.data as ClusterJob).attempt, worker: "h:1:1" };
  }, connection);
  const events = new QueueEvents(STEPS_QUEUE, connection);
  try {
    await events.waitUntilReady();
    const task = { ...bareTask("image", "/tmp"), key: "f".repeat(64) };
    const cancel = new AbortController();
    const cancelled = earlier.execute(task, { signal: cancel.signal });
    await firstTaken;
    cancel.abort(new DOMException("Interrupted", "AbortError"));
    await assert.rejects(cancelled, (error: unknown) => error instanceof DOMException);
    const completed = new Promise<void>((resolve) => events.on("completed", () => resolve()));
    finish();
    await completed;
    // Without --force, the finished job is taken: its artifact is stored. With it, the step runs again.
    await later.execute(task, { signal: new AbortController().signal });
    assert.equal(runs, 1);
    await later.execute(task, { signal: new AbortController().signal, fresh: true });
    assert.equal(runs, 2);
    // Its artifact gone (`cache gc`, a store cleared by hand) while Redis keeps the job a day: made again. Before,
    // the job was taken and the render failed once, "the store lacks it" (cl).
    stored = false;
    await later.execute(task, { signal: new AbortController().signal });
    assert.equal(runs, 3);
  } finally {
    await worker.close();
    await events.close();
    await earlier.close();
    await later.close();
  }
});

Deno.test("ClusterExecutor: a provider's job carries its maxRetryAfter, the longest pause a 429 puts on its queue", async () => {
  // Before: a worker paused the queue for the server's whole wait (an hour for a spent quota), holding every
  // render's jobs of that provider that long, though each coordinator stops the provider past maxRetryAfter.
  await using redis = await startRedis();
  await plantHeartbeat(redis, { queues: [providerQueue("img")] });
  const connection = { connection: redisOptions(redis.target), prefix: CLUSTER_PREFIX };
  const provider = {
    name: "img",
    concurrency: 1,
    rate: { requests: null, tokens: null, per: 60_000, burst: 1 },
    maxRetryAfter: 7000,
  };
  const executor = await openExecutor(redis, "/stores/a", (message) => assert.fail(message), [provider]);
  const jobs: unknown[] = [];
  const worker = new Worker(providerQueue("img"), (job: Job): Promise<JobOutcome> => {
    jobs.push(job.data);
    return Promise.resolve({ ok: true, attempt: (job.data as ClusterJob).attempt, worker: "h:1:1" });
  }, connection);
  try {
    const task = { ...bareTask("image", "/tmp"), key: "c".repeat(64), provider: "img" };
    await executor.execute(task, { signal: new AbortController().signal });
    const [data] = jobs;
    assert.ok(isClusterJob(data), JSON.stringify(data));
    assert.equal(data.maxRetryAfter, 7000);
    assert.equal(queuePauseMs({ retryAfterMs: 3_600_000 }, data), 7000);
    assert.equal(queuePauseMs({ retryAfterMs: 2000 }, data), 2000);
  } finally {
    await worker.close();
    await executor.close();
  }
});

/**
 * Queues one step on a fresh executor, cancels it once its job is waiting in Redis, and returns what the render
 * heard (closing the executor waits for its look for workers).
 */
async function noticesOfOneStep(redis: TestRedis): Promise<string[]> {
  const notices: string[] = [];
  const connection = { connection: redisOptions(redis.target), prefix: CLUSTER_PREFIX };
  const events = new QueueEvents(STEPS_QUEUE, connection);
  const executor = await openExecutor(redis, "/stores/a", (message) => void notices.push(message));
  try {
    await events.waitUntilReady();
    const queued = new Promise((resolve) => events.on("waiting", resolve));
    const cancel = new AbortController();
    const waiting = executor.execute({ ...bareTask("image", "/tmp"), key: "d".repeat(64) }, {
      signal: cancel.signal,
    });
    await queued;
    cancel.abort(new DOMException("Interrupted", "AbortError"));
    await assert.rejects(waiting, (error: unknown) => error instanceof DOMException);
  } finally {
    await executor.close();
    await events.close();
  }
  return notices;
}

Deno.test("ClusterExecutor tells the render once when its steps are queued and no worker listens", async () => {
  await using redis = await startRedis();
  assert.deepEqual(await noticesOfOneStep(redis), [
    `No reel worker is listening on ${redis.url}: the steps wait in its queues until one starts ` +
    "(`deno task worker`, see README, Running a cluster)",
  ]);
});

Deno.test("ClusterExecutor says nothing of workers when a worker's heartbeat is in Redis", async () => {
  await using redis = await startRedis();
  await plantHeartbeat(redis);
  assert.deepEqual(await noticesOfOneStep(redis), []);
});

/**
 * An executor on `redis` whose notices a test waits for one by one: `next()` resolves at the next notice, and fails
 * the test after 30 s instead of hanging it.
 */
async function noticeWatch(redis: TestRedis) {
  const notices: string[] = [];
  let heard = Promise.withResolvers<void>();
  const executor = await openExecutor(redis, "/stores/a", (message) => {
    notices.push(message);
    heard.resolve();
  });
  const deadline = AbortSignal.timeout(30_000);
  const next = async () => {
    const { promise, reject } = Promise.withResolvers<never>();
    const fail = () => reject(new Error(`No notice after ${notices.length}: ${notices.join(" | ")}`));
    deadline.addEventListener("abort", fail);
    try {
      await Promise.race([heard.promise, promise]);
    } finally {
      deadline.removeEventListener("abort", fail);
      heard = Promise.withResolvers<void>();
    }
  };
  return { executor, notices, next };
}

/** What the render is told of queue "cpu" when its workers' `--queues` leave it out. */
function unservedCpu(redis: TestRedis): string {
  return `No live reel worker on ${redis.url} takes queue "cpu" (the 1 worker there takes steps): its steps wait ` +
    "until one does (`deno task worker --queues cpu`, or no --queues for every queue; see README, Running a " +
    "cluster)";
}

/** Queues a CPU step on `executor` until `cancel` aborts; the execution settles with the abort. */
function queueCpuStep(executor: Awaited<ReturnType<typeof openExecutor>>, cancel: AbortController) {
  const waiting = executor.execute({ ...bareTask("image", "/tmp"), key: "c".repeat(64), cpu: true }, {
    signal: cancel.signal,
  });
  return async () => {
    cancel.abort(new DOMException("Interrupted", "AbortError"));
    await assert.rejects(waiting, (error: unknown) => error instanceof DOMException);
  };
}

Deno.test("ClusterExecutor names the queue no live worker takes, keeps waiting, and says when a worker for it appears", async () => {
  await using redis = await startRedis();
  await plantHeartbeat(redis, { queues: [STEPS_QUEUE], wants: [STEPS_QUEUE] });
  const { executor, notices, next } = await noticeWatch(redis);
  try {
    const stop = queueCpuStep(executor, new AbortController());
    await next();
    assert.deepEqual(notices, [unservedCpu(redis)]);
    await plantHeartbeat(redis, { pid: 2, queues: [], wants: [CPU_QUEUE] });
    await next();
    assert.deepEqual(notices.slice(1), ['Queue "cpu" has a reel worker now (h:2): its steps run']);
    await stop();
  } finally {
    await executor.close();
  }
  assert.equal(notices.length, 2, notices.join(" | "));
});

Deno.test("ClusterExecutor with no worker at first still names the queue the first workers leave out, and looks again after a failed look", async () => {
  await using redis = await startRedis();
  const { executor, notices, next } = await noticeWatch(redis);
  try {
    const stop = queueCpuStep(executor, new AbortController());
    await next();
    assert.match(notices[0]!, /^No reel worker is listening on /);
    // Before: queue "cpu" counted as told by the first notice, and a worker that leaves it out was never named.
    await plantHeartbeat(redis, { queues: [STEPS_QUEUE], wants: [STEPS_QUEUE] });
    await next();
    assert.deepEqual(notices.slice(1), [unservedCpu(redis)]);
    // A worker entry that cannot be read fails a look: told, and the next heartbeat looks again (before, the
    // watch ended there, and the worker for "cpu" below went untold).
    const client = openRedis(redis.target, { onError: (error) => assert.fail(error) });
    await client.connect();
    await client.set(`${WORKER_KEY_PREFIX}h:9`, "{not json", "PX", 60_000);
    await next();
    assert.match(notices[2]!, /^Cannot look for workers on /);
    await client.del(`${WORKER_KEY_PREFIX}h:9`);
    client.disconnect();
    await plantHeartbeat(redis, { pid: 2, queues: [], wants: [CPU_QUEUE] });
    await next();
    assert.deepEqual(notices.slice(3), ['Queue "cpu" has a reel worker now (h:2): its steps run']);
    await stop();
  } finally {
    await executor.close();
  }
  assert.equal(notices.length, 4, notices.join(" | "));
});

/** Resolves once the coordinator has looked for workers `count` times from now (seen by MONITOR). */
async function looksForWorkers(redis: TestRedis, count: number): Promise<void> {
  let seen = 0;
  await watchCommands(
    redis,
    (args) => args[0]?.toLowerCase() === "scan" && args.includes(`${WORKER_KEY_PREFIX}*`) && ++seen === count,
  );
}

Deno.test("ClusterExecutor does not say that no worker listens while the workers write their entries again after a Redis restart", async () => {
  await using redis = await startRedis();
  await plantHeartbeat(redis);
  const { executor, notices, next } = await noticeWatch(redis);
  const noWorker = (notice: string) => notice.startsWith("No reel worker is listening on ");
  try {
    const cancel = new AbortController();
    const waiting = executor.execute({ ...bareTask("image", "/tmp"), key: "e".repeat(64) }, {
      signal: cancel.signal,
    });
    // Redis comes back empty: the worker's entry is gone until it writes it again, within a second and a beat.
    await redis.restart();
    await looksForWorkers(redis, 2);
    // Before: the first look after the restart told the render that no worker listens.
    assert.deepEqual(notices.filter(noWorker), []);
    // Once the workers had their time, a Redis still without one is told.
    while (!notices.some(noWorker)) await next();
    cancel.abort(new DOMException("Interrupted", "AbortError"));
    await assert.rejects(waiting, (error: unknown) => error instanceof DOMException);
  } finally {
    await executor.close();
  }
});
