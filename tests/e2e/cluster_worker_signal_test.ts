/**
 * One SIGTERM ends a cluster worker promptly whatever its Redis does: with Redis up it lets its running steps finish
 * and leaves (exit 130); with Redis gone, before the signal or while the worker waits for its steps, it cannot hand
 * its jobs back, so it stops them here and exits at once with code 1, saying so in one line (before: it waited
 * forever for Redis, and only a second SIGTERM ended it).
 */
import assert from "node:assert/strict";
import { jsonEvents } from "../_support/cli.ts";
import {
  spawnClusterRender,
  startWorkers,
  type TestWorker,
  WAITING_STEP_WORKFLOW,
} from "../_support/cluster_workers.ts";
import { startRedis, type TestRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const GAVE_UP =
  /: stopped without reaching Redis at redis:\/\/127\.0\.0\.1:\d+: 1 running job stopped here, left for other workers once Redis is back$/;

/** The worker's exit status, or a failure showing its log when it has not exited within `ms` (the test's bound). */
async function exitWithin(worker: TestWorker, ms: number): Promise<Deno.CommandStatus> {
  const deadline = AbortSignal.timeout(ms);
  const { promise, reject } = Promise.withResolvers<never>();
  const fail = () =>
    reject(new Error(`The worker had not exited ${ms} ms after SIGTERM:\n${worker.lines.join("\n")}`));
  deadline.addEventListener("abort", fail);
  try {
    return await Promise.race([worker.exited, promise]);
  } finally {
    deadline.removeEventListener("abort", fail);
  }
}

/**
 * A worker running a step that runs until it is stopped, for a render in a child process (killed at the end): `test`
 * gets them once the step has started on the worker.
 */
async function withRunningStep(test: (worker: TestWorker, redis: TestRedis) => Promise<void>): Promise<void> {
  const file = await writeWorkflowFile(WAITING_STEP_WORKFLOW);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await using redis = await startRedis();
  await using workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
  const render = spawnClusterRender(file, { redis: redis.url, stderr: "null" });
  try {
    for await (const event of jsonEvents(render.stdout)) {
      if (event.type === "step:started" && event.step === "wait") break;
    }
    await test(workers[0]!, redis);
  } finally {
    render.kill("SIGKILL");
    await render.status;
  }
}

Deno.test("one SIGTERM ends a cluster worker whose Redis is gone: its running step stopped, exit 1, one line", async () => {
  await withRunningStep(async (worker, redis) => {
    await redis.stop();
    await worker.line(/Lost Redis at .*ECONNREFUSED/);
    void worker.kill("SIGTERM");
    const status = await exitWithin(worker, 10_000);
    assert.equal(status.code, 1, worker.lines.join("\n"));
    // One line says it: no "running steps finish first" that would not come true.
    assert.ok(worker.lines.every((line) => !/stopping/.test(line)), worker.lines.join("\n"));
    assert.match(worker.lines.at(-1)!, GAVE_UP);
  });
});

Deno.test("a cluster worker waiting for its running step after SIGTERM exits at once when Redis goes away", async () => {
  await withRunningStep(async (worker, redis) => {
    void worker.kill("SIGTERM");
    await worker.line(/stopping: running steps finish first/);
    await redis.stop();
    const status = await exitWithin(worker, 10_000);
    assert.equal(status.code, 1, worker.lines.join("\n"));
    assert.match(worker.lines.at(-1)!, GAVE_UP);
  });
});

Deno.test("a second SIGTERM leaves the running steps to other workers, naming them, exit 130", async () => {
  // Before: it exited 130 without a word of the steps it left.
  await withRunningStep(async (worker) => {
    void worker.kill("SIGTERM");
    await worker.line(/stopping: running steps finish first/);
    void worker.kill("SIGTERM");
    const status = await exitWithin(worker, 10_000);
    assert.equal(status.code, 130, worker.lines.join("\n"));
    assert.match(
      worker.lines.at(-1)!,
      /: left 1 running step to other workers: wait \(each starts again on one once its lock expires, within 30 s: --lock-ms\)$/,
    );
  });
});

Deno.test("one SIGTERM ends a cluster worker with Redis up: it leaves the cluster, exit 130", async () => {
  await using redis = await startRedis();
  await using workers = await startWorkers(1, { redis: redis.url, allowRoot: Deno.cwd() });
  const worker = workers[0]!;
  void worker.kill("SIGTERM");
  const status = await exitWithin(worker, 10_000);
  assert.equal(status.code, 130, worker.lines.join("\n"));
  assert.match(worker.lines.at(-1)!, /: stopped$/);
});

Deno.test("a cluster worker says once that it lost Redis, not a line per reconnect attempt of each connection", async () => {
  await withRunningStep(async (worker, redis) => {
    const port = Number(new URL(redis.url).port);
    await redis.stop();
    await worker.line(/Lost Redis at .*; no job is taken until it is back/);
    // Redis's port answers and hangs up at once from here: every reconnect attempt of every connection is counted.
    // Before: 52 lines in 9 s ("Queue steps: connect ECONNREFUSED …", "Redis: …", one per attempt).
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    for (let attempts = 0; attempts < 12; attempts++) (await listener.accept()).close();
    listener.close();
    // A connection that saw Redis go before the worker's own client did may have said so once, before the loss.
    const lost = worker.lines.findIndex((line) => /Lost Redis/.test(line));
    const after = worker.lines.slice(lost + 1).filter((line) =>
      /ECONN|Connection is closed|Lost Redis/.test(line)
    );
    assert.deepEqual(after, [], worker.lines.join("\n"));
  });
});
