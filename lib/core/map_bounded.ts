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
}

/**
 * Maps `items` through `fn`, at most `concurrency` calls at a time, each item once; the results follow the items'
 * order, whatever order the calls end in.
 *
 * @param items The items.
 * @param fn The call, given an item and its index.
 * @param options The bound and the signal.
 * @returns The results, in order.
 * @throws {RangeError} When `concurrency` is not a positive whole number.
 * @throws What `fn` throws first (calls not yet started are not started), or the signal's reason.
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
  fn: (item: T, index: number) => Promise<R>,
  options: MapBoundedOptions,
): Promise<R[]> {
  const { concurrency, signal } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Expected a concurrency of at least 1, got ${concurrency}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      signal?.throwIfAborted();
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
