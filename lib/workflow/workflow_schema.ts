/**
 * The workflow file format: the fields every workflow has and those each job kind owns, composed into one zod
 * schema; and the resolved workflow the engine works on (every field present, absence an explicit `null`).
 * @module
 */
import { z } from "zod";
import type { WorkflowIssue } from "../core/errors.ts";
import type { ResolvedLimits } from "../plan/limits.ts";
import type { ResolvedProvider } from "../plan/provider_settings.ts";
import { commonFields } from "../schema/fields.ts";
import { JOB_KINDS, type JobKindRecord, jobKinds, type ResolvedJobs } from "./job_kinds.ts";

/**
 * The schema of a workflow holding jobs of these kinds: the common fields and every kind's own.
 *
 * @param kinds The kinds.
 * @returns The schema (its fields' types erased; {@linkcode workflowSchema} keeps them for the registered kinds).
 * @throws {RangeError} When two kinds (or a kind and the common fields) claim one field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JOB_KINDS } from "./job_kinds.ts";
 * import { workflowSchemaOf } from "./workflow_schema.ts";
 * assert.ok("videos" in workflowSchemaOf(JOB_KINDS).shape);
 * ```
 */
export function workflowSchemaOf(kinds: JobKindRecord): z.ZodObject {
  const shape: Record<string, z.core.$ZodType> = { ...commonFields };
  for (const [name, kind] of jobKinds(kinds)) {
    for (const [field, schema] of Object.entries(kind.fields)) {
      if (field in shape) {
        throw new RangeError(`Job kind "${name}" claims the field "${field}", which is taken`);
      }
      shape[field] = schema;
    }
  }
  return z.strictObject(shape);
}

/** The schema of a workflow file's default export, before resolution (the registered kinds, with their types). */
export const workflowSchema = z.strictObject({
  ...commonFields,
  ...JOB_KINDS.lesson.fields,
  ...JOB_KINDS.transcribe.fields,
  ...JOB_KINDS.custom.fields,
  ...JOB_KINDS.variants.fields,
  ...JOB_KINDS.montage.fields,
});

/** A workflow as a workflow file writes it (optional fields may be left out). */
export type WorkflowInput = z.input<typeof workflowSchema>;

/** A workflow the engine can plan: every field present. */
export interface ResolvedWorkflow {
  /** Its name (from the file name when not given). */
  name: string;
  /** The workflow file as a URL; workers import it to find custom steps. */
  moduleUrl: string;
  /** The file as the user named it, for messages. */
  file: string;
  /** Base timeout of every step, in ms, or null for each kind's default. */
  timeout: number | null;
  /** Its limits. */
  limits: ResolvedLimits;
  /** Its HTTP providers. */
  providers: ResolvedProvider[];
  /** Its jobs, by kind. */
  jobs: ResolvedJobs;
  /**
   * Gives a mistake found after the file loaded (a render's checks: an espeak-ng voice, a slide's text) the line and
   * column of its value, as the load's own messages have them.
   */
  placeIssue?: (issue: WorkflowIssue) => WorkflowIssue;
}
