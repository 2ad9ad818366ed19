/**
 * Where a file a workflow names is: relative to the workflow file's folder, an absolute path kept. The name is taken
 * as it is written, never parsed as a URL, so `100%.png`, `50%25.png`, `slide#1.png`, `what?.png` and names with a
 * tab or a newline are the files of those exact names.
 * @module
 */
import { posix } from "node:path";

/**
 * The folder of a workflow file, as a path.
 *
 * @param moduleUrl The workflow file's `file:` URL.
 * @returns Its folder's absolute path, without a trailing slash (`/` for the root).
 * @throws {TypeError} When `moduleUrl` is not a URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workflowDir } from "./workflow_path.ts";
 * assert.equal(workflowDir("file:///home/me/100%25%20done/lesson.ts"), "/home/me/100% done");
 * assert.equal(workflowDir("file:///lesson.ts"), "/");
 * ```
 */
export function workflowDir(moduleUrl: string): string {
  const file = decodeURIComponent(new URL(moduleUrl).pathname);
  return file.slice(0, file.lastIndexOf("/")) || "/";
}

/**
 * Resolves a path a workflow names: relative to the workflow file's folder, or absolute as written; `.` and `..`
 * segments and doubled slashes are folded, every other character is part of the name.
 *
 * @param file The path as written in the workflow.
 * @param moduleUrl The workflow file's `file:` URL.
 * @returns The absolute path.
 * @throws {TypeError} When `moduleUrl` is not a URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workflowPath } from "./workflow_path.ts";
 * assert.equal(workflowPath("art/50%25 #1?.png", "file:///w/lesson.ts"), "/w/art/50%25 #1?.png");
 * assert.equal(workflowPath("../m.wav", "file:///w/lesson.ts"), "/m.wav");
 * assert.equal(workflowPath("/srv/a.png", "file:///w/lesson.ts"), "/srv/a.png");
 * ```
 */
export function workflowPath(file: string, moduleUrl: string): string {
  return posix.normalize(file.startsWith("/") ? file : `${workflowDir(moduleUrl)}/${file}`);
}
