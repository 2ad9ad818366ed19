/**
 * The workflow file format: the fields every workflow has and those each job kind owns, composed into one zod
 * schema; and the resolved workflow the engine works on (every field present, absence an explicit `null`).
 * @module
 */
import { z } from "zod";
import type { ResolvedLimits } from "../plan/limits.ts";
import type { ResolvedProvider } from "../plan/provider_settings.ts";
import { commonFields } from "../schema/fields.ts";
import { JOB_KINDS, type ResolvedJobs } from "./job_kinds.ts";

/** The schema of a workflow file's default export, before resolution. */
export const workflowSchema = z.strictObject({
  ...commonFields,
  ...JOB_KINDS.lesson.fields,
  ...JOB_KINDS.custom.fields,
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
}
