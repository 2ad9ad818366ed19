/**
 * What to do after a failed attempt: retry or give up, and how long to wait first. A plain function of the
 * failure and the step's counts, so the policy is tested without running anything.
 * @module
 */
import type { PlanStep } from "../plan/plan_step.ts";
import { StepAttemptError, StepTimeoutError, WorkerCrashError } from "../core/executor.ts";
import { saysDiskFull } from "../core/errors.ts";

/** How many attempts of each sort a step has used. */
export interface AttemptCounts {
  /** Failures that spent the step's `retries` (5xx, timeouts, resets, a failed encode). */
  failures: number;
  /** 429 answers: they slow the provider and are retried on a budget of their own. */
  rateLimited: number;
  /** Crashes of a worker the step had to itself. */
  ownCrashes: number;
  /** Crashes of a worker the step shared with others (it may only have been caught in another's crash). */
  sharedCrashes: number;
}

/** How a failure counts. */
export type FailureSort = "failure" | "rate-limited" | "refused" | "crash" | "permanent";

/** The decision after a failed attempt. */
export interface AttemptDecision {
  /** How the failure counts. */
  sort: FailureSort;
  /** True when another attempt follows. */
  retry: boolean;
  /** How long to wait before it, in ms (0 for a 429 when the provider's gate waits it out for everyone). */
  delayMs: number;
  /** The server's 429 wait, capped, for the provider's gate; null when not a 429. */
  rateLimitedForMs: number | null;
  /** Why the step gives up, where the failure's own message does not say (a wait asked for past the cap). */
  reason?: string;
}

/** 429s a step may meet before it fails: a server that keeps refusing is not waited on forever. */
export const MAX_RATE_LIMITED = 30;

/** Options for {@linkcode decideAfterFailure}. */
export interface DecideOptions {
  /** The step's retries and backoff. */
  step: Pick<PlanStep, "retries" | "backoff">;
  /** The counts so far; updated in place. */
  counts: AttemptCounts;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** True when the step's provider has a gate that pauses every caller on a 429. */
  gated: boolean;
  /** True when the step ran on a cluster's worker, whose full disk may be its own alone. @default false */
  remote?: boolean;
  /** The longest wait a server's Retry-After may impose, in ms. */
  maxRetryAfter: number;
  /** How long 429s have paused the step's provider since its last other answer, in ms (`ProviderGate.refusingFor`). @default 0 */
  refusingForMs?: number;
  /** Random numbers in [0, 1) for the jitter. */
  random: () => number;
}

/**
 * Decides what follows a failed attempt. Failures that may pass on retry spend the step's `retries` and back off
 * with full jitter (never less than a wait the server asked for, capped); 429s spend a budget of their own, so a
 * busy server does not use up the retries meant for failures; a refused key (401, 403) and permanent errors (bad
 * input, a 400) end the step at once; a crashed worker is retried (once when the step had it alone).
 *
 * @param error What the attempt threw.
 * @param options The step, its counts, the attempt number and the jitter source.
 * @returns The decision.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decideAfterFailure } from "./attempt_policy.ts";
 * import { StepAttemptError } from "../core/executor.ts";
 * const failure = { name: "ProviderError", message: "429", retryable: true, status: 429, retryAfterMs: 500, provider: "p" };
 * const counts = { failures: 0, rateLimited: 0, ownCrashes: 0, sharedCrashes: 0 };
 * const decision = decideAfterFailure(new StepAttemptError(failure, 1), {
 *   step: { retries: 0, backoff: { base: 100, cap: 1000 } },
 *   counts,
 *   attempt: 1,
 *   gated: true,
 *   maxRetryAfter: 120_000,
 *   random: () => 0.5,
 * });
 * assert.deepEqual([decision.sort, decision.retry, decision.delayMs], ["rate-limited", true, 0]);
 * ```
 */
export function decideAfterFailure(error: unknown, options: DecideOptions): AttemptDecision {
  const { step, counts, attempt, gated, remote = false, maxRetryAfter, random, refusingForMs = 0 } = options;
  if (error instanceof WorkerCrashError) {
    if (error.shared) counts.sharedCrashes++;
    else counts.ownCrashes++;
    const retry = counts.ownCrashes <= 1 && counts.sharedCrashes <= 3;
    return { sort: "crash", retry, delayMs: 0, rateLimitedForMs: null };
  }
  const failure = error instanceof StepAttemptError ? error.failure : null;
  // A wait of 0 or less is no wait asked for: the backoff applies, as when the server says nothing.
  const asked = typeof failure?.retryAfterMs === "number" && failure.retryAfterMs > 0
    ? Math.min(failure.retryAfterMs, maxRetryAfter)
    : null;
  if (failure?.status === 429) {
    counts.rateLimited++;
    // A wait past the cap (a spent quota: "come back in an hour") is not waited out in pieces: each piece met a 429
    // again until the budget ran out (31 answers a call, one call at a time: hours for a batch). The provider stops.
    // So does a server that has answered only 429s for longer than the cap with no wait or short ones (before: 31
    // pauses of 1 s a call, one call at a time: minutes of 429s for a batch).
    const secondsOf = (ms: number) => Math.ceil(ms / 1000);
    const cap = secondsOf(maxRetryAfter);
    const asks = failure.retryAfterMs ?? 0;
    const spent = asks > maxRetryAfter
      ? `it asks to wait ${secondsOf(asks)} s`
      : refusingForMs > maxRetryAfter
      ? `it has answered only 429 for ${secondsOf(refusingForMs)} s`
      : null;
    if (spent !== null) {
      return {
        sort: "refused",
        retry: false,
        delayMs: 0,
        rateLimitedForMs: null,
        reason: `${spent}, longer than its maxRetryAfter (${cap} s): its quota may be spent; render again ` +
          "later, or raise maxRetryAfter",
      };
    }
    const retry = counts.rateLimited <= MAX_RATE_LIMITED;
    return {
      sort: "rate-limited",
      retry,
      delayMs: gated ? 0 : Math.max(jitter(step, attempt, random), asked ?? 0),
      rateLimitedForMs: asked,
    };
  }
  if (failure?.status === 401 || failure?.status === 403) {
    return { sort: "refused", retry: false, delayMs: 0, rateLimitedForMs: null };
  }
  // A full disk here is not mended by waiting a few seconds: the run stops (see `runAttempts`). A provider's
  // answer that says so is its server's, and retried as its other failures are; a cluster worker's may be its own
  // alone: retried once at least, whatever the step's retries (rv45: most local steps have none), another worker
  // may take it.
  const diskFull = failure !== null && saysDiskFull(failure.message);
  const retryable = error instanceof StepTimeoutError ||
    (failure !== null && failure.retryable && (gated || remote || !diskFull));
  if (!retryable) return { sort: "permanent", retry: false, delayMs: 0, rateLimitedForMs: null };
  counts.failures++;
  return {
    sort: "failure",
    retry: counts.failures <= (remote && diskFull && !gated ? Math.max(1, step.retries) : step.retries),
    delayMs: Math.max(jitter(step, attempt, random), asked ?? 0),
    rateLimitedForMs: null,
  };
}

/** Full jitter: a random wait up to min(cap, base × 2^(attempt − 1)). */
function jitter(step: Pick<PlanStep, "backoff">, attempt: number, random: () => number): number {
  const ceiling = Math.min(step.backoff.cap, step.backoff.base * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
