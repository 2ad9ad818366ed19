/**
 * Folds run events into counts, the step each worker is running, and an ETA.
 * @module
 */
import { compareWorkerIds, type WorkerId } from "../core/executor.ts";
import type { RunEvent } from "../run/run_events.ts";
import { type KindProgress, KindTallies } from "./kind_progress.ts";

/** A step a worker is running now. */
export interface RunningStep {
  /** The worker's id, as in the events. */
  worker: WorkerId;
  /** The step's id. */
  step: string;
  /** Its kind. */
  kind: string;
  /** When the current attempt started, in ms since the run started. */
  startedAt: number;
  /** The attempt number, as in the events. */
  attempt: number;
}

interface Pending {
  kind: string;
  /** Start of the running attempt, or null while queued. */
  startedAt: number | null;
}

interface Tally {
  sum: number;
  count: number;
}

/**
 * The progress of a run, built from its events alone; pure: no timers, no clock of its own.
 *
 * Counting: `done` counts every finished step, cached ones included, and `cached` is the cached part of it;
 * `failed` counts steps whose last attempt failed (a failure followed by a retry counts nothing); `settled` is
 * `done + failed + skipped` and reaches `total` when the run is complete. `total` starts at the planned count and
 * grows when a step expands into children.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressModel } from "./progress_model.ts";
 * const model = new ProgressModel();
 * model.apply({ type: "run:started", at: 0, total: 2, workers: 1, stored: 0, kinds: {} });
 * model.apply({ type: "step:started", at: 0, step: "a/speech", kind: "speech", contentKey: "k1", worker: 1, attempt: 1 });
 * model.apply({
 *   type: "step:finished", at: 900, step: "a/speech", kind: "speech", contentKey: "k1",
 *   worker: 1, attempt: 1, cached: false, elapsed: 900, path: null,
 * });
 * model.apply({ type: "step:queued", at: 900, step: "b/speech", kind: "speech", contentKey: "k2" });
 * assert(model.done === 1 && model.settled === 1);
 * assert(model.eta(1000) === 900);
 * ```
 */
export class ProgressModel {
  #total = 0;
  #workers = 0;
  #done = 0;
  #failed = 0;
  #skipped = 0;
  #cached = 0;
  /** Steps the store held at the start (`run:started`): they settle at once, as `cached`. */
  #stored = 0;
  /** The plan's steps of each kind (`run:started`): the kinds of the steps not queued yet. */
  #planned = new Map<string, number>();
  /** Steps settled as cached that no step of this run made (`madeBy`): the store's, or a spawned child's found. */
  #servedStored = 0;
  #started = false;
  #finished = false;
  #cancelled = false;
  #lastAt = 0;
  #peakBusy = 0;
  /** The steps running, by step id: a worker may run several at once (steps that wait on a process or a call). */
  readonly #running = new Map<string, RunningStep>();
  readonly #pending = new Map<string, Pending>();
  readonly #settledIds = new Set<string>();
  /** How far each running step said it is (0…1), by step id. */
  readonly #fractions = new Map<string, number>();
  readonly #elapsedByKind = new Map<string, Tally>();
  readonly #elapsedAll: Tally = { sum: 0, count: 0 };
  readonly #kinds = new KindTallies();

  /**
   * How far a running step said it is.
   *
   * @param step The step's id.
   * @returns From 0 to 1, or null when it has not said (or is not running).
   */
  fraction(step: string): number | null {
    return this.#fractions.get(step) ?? null;
  }

