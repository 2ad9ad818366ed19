/**
 * What travels through Redis: the queues (one per HTTP provider, one for CPU-heavy steps, one for the rest), the
 * id of a job (its step's key and its store), the data of a job (a step's task without any local path, API key or
 * binary: each worker uses its own; with the step kind's version and the engines its key holds, which the worker
 * checks it has), what a worker reports while it runs one, and how it ended. Both sides check what they read.
 * @module
 */
import type { Json } from "../core/json.ts";
import { sha256Hex } from "../core/sha256.ts";
import type { RateLimitInfo, StepFailure, StepTask } from "../core/step_task.ts";
import { isRecord } from "../core/is_record.ts";
import { SLUG } from "../schema/fields.ts";

/** The prefix of every key BullMQ and reel keep in the cluster's Redis. */
export const CLUSTER_PREFIX = "reel";
/** The set of queue names coordinators have used, which workers watch. */
export const QUEUES_KEY = `${CLUSTER_PREFIX}:queues`;
/** The prefix of each worker process's heartbeat hash. */
export const WORKER_KEY_PREFIX = `${CLUSTER_PREFIX}:worker:`;
/** The prefix of each refused job's record: which workers refused it, and why (see `_refusals.ts`). */
export const REFUSALS_KEY_PREFIX = `${CLUSTER_PREFIX}:refused:`;
/** The queue of CPU-heavy steps (encodes, slides). */
export const CPU_QUEUE = "cpu";
/** The queue of steps that call no HTTP provider and are not CPU-heavy. */
export const STEPS_QUEUE = "steps";
/** What a worker's `--queues` names for every provider's queue. */
export const PROVIDERS_QUEUES = "providers";
/** The queues a worker's `--queues` may name besides one provider's (`provider-<name>`). */
export const QUEUE_GROUPS: readonly string[] = [CPU_QUEUE, STEPS_QUEUE, PROVIDERS_QUEUES];
/** The characters a provider's queue name keeps (see {@linkcode providerQueue}). */

/**
 * The queue names a worker may be given (`--queues`): cpu, steps, providers (every provider's), or one provider's
 * queue as {@linkcode providerQueue} names it.
 *
 * @param name A name.
 * @returns Whether jobs can be queued under it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isQueueName } from "./cluster_job.ts";
 * assert.ok(isQueueName("provider-openai") && isQueueName("providers"));
 * assert.ok(!isQueueName("gpu") && !isQueueName("provider-"));
 * // A workflow's provider names are lowercase: no job is queued under this one.
 * assert.ok(!isQueueName("provider-Fake"));
 * ```
 */
export function isQueueName(name: string): boolean {
  if (QUEUE_GROUPS.includes(name)) return true;
  const provider = name.startsWith("provider-") ? name.slice("provider-".length) : "";
  return SLUG.test(provider);
}

/** The custom event that asks the worker running a job to stop it. */
export const CANCEL_EVENT = "reel-cancel";
/**
 * The version of a job's data: a worker refuses a job of another (a coordinator of another reel version). Version 3
 * names its jobs by key and store (see {@linkcode jobIdOf}); version 2 named them by key alone. Version 4 says
 * `fresh` and `askAgain` (`--force`), which a worker of version 3 would ignore, keeping the old result.
 */
export const JOB_FORMAT = 4;

/** An input of a job's step: its key, whether it has a file, and what it returned. */
export interface JobInput {
  key: string;
  /** True when the input has an artifact file (the worker fetches it from the store by key). */
  file: boolean;
  value: Json;
  children: JobInput[];
}

/** The data of one job: one attempt of one step. */
export interface ClusterJob {
  version: typeof JOB_FORMAT;
  /** The coordinator's run (a random id): a job from an earlier run is adopted or replaced, never mistaken. */
  run: string;
  /** This attempt (a random id). */
  attempt: string;
  /** Who queued it: `host:pid`. */
  coordinator: string;
  /** Where the artifact goes: a folder on a shared path, or `s3://bucket/prefix`. */
  store: string;
  /**
   * The store folder's id (its `store-id` file, see `store_identity.ts`): a worker that mounts a store at a path of
   * its own (`--store`) takes the job only when its folder has this id. Absent for a bucket.
   */
  storeId?: string;
  /**
   * The step, without paths: its planned fields (the worker checks that its own version and local engines are the
   * plan's), its inputs by key and its artifact's file name (`artifact.mp4`), or null for a value-only step.
   */
  task:
    & Pick<
      StepTask,
      | "id"
      | "kind"
      | "version"
      | "key"
      | "params"
      | "runtime"
      | "engine"
      | "inputIds"
      | "blocking"
      | "provider"
      | "cpu"
      | "answerKey"
    >
    & { inputs: JobInput[]; output: string | null };
  /** The digest of the local module graph of each workflow module the step imports (`runtime.module`). */
  modules: Record<string, string>;
  /**
   * What each module's digest is made of (`ModuleGraph.parts`), so a worker whose graph differs names the file that
   * does; absent from older coordinators' jobs.
   */
  moduleParts?: Record<string, Record<string, string>>;
  /** The step runs again whatever is stored (`--force`): its result replaces the stored entry. @default false */
  fresh?: boolean;
  /** An answer a killed attempt kept is not used: the provider is asked again (see `ExecuteOptions`). @default false */
  askAgain?: boolean;
  /** The longest pause a 429 of the step's provider puts on its queue, in ms (the provider's `maxRetryAfter`). */
  maxRetryAfter?: number;
}

