/**
 * The typed messages between the main thread and a step worker, checked on both sides.
 * @module
 */
import type { RateLimitInfo, StepFailure, StepResult, StepTask } from "../core/step_task.ts";
import { isRecord } from "../core/is_record.ts";

/** Messages the main thread sends a worker. */
export type ToWorker =
  | { type: "run"; taskId: number; task: StepTask }
  | { type: "cancel"; taskId: number }
  /** Load these kinds' code and ready them (their definitions' `warm`) before their first steps. */
  | { type: "warm"; kinds: string[] }
  /** Watch a workflow's load (see `load_watchdog.ts`) until `load-done`; `alive` answers the worker's `alive?`. */
  | { type: "watch-load"; file: string; slowAfterMs: number; answerMs: number }
  | { type: "load-done" }
  | { type: "alive" }
  /** The answer to the step's `borrow`: a core is lent (`granted`), or none will be (the request is over). */
  | { type: "lent"; taskId: number; loan: number; granted: boolean };

/** Messages a worker sends the main thread. */
export type FromWorker =
  | { type: "ready" }
  /** Sent while it watches a load: that it listens (`watching`), and whether the main thread runs (`alive?`). */
  | { type: "watching" }
  | { type: "alive?" }
  | { type: "done"; taskId: number; result: StepResult }
  /** Sent as soon as a provider answers, so the main thread paces every worker by its headers at once. */
  | { type: "rate-limit"; taskId: number; info: RateLimitInfo }
  /** Sent as a step reports how far it is (0…1). */
  | { type: "progress"; taskId: number; fraction: number }
  /** Sent when the step's own code starts, its kind's code loaded and ready (see `StepKindDefinition.prepare`). */
  | { type: "running"; taskId: number }
  /** The step asks for a core more (see `StepContext.borrowCore`); `return` gives it back or withdraws the ask. */
  | { type: "borrow"; taskId: number; loan: number }
  | { type: "return"; taskId: number; loan: number }
  | { type: "failed"; taskId: number; failure: StepFailure }
  /**
   * An error a step's code let escape (a timer's throw, a promise it did not await) after the step had ended, in
   * words: the worker goes on, and the step's result stands.
   */
  | { type: "stray"; step: string; error: string };

/**
 * Checks a message received by a worker.
 *
 * @param value The message data.
 * @returns True when it is a {@linkcode ToWorker}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isToWorker } from "./worker_protocol.ts";
 * assert.ok(isToWorker({ type: "cancel", taskId: 1 }));
 * assert.ok(!isToWorker({ type: "cancel" }));
 * assert.ok(isToWorker({ type: "warm", kinds: ["slide"] }));
 * ```
 */
export function isToWorker(value: unknown): value is ToWorker {
  if (!isRecord(value)) return false;
  if (value.type === "warm") {
    return Array.isArray(value.kinds) && value.kinds.every((kind) => typeof kind === "string");
  }
  if (value.type === "watch-load") {
    return typeof value.file === "string" && typeof value.slowAfterMs === "number" &&
      typeof value.answerMs === "number";
  }
  if (value.type === "load-done" || value.type === "alive") return true;
  if (typeof value.taskId !== "number") return false;
  if (value.type === "lent") return typeof value.loan === "number" && typeof value.granted === "boolean";
  return (value.type === "run" && isRecord(value.task)) || value.type === "cancel";
}

/**
 * Checks a message received from a worker.
 *
 * @param value The message data.
 * @returns True when it is a {@linkcode FromWorker}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFromWorker } from "./worker_protocol.ts";
 * assert.ok(isFromWorker({ type: "ready" }));
 * assert.ok(isFromWorker({ type: "stray", step: "intro", error: "Error: late" }));
 * assert.ok(!isFromWorker({ type: "done", taskId: 1 }));
 * assert.ok(isFromWorker({ type: "done", taskId: 1, result: { value: 1, children: [], warnings: ["cut"] } }));
 * assert.ok(!isFromWorker({ type: "done", taskId: 1, result: { value: 1, children: [], warnings: [1] } }));
 * ```
 */
export function isFromWorker(value: unknown): value is FromWorker {
  if (!isRecord(value)) return false;
  if (value.type === "ready" || value.type === "watching" || value.type === "alive?") return true;
  if (value.type === "stray") return typeof value.step === "string" && typeof value.error === "string";
  if (typeof value.taskId !== "number") return false;
  if (value.type === "done") {
    const warnings = isRecord(value.result) ? value.result.warnings : undefined;
    return isRecord(value.result) && Array.isArray(value.result.children) &&
      (warnings === undefined ||
        (Array.isArray(warnings) && warnings.every((line) => typeof line === "string")));
  }
  if (value.type === "failed") return isRecord(value.failure) && typeof value.failure.message === "string";
  if (value.type === "rate-limit") return isRecord(value.info);
  if (value.type === "progress") return typeof value.fraction === "number";
  if (value.type === "borrow" || value.type === "return") return typeof value.loan === "number";
  return value.type === "running";
}
