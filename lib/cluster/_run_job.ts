/**
 * Running one job on a worker: its inputs found by key in the store (fetched into the local cache for an object
 * store), the step run on the local step runner with the worker's own scratch folder and ffmpeg, the artifact
 * committed to the shared store, and the outcome returned as the job's value.
 * @module
 */
import { messageOf } from "../core/errors.ts";
import { StepAttemptError, type StepExecutor, WorkerCrashError } from "../core/executor.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { StepOutput } from "../core/json.ts";
import type { RateLimitInfo, StepTask } from "../core/step_task.ts";
import { recordWarnings, type StepStore } from "../store/step_store.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";
import type { ClusterJob, JobInput, JobOutcome } from "./cluster_job.ts";

/** What running a job needs. */
export interface RunJobContext {
  /** The store the job's artifacts go to. */
  store: StepStore;
  /** The local step runner (the Web Worker pool). */
  executor: StepExecutor;
  /** This worker's ffmpeg. */
  ffmpeg: FfmpegPaths;
  /** True when the job's step kind may return a value only. */
  optionalArtifact: boolean;
  /** The worker process's id, `host:pid`. */
  processId: string;
  /** Aborted when the job is cancelled or its lock is lost. */
  signal: AbortSignal;
  /** A runner of this process took the step (its id `host:pid:n`). */
  onStart(worker: string): void;
  /** The step's code is loaded and runs (see `ExecuteOptions.onRunning`). */
  onRunning?(): void;
  /** A provider's answer carried rate-limit headers. */
  onRateLimit(info: RateLimitInfo): void;
  /** The step said how far it is (0…1). */
  onProgress?(fraction: number): void;
}

/**
 * Runs a job's step and commits its artifact.
 *
 * @param job The job's data, checked.
 * @param context The store, the runner and the listeners.
 * @returns The outcome (a failed step is an outcome too, for the coordinator's retry policy).
 */
export async function runJob(job: ClusterJob, context: RunJobContext): Promise<JobOutcome> {
  const { store, signal } = context;
  const { task: data, attempt } = job;
  let worker = context.processId;
  const inputs = await resolveInputs(store, data.inputs);
  if (typeof inputs === "string") {
    return { ok: false, attempt, worker, failure: failure("InputMissingError", inputs, true) };
  }
  const scratch = await store.scratch(data.key);
  try {
    const outputPath = data.output === null ? null : `${scratch}/${data.output}`;
    // A provider's paid answer is kept in this worker's store until the artifact is stored, or for good when
    // another decoder may decode it (see `StepTask`).
    const answerPath = data.provider === null ? null : store.answerPath(data.answerKey ?? data.key);
    // `--force` asks the provider again: an answer a killed attempt kept is not used.
    if (answerPath !== null && job.askAgain === true) await removeIfExists(answerPath);
    const task: StepTask = {
      ...data,
      inputs,
      outputPath,
      scratchDir: scratch,
      ...answerPath === null ? {} : { answerPath },
      ffmpeg: context.ffmpeg,
    };
    const execution = await context.executor.execute(task, {
      signal,
      onStart: (number) => {
        worker = `${context.processId}:${number}`;
        context.onStart(worker);
      },
      onRunning: context.onRunning,
      onRateLimit: context.onRateLimit,
      onProgress: context.onProgress,
    });
    const dot = data.output?.indexOf(".") ?? -1;
    await store.commit(data.key, {
      file: outputPath,
      required: !context.optionalArtifact && outputPath !== null,
      extension: data.output === null || dot < 0 ? null : data.output.slice(dot + 1),
      value: execution.result.value,
      children: execution.result.children,
      ...recordWarnings(execution.result.warnings),
      scratchDir: scratch,
      ...job.fresh === true ? { replace: true } : {},
    });
    if (answerPath !== null && (data.answerKey === undefined || !store.keepsAnswers)) {
      await removeIfExists(answerPath);
    }
    const { warnings } = execution.result;
    return { ok: true, attempt, worker, ...warnings === undefined ? {} : { warnings } };
  } catch (error) {
    if (signal.aborted) return { ok: false, attempt, worker, cancelled: true };
    if (error instanceof StepAttemptError) return { ok: false, attempt, worker, failure: error.failure };
    if (error instanceof WorkerCrashError) {
      return { ok: false, attempt, worker, crash: error.message, shared: error.shared };
    }
    const message = messageOf(error);
    return { ok: false, attempt, worker, failure: failure("Error", message, true) };
  } finally {
    await store.discard(scratch);
  }
}

/** The inputs with local paths, or what is missing. */
async function resolveInputs(store: StepStore, inputs: JobInput[]): Promise<StepOutput[] | string> {
  const resolved: StepOutput[] = [];
  for (const input of inputs) {
    const children = await resolveInputs(store, input.children);
    if (typeof children === "string") return children;
    let path: string | null = null;
    if (input.file) {
      const stored = await store.lookup(input.key);
      if (stored === null || stored.path === null) {
        return `Input ${input.key.slice(0, 12)} is not in the store`;
      }
      path = stored.path;
    }
    resolved.push({ key: input.key, path, value: input.value, children });
  }
  return resolved;
}

function failure(name: string, message: string, retryable: boolean) {
  return { name, message, retryable, status: null, retryAfterMs: null, provider: null };
}
