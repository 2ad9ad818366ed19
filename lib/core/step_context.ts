/**
 * The step whose code runs now on a worker, carried by the promises, timers and callbacks its code starts (an
 * `AsyncLocalStorage`): the worker tells an error a step's code lets escape (a timer's throw, a promise it did not
 * await) as that step's. Code a step loads for every later step (a kind's module, the workflow module of custom
 * steps) is loaded outside it, so what that code starts at its top level is no step's.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The running step's task number on this worker, or undefined outside any step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runningStep } from "./step_context.ts";
 * assert.equal(await runningStep.run(7, () => Promise.resolve().then(() => runningStep.getStore())), 7);
 * ```
 */
export const runningStep: AsyncLocalStorage<number | undefined> = new AsyncLocalStorage<number | undefined>();

/**
 * Runs `load` outside any step's context (Deno's `AsyncLocalStorage.exit` keeps it).
 *
 * @param load What to run: an import, usually.
 * @returns What it returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outsideSteps, runningStep } from "./step_context.ts";
 * const inside = await runningStep.run(7, () => outsideSteps(() => Promise.resolve().then(() => runningStep.getStore())));
 * assert.equal(inside, undefined);
 * ```
 */
export function outsideSteps<T>(load: () => T): T {
  return runningStep.run(undefined, load);
}
