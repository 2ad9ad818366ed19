/**
 * The executor interface the scheduler runs steps through: the local Web Worker pool today, a cluster later.
 * @module
 */
import type { RateLimitInfo, StepFailure, StepResult, StepTask } from "./step_task.ts";

/**
 * A worker's id in events and reports: the local pool's 1-based number, or a cluster worker's `host:pid:n` (the
 * n-th Web Worker of the worker process `pid` on `host`).
 */
export type WorkerId = number | string;

/**
 * Orders worker ids: local workers by number, then cluster workers by host, pid and number (numbers compared as
 * numbers), for lanes and listings.
 *
 * @param a A worker id.
 * @param b Another.
 * @returns Negative when `a` comes first, positive when `b` does, 0 when equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareWorkerIds } from "./executor.ts";
 * assert.deepEqual(["b:9:1", 2, "a:10:2", 1, "a:10:10"].sort(compareWorkerIds), [1, 2, "a:10:2", "a:10:10", "b:9:1"]);
 * ```
 */
export function compareWorkerIds(a: WorkerId, b: WorkerId): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a.localeCompare(b, "en", { numeric: true });
}

/** A step that ran, and where. */
export interface Execution {
  /** What the step returned. */
  result: StepResult;
  /** The worker that ran it, for progress and reports. */
  worker: WorkerId;
  /**
   * True when the executor stored the artifact itself, under the task's key in the run's store (a cluster worker
   * commits to the shared store); the scheduler then looks it up instead of committing. @default false
   */
  stored?: boolean;
}

/**
 * The least time a step's code may take to load on its worker before the step is stopped (see
 * `ExecuteOptions.onLoading`): a minute, far more than a fresh worker's import of a large workflow.
 */
export const LOAD_TIMEOUT_MS = 60_000;

/** Options of one execution. */
export interface ExecuteOptions {
  /** Aborts the step. */
  signal: AbortSignal;
  /** Called when a worker takes the step; the step's timeout runs from then. */
  onStart?: (worker: WorkerId) => void;
  /**
   * Called right after `onStart` by an executor that will call `onRunning` once the step's code is loaded (a fresh
   * worker's first step of a kind loads the kind's code, a custom step its workflow module): until then the step
   * runs under a timeout for the load, its own timeout or {@linkcode LOAD_TIMEOUT_MS}, whichever is longer.
   */
  onLoading?: () => void;
  /** Called when the step's own code starts, after `onLoading`: its timeout runs from then. */
  onRunning?: () => void;
  /**
   * Called when the step waits for a worker again (a cluster's worker died while it ran; the queue hands it on):
   * its timeout stops until `onStart` is called again.
   */
  onWait?: () => void;
  /** Called as soon as a provider's answer arrives with rate-limit headers. */
  onRateLimit?: (info: RateLimitInfo) => void;
  /** Called when the step reports how far it is (0…1). */
  onProgress?: (fraction: number) => void;
  /**
   * Lends the step a CPU slot more while it runs (see `StepContext.borrowCore`); the promise rejects when `signal`
   * aborts first. Without it, a step's requests are answered at once with none.
   */
  lendCore?: (signal: AbortSignal) => Promise<{ release(): void }>;
  /**
   * The step runs now although its result may be known (`--force`): a cluster does not take a finished job of an
   * earlier run for it, and its result replaces the stored entry. @default false
   */
  fresh?: boolean;
  /**
   * The provider is asked again: an answer a killed attempt kept is not used (a forced step's first attempt; its
   * retries use the answer it paid for). @default false
   */
  askAgain?: boolean;
}

/** Runs one step somewhere. */
export interface StepExecutor {
  /**
   * Runs a step and resolves with its result.
   *
   * @throws {StepAttemptError} When the step failed; {@linkcode WorkerCrashError} when its worker died.
   */
  execute(task: StepTask, options: ExecuteOptions): Promise<Execution>;
  /** Stops every worker; pending executions reject. */
  close(): Promise<void>;
}

/**
 * A step attempt that failed inside a worker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StepAttemptError } from "./executor.ts";
 * const error = new StepAttemptError(
 *   { name: "Error", message: "boom", retryable: true, status: null, retryAfterMs: null, provider: null },
 *   1,
 * );
 * assert.ok(error.failure.retryable);
 * ```
 */
export class StepAttemptError extends Error {
  /** The failure as the worker reported it. */
  readonly failure: StepFailure;
  /** The worker it ran on. */
  readonly worker: WorkerId;
  /**
   * @param failure What the worker reported.
   * @param worker The worker's id.
   */
  constructor(failure: StepFailure, worker: WorkerId) {
    super(failure.message);
    this.name = "StepAttemptError";
    this.failure = failure;
    this.worker = worker;
  }
}

/**
 * The worker running a step died (an uncaught error, a crash); the step may be retried on a new worker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerCrashError } from "./executor.ts";
 * assert.ok(new WorkerCrashError(2, "out of memory").worker === 2);
 * ```
 */
export class WorkerCrashError extends Error {
  /** The worker that died. */
  readonly worker: WorkerId;
  /** True when the worker was running other steps too, so this one may only have been caught in the crash. */
  readonly shared: boolean;
  /**
   * @param worker The worker's id.
   * @param reason What killed it.
   * @param options Whether other steps ran on the worker.
   */
  constructor(worker: WorkerId, reason: string, options: { shared?: boolean } = {}) {
    super(`Worker ${worker} crashed: ${reason}`);
    this.name = "WorkerCrashError";
    this.worker = worker;
    this.shared = options.shared ?? false;
  }
}

/**
 * A step attempt ran past its timeout and was stopped; it may pass on retry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StepTimeoutError } from "./executor.ts";
 * assert.match(new StepTimeoutError("intro/s1/speech", 60_000).message, /timed out after 60 s/);
 * assert.match(new StepTimeoutError("intro/s1/speech", 1).message, /timed out after 1 ms/);
 * ```
 */
export class StepTimeoutError extends Error {
  /** The step's id. */
  readonly step: string;
  /** The timeout, in ms. */
  readonly timeoutMs: number;
  /**
   * @param step The step's id.
   * @param timeoutMs The timeout it ran past, in ms.
   * @param options `loading`: it ran past its code's load timeout (see `ExecuteOptions.onLoading`).
   */
  constructor(step: string, timeoutMs: number, options: { loading?: boolean } = {}) {
    // Under a second in ms: a timeout of 1 ms read "0 s".
    const after = timeoutMs < 1000 ? `${Math.round(timeoutMs)} ms` : `${Math.round(timeoutMs / 100) / 10} s`;
    const loading = options.loading === true ? " while its code loaded on its worker" : "";
    super(`Step "${step}" timed out after ${after}${loading} and was stopped`);
    this.name = "StepTimeoutError";
    this.step = step;
    this.timeoutMs = timeoutMs;
  }
}
