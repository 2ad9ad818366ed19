/**
 * The words for a workflow load still going on, on its own: the step workers' load watch says them too, and must
 * not load the workflow loader's modules to do so (they cost each worker ~35 MB and a render's CPU).
 * @module
 */

/**
 * What a load still going on after `afterMs` is told: by this thread when it runs (a top-level await that waits), by
 * a watchdog when the workflow's code holds it (`blocked`).
 *
 * @param file The workflow file.
 * @param state How long, and whether its code holds the main thread.
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stillLoading } from "./still_loading.ts";
 * assert.match(stillLoading("a.ts", { afterMs: 10_000, blocked: true }), /^Still loading a\.ts after 10 s: .*endless loop/);
 * ```
 */
export function stillLoading(file: string, state: { afterMs: number; blocked: boolean }): string {
  const why = state.blocked
    ? "its code has not returned (an endless loop?)"
    : "its imports or its code are still loading (a top-level await that waits for something?)";
  return `Still loading ${file} after ${Math.round(state.afterMs / 1000)} s: ${why}; Ctrl-C stops`;
}
