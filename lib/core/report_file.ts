/**
 * The name of the run report every render writes in its output folder: no step may publish an output of that name.
 * @module
 */

/**
 * The report's file name in the output folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REPORT_FILE } from "./report_file.ts";
 * assert.equal(REPORT_FILE, "report.html");
 * ```
 */
export const REPORT_FILE = "report.html";
