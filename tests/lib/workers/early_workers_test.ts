/** Workers the CLI starts before its modules load, and the pool that takes them. */
import assert from "node:assert/strict";
import {
  dropEarlyWorkers,
  startWorkersEarly,
  STEP_WORKER_URL,
  takeEarlyWorker,
} from "../../../lib/workers/early_workers.ts";
import { WorkerPool } from "../../../lib/workers/worker_pool.ts";
import { rendersLocally } from "../../../tasks/render.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { bareTask } from "../../_support/bare_task.ts";

/** A steps module whose kind answers with its worker's name; with `failEarly`, it cannot load in an early worker. */
async function namingWorkerUrl(failEarly: boolean): Promise<URL> {
  const dir = await tempDir();
  const module = `${dir}/name_steps.ts`;
  await Deno.writeTextFile(
    module,
    `${
      failEarly
        ? `if (self.name.startsWith("reel-worker-early")) throw new Error("early start failed");\n`
        : ""
    }` +
      `export const stepKinds = [{ kind: "name", version: 1, blocking: true, ` +
      `run: () => Promise.resolve({ name: self.name }) }];\n`,
  );
  const url = new URL(STEP_WORKER_URL);
  url.searchParams.append("steps", `file://${module}`);
  return url;
}

const nameTask = bareTask("name", "", true);

async function namesOf(pool: WorkerPool, count: number): Promise<string[]> {
  const signal = new AbortController().signal;
  // Blocking steps asked for at once go to as many workers.
  const runs = await Promise.all(Array.from({ length: count }, () => pool.execute(nameTask, { signal })));
  return runs.map((run) => (run.result.value as { name: string }).name).sort();
}

Deno.test("a pool takes the workers started early for its module and starts only those it lacks", async () => {
  const url = await namingWorkerUrl(false);
  startWorkersEarly(1, url);
  // One for another module is not taken.
  startWorkersEarly(1, STEP_WORKER_URL);
  const pool = new WorkerPool({ size: 2, workerUrl: url });
  try {
    assert.deepEqual(await namesOf(pool, 2), ["reel-worker-2", "reel-worker-early-1"]);
    assert.equal(takeEarlyWorker(url), undefined);
  } finally {
    await pool.close();
    dropEarlyWorkers();
  }
  assert.equal(takeEarlyWorker(STEP_WORKER_URL), undefined);
});

Deno.test("a pool smaller than the workers started early leaves the rest, which are dropped", async () => {
  const url = await namingWorkerUrl(false);
  startWorkersEarly(3, url);
  const pool = new WorkerPool({ size: 1, workerUrl: url });
  try {
    assert.deepEqual(await namesOf(pool, 1), ["reel-worker-early-1"]);
    dropEarlyWorkers();
    assert.equal(takeEarlyWorker(url), undefined);
  } finally {
    await pool.close();
  }
});

Deno.test("a worker started early that failed to start is replaced, as a crash", async () => {
  const url = await namingWorkerUrl(true);
  startWorkersEarly(1, url);
  const crashes: string[] = [];
  const pool = new WorkerPool({ size: 1, workerUrl: url, onCrash: (_, error) => crashes.push(error) });
  try {
    assert.deepEqual(await namesOf(pool, 1), ["reel-worker-2"]);
    assert.equal(crashes.length, 1);
    assert.match(crashes[0]!, /early start failed/);
  } finally {
    await pool.close();
    dropEarlyWorkers();
  }
});

Deno.test("the CLI starts workers early for a local render only", () => {
  assert.equal(rendersLocally(["render", "workflows/lesson.ts"]), true);
  assert.equal(rendersLocally(["render", "workflows/lesson.ts", "--out", "build", "--json"]), true);
  for (
    const args of [
      ["render", "workflows/lesson.ts", "--plan"],
      ["render", "workflows/lesson.ts", "--watch"],
      ["render", "workflows/lesson.ts", "--cluster", "redis://127.0.0.1:6379"],
      ["render", "workflows/lesson.ts", "--cluster=redis://127.0.0.1:6379"],
      ["render", "--help"],
      ["plan", "workflows/lesson.ts"],
      ["transcribe", "talk.wav"],
      ["cache", "list"],
    ]
  ) {
    assert.equal(rendersLocally(args), false, args.join(" "));
  }
});
