/**
 * The context a workflow file's own code runs in: its import (its top-level code) and the promises, timers and
 * callbacks that code starts carry it, so an error it lets escape (a timer's throw, a promise it did not await) is
 * told as the workflow's, named by its file, not as Deno's crash.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Holds the workflow file's path while its code, or what that code started, runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workflowCode } from "./workflow_code.ts";
 * assert.equal(await workflowCode.run("lesson.ts", () => Promise.resolve().then(() => workflowCode.getStore())), "lesson.ts");
 * assert.equal(workflowCode.getStore(), undefined);
 * ```
 */
export const workflowCode: AsyncLocalStorage<string> = new AsyncLocalStorage<string>();

/**
 * What a workflow that calls `Deno.exit` is told: while it loads, and from its code once loaded.
 *
 * @param code The exit code it gave, if any.
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exitCalled } from "./workflow_code.ts";
 * assert.match(exitCalled(0), /^The workflow called Deno\.exit\(0\)/);
 * ```
 */
export function exitCalled(code?: number): string {
  return `The workflow called Deno.exit(${code ?? ""}): a workflow file must export its workflow`;
}

/**
 * Makes `Deno.exit`, called from a workflow's own code (a timer it started, once it has loaded), throw instead of
 * ending the process: an error that escapes, which a render tells as the workflow's (fi5: exit 0, nothing written,
 * nothing said). Calls from anywhere else exit as before.
 *
 * @returns What puts `Deno.exit` back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guardExit, workflowCode } from "./workflow_code.ts";
 * const restore = guardExit();
 * assert.throws(() => workflowCode.run("lesson.ts", () => Deno.exit(0)), /called Deno\.exit\(0\)/);
 * restore();
 * ```
 */
export function guardExit(): () => void {
  const exit = Deno.exit;
  Deno.exit = (code?: number): never => {
    if (workflowCode.getStore() === undefined) return exit(code);
    throw new Error(exitCalled(code));
  };
  return () => {
    Deno.exit = exit;
  };
}
