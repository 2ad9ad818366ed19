/**
 * waitForJob(): a cancel that comes while the job is still being queued (Redis not answered yet) rejects the wait
 * with the cancel's reason and leaves no unhandled rejection behind (which once killed a coordinator on Ctrl-C
 * with exit code 1 instead of 130); nothing is queued after the cancel, and a job whose add lands after the
 * cancel looked for it is removed once it is there. A job handed to a second worker (its first died) is told of.
 * While Redis holds the commands (it is away), a cancel or the coordinator giving up on Redis ends the wait at once
 * (before: it waited for the job to be queued, forever); given up on, the job is left alone, not cancelled.
 */
import assert from "node:assert/strict";
import type { JobListener, QueueHandles } from "../../../lib/cluster/_coordinator_queues.ts";
import { waitForJob } from "../../../lib/cluster/_job_wait.ts";
import { type ClusterJob, jobIdOf } from "../../../lib/cluster/cluster_job.ts";
import { StepAttemptError } from "../../../lib/core/executor.ts";
import { testClusterJob } from "../../_support/cluster_job_fixture.ts";

/** A Redis connected, never given up on. */
const REDIS_UP = { connected: true, unreachable: new AbortController().signal };

const data = testClusterJob();

/**
 * Waits on a job through a fake queue whose calls cancel `signal` midway: the wait must reject with the cancel's
 * reason, warn of nothing, and the work it leaves behind (removing the job) must end.
 */
async function assertCancelled(queue: object, signal: AbortSignal): Promise<void> {
  const handles = { queue, watch: () => () => {} } as unknown as QueueHandles;
  const tracked: Promise<void>[] = [];
  await assert.rejects(
    waitForJob(handles, data, { signal }, {
      store: { peek: () => Promise.resolve(null) },
      checkMs: 60_000,
      onWarning: (message) => assert.fail(message),
      track: (work) => void tracked.push(work),
      redis: REDIS_UP,
    }),
    (error: unknown) => error instanceof DOMException && error.message === "Interrupted",
  );
  await Promise.all(tracked);
}

Deno.test("waitForJob: a cancel while the job is being queued rejects with its reason, unhandled nowhere", async () => {
  const controller = new AbortController();
  const added: string[] = [];
  let lookups = 0;
  const queue = {
    // The first lookup answers one macrotask after the cancel, as a slow Redis would; a later one at once.
    getJob: () => {
      lookups++;
      if (lookups > 1) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        controller.abort(new DOMException("Interrupted", "AbortError"));
        setTimeout(() => resolve(undefined), 0);
      });
    },
    add: (name: string) => {
      added.push(name);
      return Promise.resolve();
    },
  };
  await assertCancelled(queue, controller.signal);
  assert.deepEqual(added, []);
});

Deno.test("waitForJob: a job whose add lands after the cancel looked for it is removed once it is there", async () => {
  const controller = new AbortController();
  const redis: { queued: { data: ClusterJob; removed: boolean } | null } = { queued: null };
  const queue = {
    getJob: () =>
      Promise.resolve(
        redis.queued === null ? undefined : {
          data: redis.queued.data,
          getState: () => Promise.resolve("waiting"),
          remove: () => {
            redis.queued!.removed = true;
            return Promise.resolve();
          },
        },
      ),
    // The cancel comes while the add is on its way: its own lookup finds nothing yet.
    add: (_name: string, job: ClusterJob) =>
      new Promise<void>((resolve) => {
        controller.abort(new DOMException("Interrupted", "AbortError"));
        setTimeout(() => {
          redis.queued = { data: job, removed: false };
          resolve();
        }, 0);
      }),
  };
  await assertCancelled(queue, controller.signal);
  assert.equal(redis.queued?.removed, true);
});

