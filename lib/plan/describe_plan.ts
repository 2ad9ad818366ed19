/**
 * The `plan` printout: steps by kind, the DAG's depth, and how the layered limits combine.
 * @module
 */
import { plural } from "../core/plural.ts";
import { summarizeLimits } from "./limits.ts";
import type { Json } from "../core/json.ts";
import { type StepStatus, templateMaySpawn } from "./plan_status.ts";
import type { Plan } from "./plan.ts";

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
 * Describes a plan in a few lines of text, with what the store holds when `status` is given.
 *
 * @param plan The plan.
 * @param status What the store holds of each step (from {@linkcode planStatus}), or null.
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * import { describePlan } from "./describe_plan.ts";
 * // console.log(describePlan(plan));
 * ```
 */
export function describePlan(plan: Plan, status: ReadonlyMap<string, StepStatus> | null = null): string {
  const byKind = new Map<string, number>();
  for (const step of plan.steps) byKind.set(step.kind, (byKind.get(step.kind) ?? 0) + 1);
  const providers = new Map<string, number>();
  for (const step of plan.steps) {
    if (step.provider !== null) providers.set(step.provider, (providers.get(step.provider) ?? 0) + 1);
  }
  const spawned = [...new Set(plan.templates.map((template) => template.provider))]
    .filter((provider) => plan.providers.some((http) => http.name === provider))
    .map((provider) =>
      `${provider} by steps spawned at run time (${
        plan.templates.filter((template) => template.provider === provider).map((template) => template.id)
          .join(", ")
      }: how many is known only once they are spawned)`
    );
  const { limits } = plan;
  const { layers, bound } = limitLayers(plan);
  const lines = [
    `workflows: ${plan.files.join(", ")}`,
    ...plan.summary,
    `steps: ${plan.steps.length} (${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(", ")})`,
    `provider calls: ${[...[...providers].map(([id, n]) => `${n} ${id}`), ...spawned].join(", ") || "none"}`,
    `DAG depth: ${planDepth(plan)}`,
    `limits: ${layers}${providerLimits(plan)} → ${inFlight(plan, bound)}`,
    `pool: ${limits.workers} workers, ${limits.cpu} CPU-heavy steps at once, ${limits.custom} custom steps at once`,
  ];
  if (status !== null) {
    const pending = plan.templates.some((template) =>
      plan.providers.some((http) => http.name === template.provider) && templateMaySpawn(template.id, status)
    );
    lines.push(describeStatus(plan, status, pending));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The layers of limits that bound the plan's steps, as the `limits:` line says them, and the most provider calls
 * they let be in flight. Steps of no item (variants, custom steps) are bounded by the global limit alone (nt3: "2
 * videos × 4 sections" of a variants job); a montage's or a recording's steps, by `videos` (they count as videos,
 * said in their kinds' words: `plan.items`) and the global limit: none of them is a section's, and `sections` and
 * `api` count a section's calls (nt6: a transcription was said in a lesson's words).
 */
function limitLayers(plan: Plan): { layers: string; bound: number } {
  const { limits } = plan;
  const scoped = [...plan.steps, ...plan.templates].filter((step) => step.scope.item !== null);
  if (scoped.some((step) => step.scope.part !== null)) {
    const summary = summarizeLimits(limits);
    return {
      layers:
        `${limits.videos} videos × ${limits.sections} sections × ${limits.api} api = ${summary.product} → ` +
        `global ${limits.global}`,
      bound: summary.bound,
    };
  }
  if (scoped.length === 0) return { layers: `global ${limits.global}`, bound: limits.global };
  const plurals = plan.items.length === 0 ? ["videos"] : plan.items;
  // nt8: "1 recordings at once".
  const nouns = limits.videos === 1 ? plurals.map((noun) => noun.replace(/s$/, "")) : plurals;
  return {
    layers: `${limits.videos} ${nouns.join(" and ")} at once (limits.videos) → global ${limits.global}`,
    bound: limits.global,
  };
}

/** One line: how many steps the store holds, how many will run, and the provider calls that will be paid. */
function describeStatus(plan: Plan, status: ReadonlyMap<string, StepStatus>, spawned: boolean): string {
  const values = plan.steps.map((step) => status.get(step.id));
  const stored = values.filter((value) => value?.status === "stored").length;
  const paid = new Map<string, number>();
  for (const step of plan.steps) {
    if (status.get(step.id)?.paid === true) paid.set(step.provider!, (paid.get(step.provider!) ?? 0) + 1);
  }
  const calls = [...paid.values()].reduce((a, b) => a + b, 0);
  const byProvider = [...paid].map(([name, n]) => `${name} ${n}`).join(", ");
  return `store: ${stored} of ${plan.steps.length} steps stored, ${plan.steps.length - stored} to run; ` +
    (calls === 0
      ? spawned ? "provider calls to pay by the steps spawned at run time" : "no provider call to pay"
      : `${plural(calls, "provider call")} to pay (${byProvider})` +
        (spawned ? " and by the steps spawned at run time" : ""));
}

/**
 * The plan as JSON, for `plan --json` and `render --plan --json`: every step with its key, inputs, provider and
 * whether the store holds it or it will run (and be paid for).
 *
 * @param plan The plan.
 * @param status What the store holds of each step.
 * @returns A JSON value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planJson } from "./describe_plan.ts";
 * import { planStatus } from "./plan_status.ts";
 * import { ArtifactStore } from "../store/artifact_store.ts";
 * import { planFiles } from "../run/load_plan.ts";
 * const plan = await planFiles(["workflows/lesson.ts"]);
 * const root = await Deno.makeTempDir();
 * const json = planJson(plan, await planStatus(plan, new ArtifactStore(root)));
 * assert.ok(Array.isArray((json as { steps: unknown[] }).steps));
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export function planJson(plan: Plan, status: ReadonlyMap<string, StepStatus>): Json {
  const steps = plan.steps.map((step) => {
    const of = status.get(step.id);
    return {
      id: step.id,
      kind: step.kind,
      key: of?.key ?? null,
      deps: step.deps,
      provider: step.provider,
      output: step.output,
      status: of?.status ?? "run",
      paid: of?.paid ?? false,
    };
  });
  const stored = steps.filter((step) => step.status === "stored").length;
  const paid: Record<string, number> = {};
  for (const step of steps) if (step.paid) paid[step.provider!] = (paid[step.provider!] ?? 0) + 1;
  return {
    workflows: plan.files,
    limits: { ...plan.limits },
    summary: { steps: steps.length, stored, run: steps.length - stored, paid },
    steps,
  };
}

function providerLimits(plan: Plan): string {
  const called = new Set([...plan.steps, ...plan.templates].map((step) => step.provider));
  const parts = [];
  for (const provider of plan.providers) {
    if (!called.has(provider.name)) continue;
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

/**
 * The most HTTP provider calls in flight: the layered bound, and no more than each HTTP provider's own
 * `concurrency` for its calls. Local engines (espeak, flite, slides, pocketsphinx) take no `api` or `global` permit:
 * the pool bounds them (its CPU-heavy steps at once).
 */
function inFlight(plan: Plan, bound: number): string {
  const called = new Set(
    [...plan.steps, ...plan.templates].map((step) => step.provider).filter((id) => id !== null),
  );
  const http = plan.providers.filter((provider) => called.has(provider.name));
  const local = [...called].some((id) => !http.some((provider) => provider.name === id));
  const byPool = "local engines bounded by the pool";
  // The same words with or without local engines (nt8: "no provider calls" of a montage's, "no HTTP calls" else).
  if (http.length === 0) return `no HTTP calls${local ? ` (${byPool})` : ""}`;
  const most = Math.min(
    bound,
    http.reduce((sum, provider) => sum + Math.min(provider.concurrency, bound), 0),
  );
  const each = http.map((provider) => `${provider.name} ${Math.min(provider.concurrency, bound)}`).join(", ");
  return `${plural(most, "HTTP call")} in flight at most (${each}${local ? `; ${byPool}` : ""})`;
}
