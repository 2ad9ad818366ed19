/**
 * The executor interface the scheduler runs steps through: the local Web Worker pool today, a cluster later.
 * @module
 */
import type { RateLimitInfo, StepFailure, StepResult, StepTask } from "./step_task.ts";

/** A step that ran, and where. */
export interface Execution {
  /** What the step returned. */
  result: StepResult;
  /** The worker that ran it (1-based), for progress and reports. */
  worker: number;
}

/** Options of one execution. */
export interface ExecuteOptions {
  /** Aborts the step. */
  signal: AbortSignal;
  /** Called when a worker takes the step. */
  onStart?: (worker: number) => void;
  /** Called as soon as a provider's answer arrives with rate-limit headers. */
  onRateLimit?: (info: RateLimitInfo) => void;
  /** Called when the step reports how far it is (0…1). */
  onProgress?: (fraction: number) => void;
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
  readonly worker: number;
  /**
   * @param failure What the worker reported.
   * @param worker The worker's number.
   */
  constructor(failure: StepFailure, worker: number) {
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
  readonly worker: number;
  /** True when the worker was running other steps too, so this one may only have been caught in the crash. */
  readonly shared: boolean;
  /**
   * @param worker The worker's number.
   * @param reason What killed it.
   * @param options Whether other steps ran on the worker.
   */
  constructor(worker: number, reason: string, options: { shared?: boolean } = {}) {
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
   */
  constructor(step: string, timeoutMs: number) {
    super(`Step "${step}" timed out after ${Math.round(timeoutMs / 100) / 10} s and was stopped`);
    this.name = "StepTimeoutError";
    this.step = step;
    this.timeoutMs = timeoutMs;
  }
}