Deno.test("waitForJob: a second worker starting the attempt (the first died mid-step) is told, and the step ends there", async () => {
  const wait = drivenWait();
  await wait.queued;
  wait.listener().progress({ type: "started", attempt: data.attempt, worker: "h:1:1" });
  wait.listener().progress({ type: "started", attempt: data.attempt, worker: "h:2:1" });
  wait.listener().completed({ ok: true, attempt: data.attempt, worker: "h:2:1" });
  assert.equal((await wait.waited).worker, "h:2:1");
  await Promise.all(wait.tracked);
  assert.deepEqual(wait.told, ["start h:1:1", "loading", "start h:2:1", "loading"]);
  assert.deepEqual(wait.warnings, [
    'Step "v/s1/image" moved from worker h:1:1 to h:2:1: the first stopped or lost the job',
  ]);
});

/** Rejects with the wait's error, or fails unless it has settled within `ms` (the test's bound). */
async function settledWithin(wait: Promise<unknown>, ms: number): Promise<unknown> {
  const deadline = AbortSignal.timeout(ms);
  const { promise, resolve } = Promise.withResolvers<unknown>();
  const late = () => resolve(new Error(`The wait had not settled ${ms} ms later`));
  deadline.addEventListener("abort", late);
  try {
    await Promise.race([wait, promise]);
  } catch (error) {
    return error;
  } finally {
    deadline.removeEventListener("abort", late);
  }
  return await promise;
}

/** A queue whose Redis is away: each lookup is held (as ioredis holds commands), never answered. */
function heldQueue(): { queue: object; lookups: () => number } {
  let lookups = 0;
  return {
    queue: {
      getJob: () => {
        lookups++;
        return new Promise(() => {});
      },
    },
    lookups: () => lookups,
  };
}

for (const ending of ["a cancel", "Redis given up on"] as const) {
  Deno.test(`waitForJob: ${ending} while Redis holds the queueing's lookup ends the wait at once`, async () => {
    const { queue, lookups } = heldQueue();
    const handles = { queue, watch: () => () => {} } as unknown as QueueHandles;
    const cancel = new AbortController();
    const giveUp = new AbortController();
    const warnings: string[] = [];
    const cancels: string[] = [];
    const waited = waitForJob(handles, data, { signal: cancel.signal }, {
      store: { peek: () => Promise.resolve(null) },
      checkMs: 60_000,
      onWarning: (message) => void warnings.push(message),
      track: (_work, options) => void (options?.cancels === undefined ? null : cancels.push(options.cancels)),
      redis: { connected: false, unreachable: giveUp.signal },
    });
    const interrupted = new DOMException("Interrupted", "AbortError");
    const gaveUp = new StepAttemptError({
      name: "RedisUnreachable",
      message: "Cannot reach Redis",
      retryable: false,
      status: null,
      retryAfterMs: null,
      provider: null,
    }, "cluster");
    if (ending === "a cancel") cancel.abort(interrupted);
    else giveUp.abort(gaveUp);
    assert.equal(await settledWithin(waited, 5000), ending === "a cancel" ? interrupted : gaveUp);
    // A cancel tries to reach the job (kept for the executor's close, which says it could not); a wait given up on
    // leaves it alone: only the queueing's lookup was sent.
    assert.deepEqual(cancels, ending === "a cancel" ? [data.task.id] : []);
    assert.equal(lookups(), ending === "a cancel" ? 2 : 1);
    assert.deepEqual(warnings, []);
  });
}

/** The handles of a fake queue, and the listener a wait gave them (once it watches its job). */
function watched(queue: object): { handles: QueueHandles; listener: () => JobListener } {
  let listener!: JobListener;
  const handles = {
    queue,
    watch: (_id: string, heard: JobListener) => {
      listener = heard;
      return () => {};
    },
  } as unknown as QueueHandles;
  return { handles, listener: () => listener };
}

/**
 * A fake queue whose listener and state answers the test drives; what the wait told its caller, in order, its
 * warnings and the work it left running.
 */
