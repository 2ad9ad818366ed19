/**
 * Mapping a list through an async function with at most a few calls in flight, results in the list's order.
 * @module
 */

/** Options for {@linkcode mapBounded}. */
export interface MapBoundedOptions {
  /** Calls in flight at most (at least 1). */
  concurrency: number;
  /** Stops starting calls once aborted; the map then rejects with its reason. */
  signal?: AbortSignal;
  /**
   * Asks for one more lane while calls are left to start (a core lent, see `StepContext.borrowCore`), again each time
   * one is given; a lane given runs one call and is released as it ends. Null: none will be given. Its signal
   * withdraws the ask once every call has started. A rejection fails the map as a call's does.
   */
  borrow?: (signal: AbortSignal) => Promise<{ release(): void } | null>;
}

/**
 * Maps `items` through `fn`, at most `concurrency` calls at a time, each item once; the results follow the items'
 * order, whatever order the calls end in.
 *
 * @param items The items.
 * @param fn The call, given an item, its index and a signal that aborts when another call failed (or the map's
 *   `signal` did): the map ends once every call in flight has.
 * @param options The bound, the signal and where more lanes may be borrowed.
 * @returns The results, in order.
 * @throws {RangeError} When `concurrency` is not a positive whole number.
 * @throws What `fn` throws first (calls not yet started are not started), or the signal's reason, once the calls
 *   in flight have ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapBounded } from "./map_bounded.ts";
 * let inFlight = 0;
 * let most = 0;
 * const doubled = await mapBounded([1, 2, 3, 4, 5], async (n) => {
 *   most = Math.max(most, ++inFlight);
 *   await Promise.resolve();
 *   inFlight--;
 *   return n * 2;
 * }, { concurrency: 2 });
 * assert.deepEqual(doubled, [2, 4, 6, 8, 10]);
 * assert.equal(most, 2);
 * ```
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  options: MapBoundedOptions,
): Promise<R[]> {
  const { concurrency, signal } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Expected a concurrency of at least 1, got ${concurrency}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  // Aborted once every call has started, or one failed: an ask for a lane more is withdrawn.
  const started = new AbortController();
  // Aborted when one fails: the calls in flight are told to stop (the map ends once they have).
  const stop = new AbortController();
  const callSignal = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
  const fail = (error: unknown): never => {
    if (!failed) firstError = error;
    failed = true;
    started.abort();
    stop.abort(error);
    throw error;
  };
  /** Runs the next call; false when none is left to start, or one failed. */
  const call = async (): Promise<boolean> => {
    if (next >= items.length || failed) return false;
    if (signal?.aborted) fail(signal.reason);
    const index = next++;
    if (next === items.length) started.abort();
    try {
      results[index] = await fn(items[index]!, index, callSignal);
    } catch (error) {
      fail(error);
    }
    return true;
  };
  const lane = async () => {
    let more = true;
    while (more) more = await call();
  };
  const own = Array.from({ length: Math.min(concurrency, items.length) }, lane);
  const borrowed: Promise<unknown>[] = [];
  const borrowing = (async () => {
    const { borrow } = options;
    if (borrow === undefined) return;
    const withdraw = signal === undefined ? started.signal : AbortSignal.any([signal, started.signal]);
    while (next < items.length && !failed) {
      // An ask that fails once withdrawn is only withdrawn; before, the map's failure.
      const loan = await borrow(withdraw).catch((error: unknown) => withdraw.aborted ? null : fail(error));
      if (loan === null) return;
      // One call a loan: the lane is given back as it ends, so a step that waits for a core meanwhile gets it next.
      const one = call().finally(() => loan.release());
      // Its failure is the map's (or an earlier one is), thrown below once every call has ended.
      one.catch(() => {});
      borrowed.push(one);
    }
  })();
  // Every call in flight ends before the map does, failed or not (rv19: a failed map's lent encodes ran on after
  // their cores were given back).
  await Promise.allSettled([Promise.allSettled(own).finally(() => started.abort()), borrowing]);
  await Promise.allSettled(borrowed);
  if (failed) throw firstError;
  return results;
}
