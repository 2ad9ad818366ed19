/**
 * Planning workflows: every job of every workflow expanded by its kind, then checked, ordered and keyed as one
 * plan.
 * @module
 */
import { WorkflowError, WorkflowErrors, type WorkflowIssue } from "../core/errors.ts";
import type { ResolvedLimits } from "../plan/limits.ts";
import { assemblePlan, type Plan } from "../plan/plan.ts";
import type { Draft } from "../plan/plan_step.ts";
import type { ResolvedProvider } from "../plan/provider_settings.ts";
import type { Toolchain } from "../plan/toolchain.ts";
import type { PlanContext } from "../schema/job_kind.ts";
import { type JobKindRecord, jobKinds } from "./job_kinds.ts";
import type { ResolvedWorkflow } from "./workflow_schema.ts";

/** Options for {@linkcode planWorkflows}. */
export interface PlanWorkflowsOptions {
  /** The local engines' versions, part of keys. */
  toolchain: Toolchain;
  /** Limits that override the first workflow's. */
  limits?: Partial<ResolvedLimits>;
  /** The job kinds to plan. @default JOB_KINDS */
  kinds?: JobKindRecord;
}

/**
 * Expands workflows into one plan.
 *
 * @param workflows Resolved workflows; the first one's limits apply unless `limits` overrides them.
 * @param options The toolchain, and limit overrides.
 * @returns The plan.
 * @throws {WorkflowError} When ids clash across workflows, an input names no step, or steps form a cycle.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planWorkflows } from "./plan_workflows.ts";
 * import { resolveWorkflow } from "./resolve_workflow.ts";
 * const workflow = await resolveWorkflow(
 *   { formats: ["16:9"], videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] },
 *   { file: "a.ts", moduleUrl: "file:///a.ts" },
 * );
 * const toolchain = { ffmpeg: "ffmpeg 5.1", espeak: null, slides: "resvg 2.6.2", encoders: null };
 * // speech, cues, slide, title card, narration, stills, video, SRT, VTT
 * assert.ok(planWorkflows([workflow], { toolchain }).steps.length === 9);
 * ```
 */
export function planWorkflows(workflows: readonly ResolvedWorkflow[], options: PlanWorkflowsOptions): Plan {
  const first = workflows[0];
  if (first === undefined) throw new RangeError("planWorkflows() needs at least one workflow");
  checkIdsAcrossWorkflows(workflows, options.kinds);
  const steps: Draft[] = [];
  const templates: Draft[] = [];
  const summary: string[] = [];
  const items: string[] = [];
  const providers = new Map<string, ResolvedProvider>();
  for (const workflow of workflows) {
    for (const provider of workflow.providers) {
      if (!providers.has(provider.name)) providers.set(provider.name, provider);
    }
    const context: PlanContext = {
      file: workflow.file,
      moduleUrl: workflow.moduleUrl,
      timeout: workflow.timeout,
      providers: new Map(workflow.providers.map((provider) => [provider.name, provider])),
      toolchain: options.toolchain,
    };
    for (const [name, kind] of jobKinds(options.kinds)) {
      const job = workflow.jobs[name];
      if (job === null || job === undefined) continue;
      const planned = kind.plan(job, context);
      steps.push(...planned.steps);
      templates.push(...planned.templates);
      // Each line under its file's name when there are several (nt22: two workflows' lines read as one's).
      const prefix = workflows.length > 1 ? `${workflow.file}: ` : "";
      summary.push(...kind.describe(job).map((line) => `${prefix}${line}`));
      if (kind.items !== undefined && !items.includes(kind.items)) items.push(kind.items);
    }
  }
  return assemblePlan({
    steps,
    templates,
    limits: { ...first.limits, ...definedOnly(options.limits ?? {}) },
    toolchain: options.toolchain,
    providers: [...providers.values()],
    files: workflows.map((workflow) => workflow.file),
    summary,
    items,
  });
}

/**
 * Ids a kind names its items by (videos, montages, recordings, variants jobs) must be unique across the jobs and
 * workflows of one run: they name outputs, steps and `--only`. Every id used again is told, at that id (nt12: at the
 * list, and only the first), each file's in one error.
 */
function checkIdsAcrossWorkflows(workflows: readonly ResolvedWorkflow[], kinds?: JobKindRecord): void {
  const seen = new Map<string, { file: string; field: string }>();
  const errors: WorkflowError[] = [];
  for (const workflow of workflows) {
    const issues: WorkflowIssue[] = [];
    for (const [name, kind] of jobKinds(kinds)) {
      const job = workflow.jobs[name];
      const field = kind.idsField;
      for (const [index, id] of (job === null || job === undefined ? [] : kind.ids(job)).entries()) {
        const other = seen.get(id);
        if (other !== undefined) {
          // Before: "Id "a" is also used in t.ts → at videos", of a workflow with no videos.
          const where = other.file === workflow.file
            ? `in ${other.field}`
            : `in ${other.field} of ${other.file}`;
          issues.push({
            path: `${field}[${index}].id`,
            message: `Id "${id}" is used ${where} too: ids name outputs and steps, one thing each in a run`,
          });
          continue;
        }
        seen.set(id, { file: workflow.file, field });
      }
    }
    if (issues.length > 0) errors.push(new WorkflowError(workflow.file, issues));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new WorkflowErrors(errors);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
