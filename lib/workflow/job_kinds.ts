/**
 * The registered job kinds. Adding a kind is a folder under `lib/jobs/` and one line here; no other kind's files
 * change.
 * @module
 */
import type { z } from "zod";
import { customKind } from "../jobs/custom/custom_kind.ts";
import { lessonKind } from "../jobs/lesson/lesson_kind.ts";
import type { JobKind } from "../schema/job_kind.ts";

/**
 * Every job kind a workflow may hold, by name, in the order their steps are planned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JOB_KINDS } from "./job_kinds.ts";
 * assert.deepEqual(Object.keys(JOB_KINDS), ["lesson", "custom"]);
 * ```
 */
export const JOB_KINDS = {
  lesson: lessonKind,
  custom: customKind,
} as const;

/** A job kind's name. */
export type JobKindName = keyof typeof JOB_KINDS;

/** What a kind resolves to. */
type JobOf<K> = K extends JobKind<z.ZodRawShape, infer Job> ? Job : never;

/** A workflow's jobs, by kind: null where it has none of a kind. */
export type ResolvedJobs = { [K in JobKindName]: JobOf<(typeof JOB_KINDS)[K]> | null };

/**
 * The kinds as one list with their types erased, for code that treats every kind alike.
 *
 * @returns `[name, kind]` pairs, in planning order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobKinds } from "./job_kinds.ts";
 * assert.equal(jobKinds()[0]?.[0], "lesson");
 * ```
 */
export function jobKinds(): [JobKindName, JobKind<z.ZodRawShape, unknown>][] {
  return Object.entries(JOB_KINDS) as unknown as [JobKindName, JobKind<z.ZodRawShape, unknown>][];
}
