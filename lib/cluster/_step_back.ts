/**
 * How a cluster worker steps back from a queue after it hands one of its jobs back: it takes none of the queue's
 * jobs for a while, so that the job goes to a worker that can run it, and for longer at each refusal in a row.
 * @module
 */
import { type Clock, realClock } from "../core/clock.ts";

/** What steps back: a queue's consumer in this process (BullMQ's `Worker`, whose running jobs go on). */
export interface Consumer {
  pause(): void;
  resume(): void;
}

/**
 * How long a worker takes no job of a queue after a refusal, in ms: first, then doubled at each refusal in a row
 * (no job of the queue run between, and less than the most since the last step-back ended), up to the most.
 */
export const STEP_BACK_MS = { first: 100, most: 8000 } as const;

/** A step-back from a queue: how long, its stop, and when it ended (null while it lasts). */
interface SteppedBack {
  ms: number;
  stop: AbortController;
  endedAt: number | null;
}

/**
 * The queues a worker stepped back from. Before, a refused job was delayed a quarter second for everyone and the
 * refusing worker took it back as often as the worker meant for it did (fi6: 273 refusals of 66 steps, one job 18
 * times, a render twice as long): a worker set up otherwise than a coordinator refuses every job of its alike.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "../core/clock.ts";
 * import { StepBack } from "./_step_back.ts";
 * const clock = new VirtualClock();
 * const steps = new StepBack({ clock });
 * let paused = false;
 * const resumed = Promise.withResolvers<void>();
 * const consumer = { pause: () => (paused = true), resume: () => resumed.resolve() };
 * assert.equal(steps.refused("cpu", consumer), 100);
 * assert.ok(paused);
 * await resumed.promise;
 * assert.equal(clock.now(), 100);
 * ```
 */
export class StepBack {
  readonly #clock: Clock;
  /** Each queue's last step-back. */
  readonly #queues = new Map<string, SteppedBack>();
  #closed = false;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? realClock;
  }

  /**
   * Steps back from a queue after a refusal: pauses its consumer now and resumes it once the time is up, unless
   * another refusal of the queue comes first (then it waits the doubled time from then) or the worker closes.
   *
   * @param queue The queue's name.
   * @param consumer Its consumer in this process.
   * @returns How long, in ms.
   */
  refused(queue: string, consumer: Consumer): number {
    if (this.#closed) return 0;
    const last = this.#queues.get(queue);
    last?.stop.abort();
    // rv8: a refusal an hour after the last one is not in a row with it.
    const inRow = last !== undefined &&
      (last.endedAt === null || this.#clock.now() - last.endedAt < STEP_BACK_MS.most);
    const ms = inRow ? Math.min(last.ms * 2, STEP_BACK_MS.most) : STEP_BACK_MS.first;
    const step: SteppedBack = { ms, stop: new AbortController(), endedAt: null };
    this.#queues.set(queue, step);
    consumer.pause();
    this.#clock.sleep(ms, { signal: step.stop.signal }).then(
      () => {
        step.endedAt = this.#clock.now();
        consumer.resume();
      },
      (error) => {
        // Stopped by a later refusal, which resumes it in its turn, or by the close: nothing resumes it.
        if (!step.stop.signal.aborted) throw error;
      },
    );
    return ms;
  }

  /**
   * A job of the queue was taken to run: its next refusal steps back the shortest time again.
   *
   * @param queue The queue's name.
   */
  ran(queue: string): void {
    // While it steps back (a job fetched before the pause), the step-back runs its course.
    if (this.#queues.get(queue)?.endedAt != null) this.#queues.delete(queue);
  }

  /** Resumes no consumer from now on. */
  close(): void {
    this.#closed = true;
    for (const { stop } of this.#queues.values()) stop.abort();
  }
}
