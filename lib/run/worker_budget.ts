/**
 * How many step workers a machine can hold: each is a V8 isolate with the step kinds' code (about 10 MB idle,
 * 60 MB once it has drawn slides), so a pool is sized to what half the available memory holds at 64 MiB a worker,
 * whatever count was asked for (`--workers 99999` once filled 15 GB before anything ran).
 * @module
 */
import type { Plan } from "../plan/plan.ts";

/** The memory a worker is given room for when a pool is sized. */
export const WORKER_MEMORY: number = 64 * 2 ** 20;

/**
 * The most workers half of `available` bytes holds, at least 1.
 *
 * @param available The memory available (MemAvailable), or null where unknown (no bound then).
 * @returns The count, or Infinity when the memory is unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workersMemoryHolds } from "./worker_budget.ts";
 * assert.equal(workersMemoryHolds(16 * 2 ** 30), 128);
 * assert.equal(workersMemoryHolds(10 * 2 ** 20), 1);
 * assert.equal(workersMemoryHolds(null), Infinity);
 * ```
 */
export function workersMemoryHolds(available: number | null): number {
  return available === null ? Infinity : Math.max(1, Math.floor(available / 2 / WORKER_MEMORY));
}

/**
 * The size of a plan's local pool: the workers its limits ask for, but no more than it has steps (a plan without
 * templates spawns none while it runs, so a further worker would never get one) nor than the memory holds.
 *
 * @param plan The plan.
 * @param available The memory available, or null where unknown.
 * @param cores The machine's cores: a pool of them is the default, and fewer for a plan of fewer steps is not
 *   worth a word (before, every small render said "2 workers asked for" to a user who had asked for none).
 * @returns The size, and why it is less than asked (null when it is not, or when it is the default cut to the
 *   steps).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolSize } from "./worker_budget.ts";
 * const plan = { limits: { workers: 99_999 }, steps: new Array(11), templates: [] };
 * assert.deepEqual(poolSize(plan, 16 * 2 ** 30), { size: 11, why: "one a step: the plan has 11" });
 * const spawning = { ...plan, templates: [{}] };
 * assert.equal(poolSize(spawning, 16 * 2 ** 30).size, 128);
 * assert.deepEqual(poolSize({ ...plan, limits: { workers: 4 } }, 16 * 2 ** 30), { size: 4, why: null });
 * assert.deepEqual(poolSize({ ...plan, limits: { workers: 2 }, steps: [{}] }, 16 * 2 ** 30, 2), { size: 1, why: null });
 * ```
 */
export function poolSize(
  plan: { limits: Pick<Plan["limits"], "workers">; steps: readonly unknown[]; templates: readonly unknown[] },
  available: number | null,
  cores: number = navigator.hardwareConcurrency,
): { size: number; why: string | null } {
  const asked = plan.limits.workers;
  const steps = plan.templates.length === 0 ? Math.max(1, plan.steps.length) : Infinity;
  const memory = workersMemoryHolds(available);
  const size = Math.min(asked, steps, memory);
  if (size === asked || (size === steps && asked <= cores)) return { size, why: null };
  return {
    size,
    why: size === steps
      ? `one a step: the plan has ${steps}`
      : `what half the available memory holds at ${WORKER_MEMORY / 2 ** 20} MiB a worker`,
  };
}
