/**
 * The registered job kinds. Adding a kind is a folder under `lib/jobs/` and one line here; no other kind's files
 * change.
 * @module
 */
import type { z } from "zod";
import { customKind } from "../jobs/custom/custom_kind.ts";
import { lessonKind } from "../jobs/lesson/lesson_kind.ts";
import { montageKind } from "../jobs/montage/montage_kind.ts";
import { variantsKind } from "../jobs/variants/variants_kind.ts";
import { transcribeKind } from "../jobs/transcribe/transcribe_kind.ts";
import type { JobKind } from "../schema/job_kind.ts";

/** Any job kind, its types erased: what code that treats every kind alike sees. */
export type AnyJobKind = JobKind<z.ZodRawShape, unknown>;

/** Job kinds by name. */
export type JobKindRecord = Readonly<Record<string, AnyJobKind>>;

/**
 * Every job kind a workflow may hold, by name, in the order their steps are planned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JOB_KINDS } from "./job_kinds.ts";
 * assert.deepEqual(Object.keys(JOB_KINDS), ["lesson", "transcribe", "custom", "variants", "montage"]);
 * ```
 */
export const JOB_KINDS = {
  lesson: lessonKind,
  transcribe: transcribeKind,
  custom: customKind,
  variants: variantsKind,
  montage: montageKind,
} as const;

/** What a kind resolves to. */
type JobOf<K> = K extends JobKind<z.ZodRawShape, infer Job> ? Job : never;

/** A workflow's jobs, by kind: null where it has none of a kind (a kind added in a test is untyped). */
export type ResolvedJobs =
  & { [K in keyof typeof JOB_KINDS]: JobOf<(typeof JOB_KINDS)[K]> | null }
  & { readonly [kind: string]: unknown };

/**
 * The kinds as `[name, kind]` pairs with their types erased, in planning order.
 *
 * @param kinds The kinds. @default JOB_KINDS
 * @returns The pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobKinds } from "./job_kinds.ts";
 * assert.equal(jobKinds()[0]?.[0], "lesson");
 * ```
 */
export function jobKinds(
  kinds: JobKindRecord = JOB_KINDS as unknown as JobKindRecord,
): [string, AnyJobKind][] {
  return Object.entries(kinds);
}
