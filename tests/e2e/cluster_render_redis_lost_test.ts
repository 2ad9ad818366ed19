/**
 * A render on a cluster whose Redis goes away while it waits for its step. One SIGTERM or Ctrl-C ends it within
 * seconds, exit 130, with one line saying Redis could not be reached to cancel the step's job, which stays in its
 * queue (before: it waited forever for Redis to close its queues; only a second signal, a second later, ended it).
 * With no signal it says once that it lost Redis (not a line per reconnect attempt), waits `--redis-timeout`, then
 * fails the step saying why, exit 1 (before: one raw `connect ECONNREFUSED` line, then silence, forever). A Redis that
 * freezes, its connection kept, is lost as well once it has not answered for 5 s (before: the step waited forever).
 */
import assert from "node:assert/strict";
import { jsonEvents } from "../_support/cli.ts";
import {
  spawnClusterRender,
  startWorkers,
  WAITING_STEP_WORKFLOW,
  watchLines,
} from "../_support/cluster_workers.ts";
import { startRedis, type TestRedis } from "../_support/redis_server.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

/** A render in a child process, its stderr lines collected and its JSON events read as they come. */
interface TestRender {
  /** Its stderr lines so far. */
  lines: string[];
  /** Resolves with the first stderr line (past or to come) that matches. */
  line(pattern: RegExp): Promise<string>;
  /** Its JSON events so far. */
  events: { type: string; step?: string; error?: string }[];
  /** Resolves once its step has started on a worker. */
  started: Promise<void>;
  /** Sends it a signal. */
  kill(signal: Deno.Signal): void;
  /** Resolves with its exit status once it has exited and its output is read. */
  exited: Promise<Deno.CommandStatus>;
}

/** Fails with the render's output unless `work` settles within `ms` (the test's bound). */
async function within<T>(render: TestRender, ms: number, work: Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(ms);
  const { promise, reject } = Promise.withResolvers<never>();
  const fail = () => reject(new Error(`Not done within ${ms} ms:\n${render.lines.join("\n")}`));
  deadline.addEventListener("abort", fail);
  try {
    return await Promise.race([work, promise]);
  } finally {
    deadline.removeEventListener("abort", fail);
  }
}

/**
 * Starts a render of a step that runs until it is stopped, on one worker, and hands it to `test` once the step has
 * started on the worker; the render is killed at the end if it is still running.
 */
async function withWaitingRender(
  args: string[],
  test: (render: TestRender, redis: TestRedis) => Promise<void>,
): Promise<void> {
  const file = await writeWorkflowFile(WAITING_STEP_WORKFLOW);
  const dir = file.slice(0, file.lastIndexOf("/"));
  await using redis = await startRedis();
  await using _workers = await startWorkers(1, { redis: redis.url, allowRoot: dir });
  const child = spawnClusterRender(file, { redis: redis.url, args, stderr: "piped" });
  const { lines, line, read: stderr } = watchLines(child.stderr, "render");
  const events: TestRender["events"] = [];
  const { promise: started, resolve: start } = Promise.withResolvers<void>();
  const stdout = (async () => {
    for await (const event of jsonEvents<TestRender["events"][number]>(child.stdout)) {
      events.push(event);
      if (event.type === "step:started" && event.step === "wait") start();
    }
  })();
  const render: TestRender = {
    lines,
    line,
    events,
    started,
    kill: (signal) => child.kill(signal),
    exited: Promise.all([child.status, stderr, stdout]).then(([status]) => status),
  };
  try {
    await within(render, 30_000, started);
    await test(render, redis);
  } finally {
    killIfRunning(child);
    await render.exited;
  }
}

function killIfRunning(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch (error) {
    // It has exited already.
    if (!(error instanceof TypeError)) throw error;
  }
}

const LOST =
  /^reel: Lost Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED .*; the steps on the cluster wait/;
const UNCANCELLED =
  /^reel: Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ to cancel the job of step "wait": it stays in its queue/;

/** No stack trace, and the loss told in one notice at most, not one per reconnect attempt. */
function assertTidy(render: TestRender): void {
  const output = render.lines.join("\n");
  assert.ok(render.lines.every((line) => !/^\s+at /.test(line)), `a stack trace:\n${output}`);
  assert.ok(render.lines.filter((line) => /^reel: .*ECONNREFUSED/.test(line)).length <= 1, output);
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`one ${signal} ends a cluster render whose Redis is gone: exit 130 at once, its job's fate in one line`, async () => {
    await withWaitingRender([], async (render, redis) => {
      await redis.stop();
      // The render has seen Redis go (said as it was before too, so that the old code gets the signal as well).
      await within(
        render,
        15_000,
        render.line(/^reel: .*Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/),
      );
      render.kill(signal);
      const status = await within(render, 10_000, render.exited);
      assert.equal(status.code, 130, render.lines.join("\n"));
      assert.equal(render.lines.filter((line) => LOST.test(line)).length, 1, render.lines.join("\n"));
      assert.equal(render.lines.filter((line) => UNCANCELLED.test(line)).length, 1, render.lines.join("\n"));
      assertTidy(render);
    });
  });
}

Deno.test("one SIGINT ends a cluster render whose Redis answers nothing: exit 130, its job's fate in one line", async () => {
  // Before: a Redis stopped with SIGSTOP kept its connection "ready", the close waited on it for ever, and only a
  // second Ctrl-C ended the render (fi).
  await withWaitingRender([], async (render, redis) => {
    redis.pause();
    render.kill("SIGINT");
    const status = await within(render, 15_000, render.exited);
    assert.equal(status.code, 130, render.lines.join("\n"));
    assert.equal(render.lines.filter((line) => UNCANCELLED.test(line)).length, 1, render.lines.join("\n"));
    assertTidy(render);
  });
});

Deno.test("a cluster render whose Redis stays away says so once, then fails its step after --redis-timeout: exit 1", async () => {
  await withWaitingRender(["--redis-timeout", "2"], async (render, redis) => {
    await redis.stop();
    await within(render, 15_000, render.line(LOST));
    const status = await within(render, 15_000, render.exited);
    assert.equal(status.code, 1, render.lines.join("\n"));
    assert.match(render.lines.find((line) => LOST.test(line))!, /for 2 s at most, then fail$/);
    const failed = render.events.filter((event) => event.type === "step:failed" && event.step === "wait");
    assert.equal(failed.length, 1, JSON.stringify(render.events));
    assert.match(
      failed[0]!.error!,
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED [^)]*\): gave up after 2 s; a job already queued stays in Redis/,
    );
    assertTidy(render);
  });
});

Deno.test("a cluster render whose Redis freezes says so after 5 s, then fails its step after --redis-timeout: exit 1", async () => {
  await withWaitingRender(["--redis-timeout", "2"], async (render, redis) => {
    redis.pause();
    const status = await within(render, 30_000, render.exited);
    assert.equal(status.code, 1, render.lines.join("\n"));
    const silent =
      /^reel: Lost Redis at redis:\/\/127\.0\.0\.1:\d+: it has not answered for 5 s; .*for 2 s at most, then fail$/;
    assert.equal(render.lines.filter((line) => silent.test(line)).length, 1, render.lines.join("\n"));
    const failed = render.events.filter((event) => event.type === "step:failed" && event.step === "wait");
    assert.equal(failed.length, 1, JSON.stringify(render.events));
    assert.match(
      failed[0]!.error!,
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(it has not answered for 5 s\): gave up after 2 s; /,
    );
    assertTidy(render);
  });
});
