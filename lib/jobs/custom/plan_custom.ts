/**
 * Planning custom steps: each one a step of kind `custom`, keyed by its code and params; steps marked `child`
 * become templates that run only when spawned.
 * @module
 */
import { join } from "node:path";
import { withReads } from "../../media/planned_reads.ts";
import type { Draft } from "../../plan/plan_step.ts";
import type { JobPlan, PlanContext } from "../../schema/job_kind.ts";
import { workflowDir } from "../../schema/workflow_path.ts";
import { kindFields } from "../../steps/step_kind.ts";
import type { ResolvedCustomStep } from "./custom_schema.ts";
import { customStep } from "./custom_step.ts";

/**
 * Expands a workflow's custom steps.
 *
 * @param steps The resolved custom steps, in the order written.
 * @param context The workflow module and file.
 * @returns Steps, and the templates of `child` steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planCustomSteps } from "./plan_custom.ts";
 * const step = { id: "a", inputs: [], params: {}, cpu: true, retries: 0, child: false, output: null, timeout: 1000, code: { digest: "d" } };
 * const toolchain = { ffmpeg: "f", espeak: null, slides: "s", encoders: null };
 * const plan = planCustomSteps([step], { file: "a.ts", moduleUrl: "file:///a.ts", timeout: null, providers: new Map(), toolchain });
 * assert.equal(plan.steps[0]?.kind, "custom");
 * ```
 */
export function planCustomSteps(steps: readonly ResolvedCustomStep[], context: PlanContext): JobPlan {
  const drafts = steps.map((step, i): Draft => ({
    ...kindFields(customStep),
    id: step.id,
    params: { step: step.id, params: step.params },
    // Its declared files, read by its code by path, are named by their path from the workflow's folder.
    runtime: withReads(
      { module: context.moduleUrl, place: `steps[${i}]` },
      Object.entries(step.code.files ?? {}).map(([path, sha256]) => ({
        path: join(workflowDir(context.moduleUrl), path),
        sha256,
      })),
    ),
    deps: step.inputs,
    scope: { item: null, part: null },
    provider: null,
    tokenCost: 0,
    engine: step.code,
    cpu: step.cpu,
    retries: step.retries,
    backoff: { base: 200, cap: 5000 },
    timeout: { ms: step.timeout, perMediaSecond: 0 },
    output: step.output,
    extension: "bin",
    workflow: context.file,
  }));
  return {
    steps: drafts.filter((_, i) => !steps[i]!.child),
    templates: drafts.filter((_, i) => steps[i]!.child),
  };
}
