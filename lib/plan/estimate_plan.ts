/**
 * `estimate`: what a plan will ask of each provider, the least time its rate limits allow, and what it costs
 * where the provider's options give prices. Nothing is called.
 * @module
 */
import type { StepStatus } from "./plan_status.ts";
import type { Plan } from "./plan.ts";

/** The estimate for one HTTP provider. */
export interface ProviderEstimate {
  /** The provider's name. */
  provider: string;
  /** Calls the plan will make (and pay for). */
  calls: number;
  /** Calls whose results the store already holds: not made, not paid. */
  stored: number;
  /** Image calls among them. */
  images: number;
  /** Characters of speech sent. */
  characters: number;
  /** The least time the rate limits allow, in ms (0 when the provider has no rate). */
  lowerBoundMs: number;
  /**
   * The templates of steps spawned at run time that call it (a transcription's chunks, one per piece of the
   * recording): their calls are not among `calls`, as how many there are is known only once their parent has run.
   */
  spawned: string[];
  /** The cost, or null when the provider's options give no price for what it is asked, or calls are spawned. */
  cost: number | null;
}

/**
 * Estimates a plan's provider calls: those the store does not hold yet, when `status` is given, else all of them
 * (the cost of a cold run).
 *
 * @param plan The plan.
 * @param status What the store holds of each step, or null.
 * @returns One estimate per HTTP provider that the plan calls.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimatePlan } from "./estimate_plan.ts";
 * import { planFiles } from "../run/load_plan.ts";
 * assert.deepEqual(estimatePlan(await planFiles(["workflows/lesson.ts"])), []);
 * ```
 */
export function estimatePlan(
  plan: Plan,
  status: ReadonlyMap<string, StepStatus> | null = null,
): ProviderEstimate[] {
  const estimates: ProviderEstimate[] = [];
  for (const provider of plan.providers) {
    const all = plan.steps.filter((step) => step.provider === provider.name);
    const spawned = plan.templates.filter((template) => template.provider === provider.name);
    if (all.length === 0 && spawned.length === 0) continue;
    const steps = all.filter((step) => status === null || status.get(step.id)?.status !== "stored");
    const images = steps.filter((step) => step.kind === "image").length;
    const characters = steps.reduce((sum, step) => sum + step.tokenCost, 0);
    const { requests, tokens, per, burst } = provider.rate;
    const byRequests = requests === null ? 0 : (Math.max(0, steps.length - burst) * per) / requests;
    const byTokens = tokens === null ? 0 : (Math.max(0, characters - tokens) * per) / tokens;
    const priced = [
      images === 0 ? 0 : provider.prices.image === null ? null : images * provider.prices.image,
      characters === 0
        ? 0
        : provider.prices.perMillionCharacters === null
        ? null
        : (characters / 1e6) * provider.prices.perMillionCharacters,
    ];
    estimates.push({
      provider: provider.name,
      calls: steps.length,
      stored: all.length - steps.length,
      images,
      characters,
      lowerBoundMs: Math.max(byRequests, byTokens),
      spawned: spawned.map((template) => template.id),
      cost: priced.includes(null) || spawned.length > 0
        ? null
        : (priced as number[]).reduce((a, b) => a + b, 0),
    });
  }
  return estimates;
}

/**
 * Formats estimates as the `estimate` command prints them.
 *
 * @param estimates From {@linkcode estimatePlan}.
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEstimates } from "./estimate_plan.ts";
 * assert.match(formatEstimates([]), /no HTTP provider/);
 * ```
 */
export function formatEstimates(estimates: readonly ProviderEstimate[]): string {
  if (estimates.length === 0) {
    return "no HTTP provider is called: nothing to pay, no rate limit to wait for\n";
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = estimates.map((estimate) => {
    const what = [
      estimate.calls > 0 || estimate.spawned.length === 0 ? `${estimate.calls} calls` : null,
      estimate.stored > 0 ? `${estimate.stored} more already in the store` : null,
      estimate.images > 0 ? `${estimate.images} images` : null,
      estimate.characters > 0 ? `${estimate.characters} characters` : null,
      estimate.spawned.length > 0
        ? `${estimate.calls > 0 ? "more " : ""}calls ${spawnedCalls(estimate.spawned)}`
        : null,
    ].filter((part) => part !== null).join(", ");
    const cost = estimate.cost !== null
      ? `$${estimate.cost.toFixed(2)}`
      : estimate.spawned.length > 0
      ? "cost unknown (the calls made at run time are not counted)"
      : "cost unknown (no prices in its options)";
    return `${estimate.provider}: ${what}; at least ${
      seconds(estimate.lowerBoundMs)
    } by its rate limits; ${cost}`;
  });
  const slowest = Math.max(...estimates.map((estimate) => estimate.lowerBoundMs));
  const costs = estimates.map((estimate) => estimate.cost);
  const total = costs.includes(null)
    ? "unknown"
    : `$${(costs as number[]).reduce((a, b) => a + b, 0).toFixed(2)}`;
  lines.push(`total: at least ${seconds(slowest)} (providers run side by side), cost ${total}`);
  return `${lines.join("\n")}\n`;
}

/** Names the steps spawned at run time that call a provider: their templates, as their count is not known yet. */
function spawnedCalls(templates: readonly string[]): string {
  return `made by steps spawned at run time (${
    templates.join(", ")
  }: how many is known only once they are spawned)`;
}
