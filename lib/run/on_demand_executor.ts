/**
 * An executor opened on first use: a render whose steps are all stored starts no worker (each worker loads every
 * step kind, tens of megabytes and a core's worth of start-up), unless a step needs one after all.
 * @module
 */
import type { ExecuteOptions, Execution, StepExecutor } from "../core/executor.ts";
import type { StepTask } from "../core/step_task.ts";

/**
 * Opens its executor on the first step it is given, once, and passes every step on to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StepExecutor } from "../core/executor.ts";
 * import { OnDemandExecutor } from "./on_demand_executor.ts";
 * let opened = 0;
 * const executor = new OnDemandExecutor(() => {
 *   opened++;
 *   return Promise.resolve({} as StepExecutor);
 * });
 * await executor.close();
 * assert.equal(opened, 0);
 * ```
 */
export class OnDemandExecutor implements StepExecutor {
  readonly #open: () => Promise<StepExecutor>;
  #opened: Promise<StepExecutor> | null = null;

  /** @param open Opens the executor the steps run on. */
  constructor(open: () => Promise<StepExecutor>) {
    this.#open = open;
  }

  /** Opens the executor if it is not yet, then runs the step on it. */
  async execute(task: StepTask, options: ExecuteOptions): Promise<Execution> {
    this.#opened ??= this.#open();
    return await (await this.#opened).execute(task, options);
  }

  /** Closes the executor if it was opened (one that failed to open was reported by the steps it failed). */
  async close(): Promise<void> {
    await this.#opened?.then((executor) => executor.close(), () => {});
  }
}
