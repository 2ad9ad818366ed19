/**
 * What a workflow without a job is told, whether its file is empty or holds fields but no job: its own module, so
 * that the data files' parser says it without loading the job kinds.
 * @module
 */

/**
 * The words, after what is wrong (`Required field is missing: `, `The file is empty: `).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NEEDS_A_JOB } from "./needs_a_job.ts";
 * assert.match(NEEDS_A_JOB, /at least one job/);
 * ```
 */
export const NEEDS_A_JOB = "a workflow needs at least one job (videos)";
