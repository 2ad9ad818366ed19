/**
 * waitForJob(): a cancel that comes while the job is still being queued (Redis not answered yet) rejects the wait
 * with the cancel's reason and leaves no unhandled rejection behind (which once killed a coordinator on Ctrl-C
 * with exit code 1 instead of 130); nothing is queued after the cancel, and a job whose add lands after the
 * cancel looked for it is removed once it is there.
 */
import assert from "node:assert/strict";
import type { QueueHandles } from "../../../lib/cluster/_coordinator_queues.ts";
import { waitForJob } from "../../../lib/cluster/_job_wait.ts";
import { type ClusterJob, JOB_FORMAT } from "../../../lib/cluster/cluster_job.ts";

const data: ClusterJob = {
  version: JOB_FORMAT,
  run: "r",
  attempt: "a",
  coordinator: "h:1",
  store: "/store",
  task: {
    id: "v/s1/image",
    kind: "image",
    version: 1,
    key: "b".repeat(64),
    params: null,
    runtime: {},
    engine: null,
    inputIds: [],
    inputs: [],
    output: null,
    blocking: false,
    provider: "api",
    cpu: false,
  },
  modules: {},
};

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
