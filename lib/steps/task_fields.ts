/**
 * Reading a task's inputs and params: numbers from values, artifact paths, the output path.
 * @module
 */
import type { Json } from "../core/json.ts";
import type { StepTask } from "../core/step_task.ts";

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
 * import { numberField } from "./task_fields.ts";
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
 * Reads a list of numbers from a step output's value.
 *
 * @param value A step's value.
 * @param field The field name.
 * @returns The numbers.
 * @throws {TypeError} When the field is not an array of finite numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numbersField } from "./task_fields.ts";
 * assert.deepEqual(numbersField({ frames: [30, 45] }, "frames"), [30, 45]);
 * ```
 */
export function numbersField(value: Json, field: string): number[] {
  const found = typeof value === "object" && value !== null && !Array.isArray(value)
    ? value[field]
    : undefined;
  if (!Array.isArray(found) || found.some((item) => typeof item !== "number" || !Number.isFinite(item))) {
    throw new TypeError(`Expected a list of numbers in field "${field}" of a step's value`);
  }
  return found as number[];
}

/**
 * Reads the seconds of media a step's value says it holds: its `duration` field (a narration's length, an audio
 * chunk's), the measure of media that timeouts and progress rates use.
 *
 * @param value A step's value.
 * @returns The duration, or null when the value has no finite `duration`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { durationOf } from "./task_fields.ts";
 * assert.equal(durationOf({ duration: 2.5 }), 2.5);
 * assert.equal(durationOf("text"), null);
 * ```
 */
export function durationOf(value: Json): number | null {
  const found = typeof value === "object" && value !== null && !Array.isArray(value) ? value.duration : null;
  return typeof found === "number" && Number.isFinite(found) ? found : null;
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
 * import { inputPath } from "./task_fields.ts";
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
 * import { outputPath } from "./task_fields.ts";
 * // await Deno.writeFile(outputPath(task), bytes);
 * ```
 */
export function outputPath(task: StepTask): string {
  if (task.outputPath === null) throw new TypeError(`Step "${task.id}" has no output path`);
  return task.outputPath;
}