/** What a worker reports while it runs a job (as the job's progress), with the attempt it belongs to. */
export type JobProgress =
  | { type: "started"; attempt: string; worker: string }
  // Its code is loaded on the worker and runs (see `ExecuteOptions.onRunning`): its timeout counts from here.
  | { type: "running"; attempt: string; worker: string }
  | { type: "rate-limit"; attempt: string; info: RateLimitInfo }
  // The worker too: the latest report is all an adopting render reads (BullMQ keeps one), so it says who started.
  | { type: "progress"; attempt: string; worker: string; fraction: number };

/** How a job ended (its return value). A job the worker refused, or that stalled too often, fails instead. */
export type JobOutcome =
  & { attempt: string; worker: string }
  & (
    // `warnings`: what the step said of what it made (see `StepContext.warn`), when it said any.
    | { ok: true; warnings?: string[] }
    | { ok: false; failure: StepFailure }
    | { ok: false; crash: string; shared: boolean }
    | { ok: false; cancelled: true }
  );

/**
 * The id of a job: its step's key, then a digest of the store its artifact goes to. Renders to one store share a
 * step's job (the key is queued once); renders to different stores never meet, since a job adopted from another
 * store would leave the artifact where this render does not look.
 *
 * @param job The job's store and its step's key.
 * @returns `<key>-<16 hex digits>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobIdOf } from "./cluster_job.ts";
 * const task = { key: "b".repeat(64) };
 * assert.equal(jobIdOf({ store: "/a", task }), jobIdOf({ store: "/a", task }));
 * assert.notEqual(jobIdOf({ store: "/a", task }), jobIdOf({ store: "/b", task }));
 * assert.ok(jobIdOf({ store: "/a", task }).startsWith(task.key));
 * ```
 */
export function jobIdOf(job: { store: string; task: { key: string } }): string {
  return `${job.task.key}-${sha256Hex(job.store).slice(0, 16)}`;
}

/**
 * The queue a step goes to: its HTTP provider's, else `cpu` or `steps`.
 *
 * @param task The step.
 * @param providers The names of the plan's HTTP providers (limited per queue).
 * @returns The queue's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queueFor } from "./cluster_job.ts";
 * assert.equal(queueFor({ provider: "images", cpu: false }, new Set(["images"])), "provider-images");
 * assert.equal(queueFor({ provider: "local/flite@1", cpu: true }, new Set(["images"])), "cpu");
 * ```
 */
export function queueFor(task: Pick<StepTask, "provider" | "cpu">, providers: ReadonlySet<string>): string {
  if (task.provider !== null && providers.has(task.provider)) return providerQueue(task.provider);
  return task.cpu ? CPU_QUEUE : STEPS_QUEUE;
}

/**
 * How long a 429 answered to a job pauses its provider's queue for every worker: the server's wait (1 s when it
 * says none), at most the provider's `maxRetryAfter` (a longer wait stops the provider on its coordinator; its
 * queue held for the whole hour kept other renders' jobs waiting that long).
 *
 * @param failure The 429's failure.
 * @param job The job it answered.
 * @returns Milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queuePauseMs } from "./cluster_job.ts";
 * assert.equal(queuePauseMs({ retryAfterMs: 3_600_000 }, { maxRetryAfter: 120_000 }), 120_000);
 * assert.equal(queuePauseMs({ retryAfterMs: null }, {}), 1000);
 * ```
 */
export function queuePauseMs(
  failure: Pick<StepFailure, "retryAfterMs">,
  job: Pick<ClusterJob, "maxRetryAfter">,
): number {
  const asked = failure.retryAfterMs !== null && failure.retryAfterMs > 0 ? failure.retryAfterMs : 1000;
  return Math.min(asked, job.maxRetryAfter ?? Infinity);
}

/**
 * The queue of an HTTP provider.
 *
 * @param provider The provider's name in the workflow: a slug (the schema's `SLUG`), as Redis keys and BullMQ take it.
 * @returns `provider-<name>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isQueueName, providerQueue } from "./cluster_job.ts";
 * assert.equal(providerQueue("my-api"), "provider-my-api");
 * assert.ok(isQueueName(providerQueue("my-api")));
 * ```
 */
