/**
 * `estimate`: what a plan will ask of each provider, the least time its rate limits allow, and what it costs
 * where the provider's options give prices. Nothing is called.
 * @module
 */
import { plural } from "../core/plural.ts";
import { type StepStatus, templateMaySpawn } from "./plan_status.ts";
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
  /**
   * Calls among `calls` that steps spawned at run time will make, foreseen from the files (a transcription's
   * chunks, counted from its recording's length): their number is about right, not exact.
   */
  foreseen: number;
  /** Seconds of audio the foreseen calls send (a transcription's chunks, their overlaps included). */
  audioSeconds: number;
  /** The least time the rate limits allow, in ms (0 when the provider has no rate). */
  lowerBoundMs: number;
  /**
   * The templates of steps spawned at run time that call it whose calls could not be foreseen: they are not among
   * `calls`, as how many there are is known only once their parent has run.
   */
  spawned: string[];
  /** The cost, or null when the provider's options give no price for what it is asked, or calls are spawned. */
  cost: number | null;
  /** The cost of each kind of work it is asked, null where its options give no price for it. */
  costs: WorkCost[];
}

/** What one kind of a provider's work costs. */
export interface WorkCost {
  /** The work: images made, characters spoken, or minutes of audio transcribed. */
  what: "images" | "speech" | "transcription";
  /** Its cost, or null when the provider's options give no price for it. */
  cost: number | null;
}

/**
 * The calls a template's spawned steps will make, foreseen from the files before anything runs (see
 * `JobKind.spawnedWork`).
 */
export interface ForeseenWork {
  /** The template's id. */
  template: string;
  /** About how many steps it will spawn, each one call. */
  calls: number;
  /** Seconds of audio they send, all together. */
  seconds: number;
  /** The step whose stored result means none of them will be made. */
  doneWith: string;
}

/** Options for {@linkcode estimatePlan}. */
export interface EstimateOptions {
  /** The calls of templates' spawned steps, foreseen from the files. @default none */
  foreseen?: readonly ForeseenWork[];
}