function drivenWait(options: { inRedis?: boolean; checkMs?: number } = {}) {
  let added!: () => void;
  const queued = new Promise<void>((resolve) => added = resolve);
  let stateAsked!: () => void;
  const asked = new Promise<void>((resolve) => stateAsked = resolve);
  let answerState!: (state: string) => void;
  let inRedis = false;
  const queue = {
    getJob: () =>
      Promise.resolve(
        inRedis && options.inRedis === true
          ? {
            data,
            getState: () => {
              stateAsked();
              return new Promise<string>((resolve) => answerState = resolve);
            },
          }
          : undefined,
      ),
    add: () => {
      inRedis = true;
      added();
      return Promise.resolve();
    },
  };
  const { handles, listener } = watched(queue);
  const told: string[] = [];
  const warnings: string[] = [];
  const tracked: Promise<void>[] = [];
  const waited = waitForJob(handles, data, {
    signal: new AbortController().signal,
    onStart: (worker) => void told.push(`start ${worker}`),
    onLoading: () => void told.push("loading"),
    onRunning: () => void told.push("running"),
    onWait: () => void told.push("wait"),
  }, {
    store: { peek: () => Promise.resolve(null) },
    checkMs: options.checkMs ?? 60_000,
    onWarning: (message) => void warnings.push(message),
    track: (work) => void tracked.push(work),
    redis: REDIS_UP,
  });
  return {
    queued,
    asked,
    told,
    warnings,
    tracked,
    waited,
    listener,
    answerState: (state: string) => answerState(state),
  };
}

Deno.test("waitForJob: a job that waits again (its worker died) is told, and a start by the same worker after it too", async () => {
  const wait = drivenWait();
  await wait.queued;
  wait.listener().progress({ type: "started", attempt: "a", worker: "h:1:1" });
  wait.listener().stalled();
  // The same worker (it lost Redis and came back) takes it again: the step's time starts again (rv11: before, no
  // second start was told, and the step ran with no timeout).
  wait.listener().progress({ type: "started", attempt: "a", worker: "h:1:1" });
  wait.listener().completed({ ok: true, attempt: "a", worker: "h:1:1" });
  await wait.waited;
  assert.deepEqual(wait.told, ["start h:1:1", "loading", "wait", "start h:1:1", "loading"]);
});

Deno.test("waitForJob: a worker's word that the step's code runs starts its time; an adopted job's last word too", async () => {
  // Before: the step's timeout counted its worker's load of its kind's code (a fresh worker importing a workflow).
  const wait = drivenWait();
  await wait.queued;
  wait.listener().progress({ type: "started", attempt: "a", worker: "h:1:1" });
  wait.listener().progress({ type: "running", attempt: "a", worker: "h:1:1" });
  wait.listener().completed({ ok: true, attempt: "a", worker: "h:1:1" });
  await wait.waited;
  assert.deepEqual(wait.told, ["start h:1:1", "loading", "running"]);
  // A render that finds the job already running (it adopts it) reads its last word only: who started it, and that
  // its code runs.
  const adopted = drivenWait();
  await adopted.queued;
  adopted.listener().progress({ type: "running", attempt: "a", worker: "h:2:1" });
  adopted.listener().completed({ ok: true, attempt: "a", worker: "h:2:1" });
  await adopted.waited;
  assert.deepEqual(adopted.told, ["start h:2:1", "loading", "running"]);
  // Adopted at its progress, its code runs: its time is its own from there (the review: it ran under the load's).
  const progressed = drivenWait();
  await progressed.queued;
  progressed.listener().progress({ type: "progress", attempt: "a", worker: "h:3:1", fraction: 0.5 });
  progressed.listener().completed({ ok: true, attempt: "a", worker: "h:3:1" });
  await progressed.waited;
  assert.deepEqual(progressed.told, ["start h:3:1", "loading", "running"]);
});

Deno.test("waitForJob: a check's 'waiting' read before a worker's start does not stop that worker's time", async () => {
  const wait = drivenWait({ inRedis: true, checkMs: 5 });
  await wait.queued;
  wait.listener().progress({ type: "started", attempt: "a", worker: "h:1:1" });
  wait.listener().stalled();
  // A check asks Redis for the job's state; before its answer ("waiting") arrives, another worker takes the job.
  await wait.asked;
  wait.listener().progress({ type: "started", attempt: "a", worker: "h:2:1" });
  wait.answerState("waiting");
  await Promise.resolve();
  wait.listener().completed({ ok: true, attempt: "a", worker: "h:2:1" });
  await wait.waited;
  assert.deepEqual(wait.told, ["start h:1:1", "loading", "wait", "start h:2:1", "loading"]);
});

