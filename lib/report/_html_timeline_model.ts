/**
 * What the HTML report draws, taken from a run's events: the attempts that ran on workers, the steps served
 * from the cache and the workers that crashed.
 * @module
 */
import { compareWorkerIds, type WorkerId } from "../core/executor.ts";
import type { RunEvent } from "../run/run_events.ts";

/**
 * How an attempt ended: `done`, `failed` (the step's last attempt), `retried` (failed, another attempt follows),
 * `cancelled` (the run stopped while it ran, so no event closed it) or `lost` (another worker started the same
 * attempt before it ended: in a cluster, its worker died or lost the job, and the queue handed it on).
 */
export type AttemptStatus = "done" | "failed" | "retried" | "cancelled" | "lost";

/** One executed attempt of a step, from its `step:started` to the event that closed it. */
export interface Attempt {
  step: string;
  kind: string;
  worker: WorkerId;
  attempt: number;
  /** ms since the run started. */
  start: number;
  /** ms since the run started; the end of the run for a cancelled attempt, the next start for a lost one. */
  end: number;
  status: AttemptStatus;
  /** The failure's message, or null. */
  error: string | null;
  /**
   * Since when it waited to start: when the step became ready (`step:queued`) for its first attempt, when the
   * attempt before it failed for a later one (fi8: the step's one `step:queued` counted the earlier attempts and
   * their backoff as a wait for permits); null when unknown.
   */
  queuedAt: number | null;
}

/** A step whose artifact was found in the store: nothing ran. */
export interface CachedStep {
  step: string;
  kind: string;
  at: number;
  /** The step of the same key that ran for it in this run, if one did. */
  madeBy?: string;
}

/** A worker that died. */
export interface WorkerCrash {
  worker: WorkerId;
  at: number;
  error: string;
}

/** Everything the timeline and the provider charts draw. */
export interface TimelineModel {
  /** Attempts in the order they started. */
  attempts: Attempt[];
  /** Cached steps in the order they were found. */
  cached: CachedStep[];
  /** Workers that ran at least one attempt, ascending. */
  workers: WorkerId[];
  crashes: WorkerCrash[];
  /** The end of the run: `run:finished`, else the last event or attempt end; at least 1. */
  endMs: number;
}

/**
 * Pairs each `step:started` with the `step:finished` or `step:failed` of the same step and attempt; a start that
 * finds the same step and attempt still open closes that one as lost, at its own start.
 */
export function buildTimelineModel(events: readonly RunEvent[]): TimelineModel {
  const attempts: Attempt[] = [];
  const cached: CachedStep[] = [];
  const crashes: WorkerCrash[] = [];
  const open = new Map<string, Attempt>();
  const queued = new Map<string, number>();
  /** Each step's last failed attempt's end: a later attempt waits from there (its backoff, then permits). */
  const failedAt = new Map<string, number>();
  let endMs = 0;
  const keyOf = (step: string, attempt: number) => `${attempt}\u0000${step}`;
  for (const event of events) {
    endMs = Math.max(endMs, event.at);
    switch (event.type) {
      case "step:queued":
        queued.set(event.step, event.at);
        break;
      case "step:started": {
        const attempt: Attempt = {
          step: event.step,
          kind: event.kind,
          worker: event.worker,
          attempt: event.attempt,
          start: event.at,
          end: Number.NaN,
          status: "cancelled",
          error: null,
          queuedAt: (event.attempt > 1 ? failedAt.get(event.step) : queued.get(event.step)) ?? null,
        };
        const key = keyOf(event.step, event.attempt);
        const lost = open.get(key);
        if (lost !== undefined) {
          lost.end = Math.max(event.at, lost.start);
          lost.status = "lost";
          // Handed on when its worker was lost: no wait of its own to tell (rv9: the lost run was counted as one).
          attempt.queuedAt = null;
        }
        attempts.push(attempt);
        open.set(key, attempt);
        break;
      }
      case "step:finished": {
        if (event.cached) {
          const { step, kind, at, madeBy } = event;
          cached.push({ step, kind, at, ...madeBy === undefined ? {} : { madeBy } });
          break;
        }
        const attempt = open.get(keyOf(event.step, event.attempt));
        if (attempt === undefined) break;
        open.delete(keyOf(event.step, event.attempt));
        attempt.end = event.at;
        attempt.status = "done";
        break;
      }
      case "step:failed": {
        const attempt = open.get(keyOf(event.step, event.attempt));
        if (attempt === undefined) break;
        open.delete(keyOf(event.step, event.attempt));
        attempt.end = event.at;
        failedAt.set(event.step, event.at);
        attempt.status = event.retrying ? "retried" : "failed";
        attempt.error = event.error;
        break;
      }
      case "worker:crashed":
        crashes.push({ worker: event.worker, at: event.at, error: event.error });
        break;
    }
  }
  const finished = events.findLast((event) => event.type === "run:finished");
  if (finished !== undefined) endMs = Math.max(finished.at, endMs);
  for (const attempt of open.values()) attempt.end = Math.max(endMs, attempt.start);
  const workers = [...new Set(attempts.map((attempt) => attempt.worker))].sort(compareWorkerIds);
  return { attempts, cached, workers, crashes, endMs: Math.max(endMs, 1) };
}
