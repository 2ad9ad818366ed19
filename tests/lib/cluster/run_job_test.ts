/** `runJob`, a cluster worker's side of a job: what it keeps and replaces under `--force`. */
import assert from "node:assert/strict";
import { runJob } from "../../../lib/cluster/_run_job.ts";
import type { StepExecutor } from "../../../lib/core/executor.ts";
import type { CommitInput, StepStore } from "../../../lib/store/step_store.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { testClusterJob } from "../../_support/cluster_job_fixture.ts";

/** Runs a job on worker `h:2` with `store` and `executor`, which must succeed. */
async function runOn(job: ReturnType<typeof testClusterJob>, store: StepStore, executor: StepExecutor) {
  const outcome = await runJob(job, {
    store,
    executor,
    ffmpeg: { ffmpeg: "ffmpeg", ffprobe: "ffprobe" },
    optionalArtifact: true,
    processId: "h:2",
    signal: new AbortController().signal,
    onStart: () => {},
    onRateLimit: () => {},
  });
  assert.ok(outcome.ok, JSON.stringify(outcome));
}

/** Runs a forced job whose provider's answer an earlier attempt kept: what the step saw there, and the commit. */
async function forcedAttempt(askAgain: boolean): Promise<{ seen: string | null; commit: CommitInput }> {
  const dir = await tempDir("reel-run-job-");
  await Deno.mkdir(`${dir}/answers`);
  await Deno.writeTextFile(`${dir}/answers/k`, "paid");
  let seen: string | null = null;
  let commit: CommitInput | null = null;
  const store = {
    lookup: () => Promise.resolve(null),
    scratch: () => Deno.makeTempDir({ dir }),
    discard: () => Promise.resolve(),
    answerPath: () => `${dir}/answers/k`,
    commit: (_key: string, input: CommitInput) => {
      commit = input;
      return Promise.resolve({ key: "k", path: null, value: null, children: [] });
    },
    keepsAnswers: true,
  } as unknown as StepStore;
  const executor: StepExecutor = {
    execute: async (task) => {
      seen = await Deno.readTextFile(task.answerPath!).catch(() => null);
      return { result: { value: null, children: [] }, worker: 1 };
    },
    close: () => Promise.resolve(),
  };
  const job = testClusterJob({
    attempt: "a2",
    store: dir,
    fresh: true,
    ...askAgain ? { askAgain: true } : {},
    task: { id: "v/s1/speech", kind: "speech", key: "k".repeat(64) },
  });

  await runOn(job, store, executor);
  return { seen, commit: commit! };
}

Deno.test("runJob: a forced step's retry uses the answer its first attempt paid for; only the first asks again", async () => {
  // Before (rv12): every attempt of a forced job dropped the kept answer, so a retry paid again.
  const retry = await forcedAttempt(false);
  assert.equal(retry.seen, "paid");
  assert.equal(retry.commit.replace, true, "its result replaces the stored entry");
  const first = await forcedAttempt(true);
  assert.equal(first.seen, null, "the first attempt of a forced step asks the provider again");
});

Deno.test("runJob: an answer kept under the job's answer key stays once stored; one under its own key goes", async () => {
  const dir = await tempDir("reel-run-job-");
  await Deno.mkdir(`${dir}/answers`);
  const store = {
    lookup: () => Promise.resolve(null),
    scratch: () => Deno.makeTempDir({ dir }),
    discard: () => Promise.resolve(),
    answerPath: (key: string) => `${dir}/answers/${key}`,
    commit: () => Promise.resolve({ key: "k", path: null, value: null, children: [] }),
    keepsAnswers: true,
  } as unknown as StepStore;
  const executor: StepExecutor = {
    // The step keeps the answer it paid for where it is told to.
    execute: async (task) => {
      await Deno.writeTextFile(task.answerPath!, "paid");
      return { result: { value: null, children: [] }, worker: 1 };
    },
    close: () => Promise.resolve(),
  };
  const run = async (task: Record<string, unknown>) => {
    const job = testClusterJob({
      attempt: "a1",
      store: dir,
      task: { id: "v/s1/speech", kind: "speech", ...task },
    });
    await runOn(job, store, executor);
  };
  // rv21: a new ffmpeg on a worker (its own key) decodes the answer kept under the call's key, unpaid.
  await run({ key: "a".repeat(64), answerKey: "b".repeat(64) });
  await run({ key: "c".repeat(64) });
  assert.deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/answers`), (entry) => entry.name), [
    "b".repeat(64),
  ]);
});
