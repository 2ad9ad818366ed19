/**
 * The layered limits of a run, resolved, and how they combine.
 * @module
 */

/** Resolved layered limits. */
export interface ResolvedLimits {
  /** Videos in flight. */
  videos: number;
  /** Sections in flight per video. */
  sections: number;
  /** Provider calls in flight per section. */
  api: number;
  /** Provider calls in flight in the whole run. */
  global: number;
  /** Custom steps in flight in the whole run. */
  custom: number;
  /** Web Workers in the pool. */
  workers: number;
  /** CPU-heavy steps at once. */
  cpu: number;
  /** Bytes of memory that must stay available before a CPU-heavy step starts; 0 for no check. */
  minFreeMemory: number;
}

/** The bounds of the layers as numbers, for `plan` and for tests. */
export interface LimitsSummary {
  /** videos × sections × api. */
  product: number;
  /** min(product, global): the most provider calls in flight. */
  bound: number;
}

/**
 * Computes the product of the layers and the effective bound on provider calls in flight.
 *
 * @param limits The run's limits.
 * @returns Product and bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeLimits } from "./limits.ts";
 * const { product, bound } = summarizeLimits({ videos: 2, sections: 4, api: 2, global: 8, custom: 2, workers: 2, cpu: 2, minFreeMemory: 0 });
 * assert.ok(product === 16 && bound === 8);
 * ```
 */
export function summarizeLimits(limits: ResolvedLimits): LimitsSummary {
  const product = limits.videos * limits.sections * limits.api;
  return { product, bound: Math.min(product, limits.global) };
}
