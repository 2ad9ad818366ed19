/**
 * Validates a workflow's default export and resolves it: the common fields here, each job kind's fields by that
 * kind. The one place where defaults are applied.
 * @module
 */
import { WorkflowError, type WorkflowIssue } from "../core/errors.ts";
import type { ResolveContext } from "../schema/job_kind.ts";
import { resolveLimits, resolveProviders } from "../schema/resolve_common.ts";
import { toWorkflowIssues } from "../schema/workflow_issues.ts";
import { readingThrew, valueProblem } from "./nesting_limit.ts";
import { NEEDS_A_JOB } from "./needs_a_job.ts";
import type { CommonInput } from "../schema/fields.ts";
import { type JobKindRecord, jobKinds, type ResolvedJobs } from "./job_kinds.ts";
import { type ResolvedWorkflow, workflowSchema, workflowSchemaOf } from "./workflow_schema.ts";

/** Where a resolved workflow comes from, and what it may read. */
export interface ResolveOptions {
  /** The file as the user named it, for messages. */
  file: string;
  /** The file as a URL; relative paths resolve against it. */
  moduleUrl: string;
  /** Number of cores, for the worker and CPU pools. @default navigator.hardwareConcurrency */
  cores?: number;
  /** Reads environment variables (a provider's base URL). @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** The job kinds the workflow may hold. @default JOB_KINDS */
  kinds?: JobKindRecord;
}

/**
 * Validates `value` against the workflow schema and resolves every field.
 *
 * @param value The workflow file's default export.
 * @param options The file it came from.
 * @returns The resolved workflow.
 * @throws {WorkflowError} With every issue and its path when the value is not a valid workflow.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveWorkflow } from "./resolve_workflow.ts";
 * const resolved = await resolveWorkflow(
 *   { videos: [{ id: "intro", sections: [{ title: "Hi", narration: "Hello" }] }] },
 *   { file: "inline.ts", moduleUrl: "file:///tmp/inline.ts" },
 * );
 * assert.ok(resolved.jobs.lesson?.formats.length === 3);
 * ```
 */
export async function resolveWorkflow(value: unknown, options: ResolveOptions): Promise<ResolvedWorkflow> {
  const { file, moduleUrl, cores = navigator.hardwareConcurrency, env = Deno.env.get, kinds } = options;
  const schema = kinds === undefined ? workflowSchema : workflowSchemaOf(kinds);
  // The schema recurses through the value: one that contains itself or nests without end, has a hole in a list or
  // throws when read is refused first, at its path.
  const problem = valueProblem(value);
  if (problem !== null) throw new WorkflowError(file, [problem]);
  let parsed;
  try {
    parsed = schema.safeParse(value, { reportInput: true });
  } catch (error) {
    // A value read only by the schema threw (a Proxy's trap, say): the file is named, with what it threw.
    throw new WorkflowError(file, [readingThrew("", error)], { cause: error });
  }
  if (!parsed.success) {
    throw new WorkflowError(file, toWorkflowIssues(parsed.error.issues, schema, { input: value }));
  }
  const input = parsed.data as CommonInput & Record<string, unknown>;
  const issues: WorkflowIssue[] = [];
  const providers = resolveProviders(input.providers, { env, issues });
  const context: ResolveContext = {
    file,
    moduleUrl,
    env,
    providers: new Map(providers.map((provider) => [provider.name, provider])),
    timeout: input.timeout ?? null,
    issues,
  };
  const jobs: Record<string, unknown> = {};
  for (const [name, kind] of jobKinds(kinds)) jobs[name] = await kind.resolve(input, context);
  if (Object.values(jobs).every((job) => job === null)) {
    issues.push({
      path: "videos",
      message: `Required field is missing: ${NEEDS_A_JOB}`,
    });
  }
  if (issues.length > 0) throw new WorkflowError(file, issues);
  return {
    name: input.name ?? nameFromUrl(moduleUrl),
    moduleUrl,
    file,
    timeout: input.timeout ?? null,
    limits: resolveLimits(input.limits, cores),
    providers,
    jobs: jobs as unknown as ResolvedJobs,
  };
}

function nameFromUrl(moduleUrl: string): string {
  const base = moduleUrl.split("/").pop() ?? "workflow";
  return base.replace(/\.(?:[cm]?[jt]sx?|json|ya?ml)$/i, "").toLowerCase().replace(/[^a-z0-9_-]+/g, "-") ||
    "workflow";
}
