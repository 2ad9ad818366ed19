/**
 * A median and the range around it, of runs measured: what the benchmarks print and `tune` judges by.
 * @module
 */

/** A median and the range around it. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/**
 * Summarises runs: the median (the mean of the middle two for an even count) and the range.
 *
 * @param values One value per run.
 * @returns The spread.
 * @throws {RangeError} When there are no values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spread } from "./spread.ts";
 * assert.deepEqual(spread([3, 1, 2, 10]), { median: 2.5, min: 1, max: 10 });
 * ```
 */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError("No runs to summarise");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}