  /** Steps in the run: the planned count plus children added by expansion. */
  get total(): number {
    return this.#total;
  }
  /** Workers in the pool, as `run:started` announced (0 before it). */
  get workers(): number {
    return this.#workers;
  }
  /** Finished steps, cached ones included. */
  get done(): number {
    return this.#done;
  }
  /** Steps whose last attempt failed. */
  get failed(): number {
    return this.#failed;
  }
  /** Steps not run because a dependency failed. */
  get skipped(): number {
    return this.#skipped;
  }
  /** Finished steps nothing ran for (part of `done`): found in the store, or made by a step of the same key. */
  get cached(): number {
    return this.#cached;
  }
  /** `done + failed + skipped`. */
  get settled(): number {
    return this.#done + this.#failed + this.#skipped;
  }
  /** Whether `run:started` was seen. */
  get started(): boolean {
    return this.#started;
  }
  /** Whether `run:finished` was seen. */
  get finished(): boolean {
    return this.#finished;
  }
  /** Whether the run finished cancelled. */
  get cancelled(): boolean {
    return this.#cancelled;
  }
  /** The `at` of the latest event, in ms since the run started. */
  get lastAt(): number {
    return this.#lastAt;
  }
  /** The most workers seen busy at the same time. */
  get peakBusy(): number {
    return this.#peakBusy;
  }
  /** The steps running now, by worker id, ascending, then by when they started. */
  get running(): RunningStep[] {
    return [...this.#running.values()].sort((a, b) =>
      compareWorkerIds(a.worker, b.worker) || a.startedAt - b.startedAt
    );
  }