/**
 * Estimates a plan's provider calls: those the store does not hold yet, when `status` is given, else all of them
 * (the cost of a cold run), with the calls of spawned steps that `foreseen` counts.
 *
 * @param plan The plan.
 * @param status What the store holds of each step, or null.
 * @param options The calls of templates' spawned steps, foreseen from the files.
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
  options: EstimateOptions = {},
): ProviderEstimate[] {
  const { foreseen = [] } = options;
  const isStored = (id: string) => status?.get(id)?.status === "stored";
  const estimates: ProviderEstimate[] = [];
  for (const provider of plan.providers) {
    const all = plan.steps.filter((step) => step.provider === provider.name);
    const templates = plan.templates.filter((template) => template.provider === provider.name);
    if (all.length === 0 && templates.length === 0) continue;
    const steps = all.filter((step) => !isStored(step.id));
    // A template whose spawner (or what reads its steps) is stored spawns nothing: its calls were made and paid.
    const done = (template: string, work: ForeseenWork | null) =>
      (status !== null && !templateMaySpawn(template, status)) || (work !== null && isStored(work.doneWith));
    const work = templates.map((template) =>
      foreseen.find((entry) => entry.template === template.id) ?? null
    );
    const spawned = templates.filter((template, i) => work[i] === null && !done(template.id, null));
    const known = work.filter((entry) => entry !== null);
    const coming = known.filter((entry) => !done(entry.template, entry));
    const foreseenCalls = coming.reduce((sum, entry) => sum + entry.calls, 0);
    const audioSeconds = coming.reduce((sum, entry) => sum + entry.seconds, 0);
    const calls = steps.length + foreseenCalls;
    const images = steps.filter((step) => step.kind === "image").length;
    const characters = steps.reduce((sum, step) => sum + step.tokenCost, 0);
    const { requests, tokens, per, burst } = provider.rate;
    const byRequests = requests === null ? 0 : (Math.max(0, calls - burst) * per) / requests;
    const byTokens = tokens === null ? 0 : (Math.max(0, characters - tokens) * per) / tokens;
    const { image, perMillionCharacters, perMinute } = provider.prices;
    const costs: WorkCost[] = [
      ...(images === 0 ? [] : [{ what: "images" as const, cost: image === null ? null : images * image }]),
      ...(characters === 0 ? [] : [{
        what: "speech" as const,
        cost: perMillionCharacters === null ? null : (characters / 1e6) * perMillionCharacters,
      }]),
      ...(audioSeconds === 0 ? [] : [{
        what: "transcription" as const,
        cost: perMinute === null ? null : (audioSeconds / 60) * perMinute,
      }]),
    ];
    const priced = costs.map((work) => work.cost);
    estimates.push({
      provider: provider.name,
      calls,
      stored: all.length - steps.length +
        known.filter((entry) => done(entry.template, entry)).reduce((sum, entry) => sum + entry.calls, 0),
      images,
      characters,
      foreseen: foreseenCalls,
      audioSeconds,
      lowerBoundMs: Math.max(byRequests, byTokens),
      spawned: spawned.map((template) => template.id),
      cost: priced.includes(null) || spawned.length > 0
        ? null
        : (priced as number[]).reduce((a, b) => a + b, 0),
      costs,
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
  // rv12: a bound under 50 ms was said as "at least 0.0 s": under a tenth of a second, in milliseconds.
  const duration = (ms: number) => ms < 100 ? `${Math.ceil(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  const lines = estimates.map((estimate) => {
    const what = [
      estimate.calls > 0 || estimate.spawned.length === 0
        ? `${estimate.foreseen > 0 ? "about " : ""}${plural(estimate.calls, "call")}`
        : null,
      estimate.stored > 0 ? `${estimate.stored} more already in the store` : null,
      estimate.images > 0 ? plural(estimate.images, "image") : null,
      estimate.characters > 0 ? plural(estimate.characters, "character") : null,
      estimate.audioSeconds > 0 ? `${minutes(estimate.audioSeconds)} of audio` : null,
      estimate.spawned.length > 0
        ? `${estimate.calls > 0 ? "more " : ""}calls ${spawnedCalls(estimate.spawned)}`
        : null,
    ].filter((part) => part !== null).join(", ");
    const cost = estimate.cost !== null ? dollars(estimate.cost) : `cost unknown (${unknownCost(estimate)})`;
    // No rate, or one the calls fit in at once (nt7: "at least 0.0 s by its rate limits").
    const waits = estimate.lowerBoundMs > 0
      ? `at least ${duration(estimate.lowerBoundMs)} by its rate limits`
      : "no wait by its rate limits";
    return `${estimate.provider}: ${what}; ${waits}; ${cost}`;
  });
  const slowest = Math.max(...estimates.map((estimate) => estimate.lowerBoundMs));
  const costs = estimates.map((estimate) => estimate.cost);
  const known = estimates.flatMap((estimate) => estimate.costs.map((work) => work.cost ?? 0))
    .reduce((a, b) => a + b, 0);
  const total = costs.includes(null)
    ? `unknown${known > 0 ? ` (${dollars(known)} for what is priced)` : ""}`
    : dollars((costs as number[]).reduce((a, b) => a + b, 0));
  const waits = slowest > 0
    ? `at least ${duration(slowest)} (providers run side by side)`
    : "no wait by rate limits";
  lines.push(`total: ${waits}, cost ${total}`);
  return `${lines.join("\n")}\n`;
}

/** Names the steps spawned at run time that call a provider: their templates, as their count is not known yet. */
function spawnedCalls(templates: readonly string[]): string {
  return `made by steps spawned at run time (${
    templates.join(", ")
  }: how many is known only once they are spawned)`;
}

/** An amount in dollars to the cent; one under a cent, not nothing, so said (nt7: 41 characters cost "$0.00"). */
const dollars = (amount: number) => amount > 0 && amount < 0.005 ? "under $0.01" : `$${amount.toFixed(2)}`;

/** Seconds of audio as minutes, to the tenth. */
const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

/** Why a provider's cost is not known, naming each missing price, with the cost of what is priced. */
function unknownCost(estimate: ProviderEstimate): string {
  const missing = {
    images: "no price per image in its options",
    speech: "no price per million characters in its options",
    transcription: "no price per minute in its options",
  };
  return [
    ...estimate.costs.map((work) =>
      `${work.what}: ${work.cost === null ? missing[work.what] : dollars(work.cost)}`
    ),
    estimate.spawned.length > 0 ? "the calls made at run time are not counted" : null,
  ].filter((part) => part !== null).join("; ");
}
