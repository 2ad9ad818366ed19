/**
 * The interface every step kind implements; the worker looks kinds up in {@linkcode ../steps/step_runners.ts}.
 * @module
 */
import type { Json } from "../core/json.ts";
import type { ChildSpec, RateLimitInfo, StepTask } from "../core/step_task.ts";

/** What a step's code gets besides its task. */
export interface StepContext {
  /** Aborted when the run is cancelled; kill children and stop. */
  signal: AbortSignal;
  /** Adds a child step at run time. */
  spawn(child: ChildSpec): void;
  /** Passes a provider's rate-limit headers to the main thread, which paces every worker by them. */
  reportRateLimit(info: RateLimitInfo): void;
}

/** Runs one step kind inside a worker; writes `task.outputPath` when the kind has an artifact. */
export type StepRunner = (task: StepTask, context: StepContext) => Promise<Json>;

/**
 * Reads a number from a step output's value.
 *
 * @param value A step's value.
 * @param field The field name.
 * @returns The number.
 * @throws {TypeError} When the field is not a finite number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberField } from "./step_runner.ts";
 * assert.ok(numberField({ duration: 1.5 }, "duration") === 1.5);
 * ```
 */
export function numberField(value: Json, field: string): number {
  const found = typeof value === "object" && value !== null && !Array.isArray(value)
    ? value[field]
    : undefined;
  if (typeof found !== "number" || !Number.isFinite(found)) {
    throw new TypeError(`Expected a number in field "${field}" of a step's value`);
  }
  return found;
}

/**
 * Reads the path of an input artifact.
 *
 * @param task The task.
 * @param index The input's position.
 * @returns Its path.
 * @throws {TypeError} When the input has no artifact.
 *
 * @example
 * ```ts
 * import { inputPath } from "./step_runner.ts";
 * // const slide = inputPath(task, 0);
 * ```
 */
export function inputPath(task: StepTask, index: number): string {
  const path = task.inputs[index]?.path;
  if (typeof path !== "string") {
    throw new TypeError(`Step "${task.id}" expected an artifact from "${task.inputIds[index]}"`);
  }
  return path;
}

/**
 * The artifact path a step must write.
 *
 * @param task The task.
 * @returns `task.outputPath`.
 * @throws {TypeError} When the task has none.
 *
 * @example
 * ```ts
 * import { outputPath } from "./step_runner.ts";
 * // await Deno.writeFile(outputPath(task), bytes);
 * ```
 */
export function outputPath(task: StepTask): string {
  if (task.outputPath === null) throw new TypeError(`Step "${task.id}" has no output path`);
  return task.outputPath;
}