  /**
   * Folds one event into the state. Events for a step that already settled are ignored.
   *
   * @param event The next event of the run.
   */
  apply(event: RunEvent): void {
    this.#lastAt = Math.max(this.#lastAt, event.at);
    if ("kind" in event) this.#kinds.apply(event, { settled: this.#settledIds.has(event.step) });
    switch (event.type) {
      case "run:started":
        this.#started = true;
        this.#total = event.total;
        this.#workers = event.workers;
        this.#stored = event.stored;
        this.#planned = new Map(Object.entries(event.kinds));
        return;
      case "step:queued":
        if (!this.#settledIds.has(event.step)) {
          this.#pending.set(event.step, { kind: event.kind, startedAt: null });
        }
        return;
      case "step:started":
        if (this.#settledIds.has(event.step)) return;
        this.#pending.set(event.step, { kind: event.kind, startedAt: event.at });
        // A step started again elsewhere (a cluster worker died mid-step, its job handed on) left the first.
        this.#running.delete(event.step);
        this.#running.set(event.step, {
          worker: event.worker,
          step: event.step,
          kind: event.kind,
          startedAt: event.at,
          attempt: event.attempt,
        });
        this.#fractions.delete(event.step);
        this.#peakBusy = Math.max(
          this.#peakBusy,
          new Set([...this.#running.values()].map((r) => r.worker)).size,
        );
        return;
      case "step:finished":
        if (!this.#settle(event.step)) return;
        this.#done += 1;
        if (event.cached) {
          this.#cached += 1;
          if (event.madeBy === undefined) this.#servedStored += 1;
        } else {
          this.#addElapsed(event.kind, event.elapsed);
        }
        return;
      case "step:failed":
        if (event.retrying) {
          this.#running.delete(event.step);
          const pending = this.#pending.get(event.step);
          if (pending !== undefined) pending.startedAt = null;
          return;
        }
        if (this.#settle(event.step)) this.#failed += 1;
        return;
      case "step:skipped":
        if (this.#settle(event.step)) this.#skipped += 1;
        return;
      case "step:expanded":
        this.#total += event.children.length;
        return;
      case "step:progress":
        if (!this.#settledIds.has(event.step)) this.#fractions.set(event.step, event.fraction);
        return;
      case "worker:crashed": {
        for (const [step, running] of this.#running) {
          if (running.worker !== event.worker) continue;
          this.#running.delete(step);
          const pending = this.#pending.get(step);
          if (pending !== undefined) pending.startedAt = null;
        }
        return;
      }
      case "output:written":
        return;
      case "run:finished":
        this.#finished = true;
        this.#cancelled = event.cancelled;
        this.#running.clear();
        return;
    }
  }

  /**
   * Estimates the time left, in ms.
   *
   * An approximation, and it says so: each step still to settle is costed at the average elapsed time of the
   * finished, non-cached steps of its kind (a step not queued yet by the kinds `run:started` counted that have not
   * been seen yet; steps of a kind not finished yet, and spawned children not queued yet, at the average over all
   * kinds), less the time a running step has already run (never below 0).
   * The steps the store held at the start (`run:started`'s `stored`) that have not settled yet are taken as costing
   * nothing: the steps not started are costed at their mean, in the share of them that will run (fi8: a re-render
   * of one edited section foresaw the whole lesson's time). The sum is divided by the most workers seen busy at
   * once, and the result is never less than the longest remaining running step. It ignores dependencies, limits
   * and rate limits.
   *
   * @param now Ms since the run started, on the same clock as the events' `at`.
   * @returns The estimate in ms; 0 when every step has settled; null before `run:started` or before any
   * non-cached step has finished.
   */
  eta(now: number): number | null {
    if (!this.#started) return null;
    const remaining = this.#total - this.settled;
    if (remaining <= 0 || this.#finished) return 0;
    if (this.#elapsedAll.count === 0) return null;
    const overall = this.#elapsedAll.sum / this.#elapsedAll.count;
    let running = 0;
    let waiting = 0;
    let waitingCount = 0;
    let longestRunning = 0;
    for (const pending of this.#pending.values()) {
      const tally = this.#elapsedByKind.get(pending.kind);
      const average = tally === undefined ? overall : tally.sum / tally.count;
      if (pending.startedAt === null) {
        waiting += average;
        waitingCount += 1;
        continue;
      }
      const left = Math.max(0, average - (now - pending.startedAt));
      longestRunning = Math.max(longestRunning, left);
      running += left;
    }
    // The steps not queued yet: of each planned kind, those not seen yet, at that kind's mean where one has
    // finished; the rest (spawned children, kinds not finished yet) at the mean of all.
    let unqueued = Math.max(0, remaining - this.#pending.size);
    for (const [kind, planned] of this.#planned) {
      const tally = this.#elapsedByKind.get(kind);
      const left = Math.min(unqueued, Math.max(0, planned - this.#kinds.of(kind).total));
      if (tally === undefined || left === 0) continue;
      waiting += left * tally.sum / tally.count;
      waitingCount += left;
      unqueued -= left;
    }
    waiting += unqueued * overall;
    waitingCount += unqueued;
    // Of the steps not started, those the store holds settle at once, as found.
    const storedLeft = Math.max(0, this.#stored - this.#servedStored);
    const toRun = waitingCount === 0 ? 0 : Math.max(0, 1 - storedLeft / waitingCount);
    const work = running + waiting * toRun;
    const parallel = Math.max(
      1,
      this.#workers > 0 ? Math.min(this.#peakBusy, this.#workers) : this.#peakBusy,
    );
    return Math.round(Math.max(work / parallel, longestRunning));
  }

  /**
   * How the steps of one kind stand: how many were seen and finished, and the media their runs went through.
   *
   * @param kind A step kind, e.g. `transcribe-chunk`.
   * @returns Its counts (all zero for a kind not seen).
   */
  ofKind(kind: string): KindProgress {
    const elapsed = this.#elapsedByKind.get(kind);
    return {
      ...this.#kinds.of(kind),
      averageElapsed: elapsed === undefined ? null : elapsed.sum / elapsed.count,
    };
  }

  /**
   * Seconds of media that steps of one kind went through per second of wall time since the first of them started
   * (audio minutes transcribed per minute, for a transcription's chunks); steps found in the store do not count.
   *
   * @param kind A step kind.
   * @param now Ms since the run started, on the events' clock.
   * @returns The rate, or null before any step of the kind finished by running.
   */
  mediaRate(kind: string, now: number): number | null {
    const { media, firstStartedAt } = this.#kinds.of(kind);
    if (media === 0 || firstStartedAt === null) return null;
    return media / (Math.max(1, now - firstStartedAt) / 1000);
  }

  #settle(step: string): boolean {
    if (this.#settledIds.has(step)) return false;
    this.#settledIds.add(step);
    this.#pending.delete(step);
    this.#fractions.delete(step);
    this.#running.delete(step);
    return true;
  }

  #addElapsed(kind: string, elapsed: number): void {
    const tally = this.#elapsedByKind.get(kind) ?? { sum: 0, count: 0 };
    tally.sum += elapsed;
    tally.count += 1;
    this.#elapsedByKind.set(kind, tally);
    this.#elapsedAll.sum += elapsed;
    this.#elapsedAll.count += 1;
  }
}
