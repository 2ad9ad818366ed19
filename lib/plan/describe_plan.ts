/**
 * The `plan` printout: steps by kind, the DAG's depth, and how the layered limits combine.
 * @module
 */
import { summarizeLimits } from "../run/layered_limits.ts";
import type { Plan } from "./plan_workflow.ts";

/**
 * The length of the longest dependency chain, counted in steps.
 *
 * @param plan The plan (steps in topological order).
 * @returns The depth; 0 for an empty plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planDepth } from "./describe_plan.ts";
 * // assert.ok(planDepth(plan) === 3); // speech → clip → concat
 * ```
 */
export function planDepth(plan: Plan): number {
  const depth = new Map<string, number>();
  let deepest = 0;
  for (const step of plan.steps) {
    const own = 1 + Math.max(0, ...step.deps.map((dep) => depth.get(dep) ?? 0));
    depth.set(step.id, own);
    deepest = Math.max(deepest, own);
  }
  return deepest;
}

/**
 * Describes a plan in a few lines of text.
 *
 * @param plan The plan.
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * import { describePlan } from "./describe_plan.ts";
 * // console.log(describePlan(plan));
 * ```
 */
export function describePlan(plan: Plan): string {
  const videos = plan.workflows.reduce((sum, workflow) => sum + workflow.videos.length, 0);
  const sections = plan.workflows.reduce(
    (sum, workflow) => sum + workflow.videos.reduce((n, video) => n + video.sections.length, 0),
    0,
  );
  const formats = [
    ...new Set(
      plan.workflows.flatMap((workflow) => workflow.formats.map((f) => `${f.name} (${f.width}×${f.height})`)),
    ),
  ];
  const byKind = new Map<string, number>();
  for (const step of plan.steps) byKind.set(step.kind, (byKind.get(step.kind) ?? 0) + 1);
  const providers = new Map<string, number>();
  for (const step of plan.steps) {
    if (step.provider !== null) providers.set(step.provider, (providers.get(step.provider) ?? 0) + 1);
  }
  const { limits } = plan;
  const { product, bound } = summarizeLimits(limits);
  const lines = [
    `workflows: ${plan.workflows.map((workflow) => workflow.file).join(", ")}`,
    `${videos} video${videos === 1 ? "" : "s"}, ${sections} sections, formats: ${formats.join(", ")}`,
    `steps: ${plan.steps.length} (${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(", ")})`,
    `provider calls: ${[...providers].map(([id, n]) => `${n} ${id}`).join(", ") || "none"}`,
    `DAG depth: ${planDepth(plan)}`,
    `limits: ${limits.videos} videos × ${limits.sections} sections × ${limits.api} api = ${product} → global ${limits.global}` +
    providerLimits(plan) + ` → ${bound} provider calls in flight at most`,
    `pool: ${limits.workers} workers, ${limits.cpu} CPU-heavy steps at once`,
  ];
  return `${lines.join("\n")}\n`;
}

function providerLimits(plan: Plan): string {
  const called = new Set(plan.steps.map((step) => step.provider));
  const parts = [];
  const seen = new Set<string>();
  for (const provider of plan.workflows.flatMap((workflow) => workflow.providers)) {
    if (seen.has(provider.name) || !called.has(provider.name)) continue;
    seen.add(provider.name);
    const perSecond = provider.rate.per === 1000;
    const rates = [
      provider.rate.requests === null ? null : `${provider.rate.requests} ${perSecond ? "req/s" : "rpm"}`,
      provider.rate.tokens === null ? null : `${provider.rate.tokens} ${perSecond ? "tokens/s" : "tpm"}`,
      `${provider.concurrency} at once`,
    ].filter((part) => part !== null);
    parts.push(`${provider.name} ${rates.join(", ")}`);
  }
  return parts.length === 0 ? "" : ` → ${parts.join("; ")}`;
}