export function providerQueue(provider: string): string {
  return `provider-${provider}`;
}

/**
 * Checks what a worker read from Redis as a job's data.
 *
 * @param value The job's data.
 * @returns True when it is a {@linkcode ClusterJob}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isClusterJob } from "./cluster_job.ts";
 * assert.ok(!isClusterJob({ version: 4, task: {} }));
 * ```
 */
export function isClusterJob(value: unknown): value is ClusterJob {
  if (!isRecord(value) || value.version !== JOB_FORMAT || !isRecord(value.task) || !isRecord(value.modules)) {
    return false;
  }
  const { task } = value;
  return strings(value, ["run", "attempt", "coordinator", "store"]) && strings(task, ["id", "kind", "key"]) &&
    /^[0-9a-f]{64}$/.test(task.key as string) && Number.isInteger(task.version) &&
    (task.answerKey === undefined || /^[0-9a-f]{64}$/.test(task.answerKey as string)) &&
    task.engine !== undefined &&
    isRecord(task.runtime) && Array.isArray(task.inputIds) &&
    task.inputIds.every((id) => typeof id === "string") && Array.isArray(task.inputs) &&
    task.inputs.every(isJobInput) && (task.output === null || isFileName(task.output)) &&
    typeof task.blocking === "boolean" && typeof task.cpu === "boolean" &&
    (task.provider === null || typeof task.provider === "string") &&
    (value.storeId === undefined || typeof value.storeId === "string") &&
    (value.fresh === undefined || typeof value.fresh === "boolean") &&
    (value.askAgain === undefined || typeof value.askAgain === "boolean") &&
    (value.maxRetryAfter === undefined ||
      (typeof value.maxRetryAfter === "number" && value.maxRetryAfter > 0)) &&
    Object.values(value.modules).every((digest) => typeof digest === "string") &&
    (value.moduleParts === undefined || (isRecord(value.moduleParts) &&
      Object.values(value.moduleParts).every((parts) =>
        isRecord(parts) && Object.values(parts).every((part) => typeof part === "string")
      )));
}

/**
 * Checks a job's progress as the coordinator reads it.
 *
 * @param value The progress data.
 * @returns True when it is a {@linkcode JobProgress}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isJobProgress } from "./cluster_job.ts";
 * assert.ok(isJobProgress({ type: "started", attempt: "a", worker: "h:1:1" }));
 * assert.ok(isJobProgress({ type: "running", attempt: "a", worker: "h:1:1" }));
 * assert.ok(isJobProgress({ type: "progress", attempt: "a", worker: "h:1:1", fraction: 0.5 }));
 * assert.ok(!isJobProgress(0));
 * ```
 */
export function isJobProgress(value: unknown): value is JobProgress {
  if (!isRecord(value) || typeof value.attempt !== "string") return false;
  return ((value.type === "started" || value.type === "running") && typeof value.worker === "string") ||
    (value.type === "rate-limit" && isRecord(value.info)) ||
    (value.type === "progress" && typeof value.worker === "string" && typeof value.fraction === "number" &&
      value.fraction >= 0 && value.fraction <= 1);
}

/**
 * Checks a job's return value as the coordinator reads it.
 *
 * @param value The return value.
 * @returns True when it is a {@linkcode JobOutcome}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isJobOutcome } from "./cluster_job.ts";
 * assert.ok(isJobOutcome({ ok: true, attempt: "a", worker: "h:1:1" }));
 * assert.ok(isJobOutcome({ ok: true, attempt: "a", worker: "h:1:1", warnings: ["cut"] }));
 * assert.ok(!isJobOutcome({ ok: true, attempt: "a", worker: "h:1:1", warnings: "cut" }));
 * assert.ok(!isJobOutcome({ ok: false, attempt: "a", worker: "h:1:1" }));
 * ```
 */
export function isJobOutcome(value: unknown): value is JobOutcome {
  if (!isRecord(value) || typeof value.worker !== "string" || typeof value.attempt !== "string") return false;
  if (value.ok === true) {
    return value.warnings === undefined ||
      (Array.isArray(value.warnings) && value.warnings.every((line) => typeof line === "string"));
  }
  return (isRecord(value.failure) && typeof value.failure.message === "string") ||
    typeof value.crash === "string" || value.cancelled === true;
}

function isJobInput(value: unknown): value is JobInput {
  return isRecord(value) && typeof value.key === "string" && typeof value.file === "boolean" &&
    Array.isArray(value.children) && value.children.every(isJobInput);
}

/** A plain file name: no folder, nothing that climbs out of the worker's scratch folder. */
function isFileName(value: unknown): boolean {
  return typeof value === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value);
}

function strings(record: Record<string, unknown>, keys: string[]): boolean {
  return keys.every((key) => typeof record[key] === "string");
}