Deno.test("waitForJob: a started job still active whose lock expired (its worker died, none alive to hand it on) waits again: its time stops", async () => {
  // Before: only a live worker's stalled-job check moves such a job, so with none alive its step's time ran on and
  // it failed, "timed out", while it waited for a worker to start (rb).
  const told: string[] = [];
  let lock: string | null = "token";
  let checkedAfterStart!: () => void;
  const checked = new Promise<void>((resolve) => checkedAfterStart = resolve);
  let waitTold!: () => void;
  const waited = new Promise<void>((resolve) => waitTold = resolve);
  let checksGone = 0;
  let notTold!: (error: Error) => void;
  const untold = new Promise<never>((_, reject) => notTold = reject);
  const queue = {
    // The job is in Redis, active: the wait adopts it.
    getJob: () => {
      // Five checks after the lock went without telling the wait fail the test (the old code never looked).
      if (told.length > 0) checkedAfterStart();
      if (lock === null && ++checksGone === 5 && !told.includes("wait")) notTold(new Error("never told"));
      return Promise.resolve({ data, getState: () => Promise.resolve("active") });
    },
    toKey: (type: string) => `bull:cpu:${type}`,
    getBackend: () => ({
      client: Promise.resolve({
        get: (key: string) => {
          assert.equal(key, `bull:cpu:${jobIdOf(data)}:lock`);
          return Promise.resolve(lock);
        },
      }),
    }),
  };
  const { handles, listener } = watched(queue);
  const done = waitForJob(handles, data, {
    signal: new AbortController().signal,
    onStart: (worker) => void told.push(`start ${worker}`),
    onWait: () => {
      told.push("wait");
      waitTold();
    },
  }, {
    store: { peek: () => Promise.resolve(null) },
    checkMs: 5,
    onWarning: () => {},
    track: () => {},
    redis: REDIS_UP,
  });
  listener().progress({ type: "started", attempt: "a", worker: "h:1:1" });
  // A check finds the lock held (a live worker renews it): the step's time runs on.
  await checked;
  lock = null;
  await Promise.race([waited, untold]);
  listener().progress({ type: "started", attempt: "a", worker: "h:2:1" });
  listener().completed({ ok: true, attempt: "a", worker: "h:2:1" });
  await done;
  assert.deepEqual(told, ["start h:1:1", "wait", "start h:2:1"]);
});

Deno.test("waitForJob: a step's warnings come with its own job's outcome, not with another run's finished job it adopts", async () => {
  const said = ["the provider answered an image of 32×32"];
  // Its own job: what its worker's step said comes back with it.
  const own = drivenWait();
  await own.queued;
  own.listener().completed({ ok: true, attempt: "a", worker: "h:1:1", warnings: said });
  assert.deepEqual((await own.waited).result.warnings, said);
  // Another run's job of the same step, finished, its artifact stored: adopted, and its warnings said there only.
  const finished = {
    data: { ...data, attempt: "theirs" },
    returnvalue: { ok: true, attempt: "theirs", worker: "h:2:1", warnings: said },
    getState: () => Promise.resolve("completed"),
    remove: () => Promise.resolve(),
  };
  const { handles } = watched({ getJob: () => Promise.resolve(finished) });
  const adopted = await waitForJob(handles, data, { signal: new AbortController().signal }, {
    store: { peek: (key) => Promise.resolve({ key, path: null, value: null, children: [] }) },
    checkMs: 60_000,
    onWarning: (message) => assert.fail(message),
    track: () => {},
    redis: REDIS_UP,
  });
  assert.equal(adopted.stored, true);
  assert.equal(adopted.result.warnings, undefined);
});
