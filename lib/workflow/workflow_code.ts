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
