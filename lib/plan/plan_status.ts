/**
 * The dry run behind `plan` and `estimate`: which steps the store already holds and which would run, and so which
 * provider calls would be paid. Keys are followed as a run would: a stored step that spawned children brings its
 * children's keys, and steps after a custom step that must run again are keyed only once it has.
 * @module
 */
import { childStep, findTemplate, maySpawn } from "./child_step.ts";
import type { Plan } from "./plan.ts";
import type { PlanStep } from "./plan_step.ts";
import { outputKey, stepKey } from "./step_key.ts";
import type { StepStore } from "../store/step_store.ts";
import type { Json } from "../core/json.ts";

/** What would happen to one step. */
export interface StepStatus {
  /** `stored`: found in the store, nothing runs; `run`: it runs (and a provider call is paid). */
  status: "stored" | "run";
  /** The key it would run under, or null when it depends on what an earlier step returns when it runs. */
  key: string | null;
  /** True when running it calls an HTTP provider (a call to pay). */
  paid: boolean;
  /** What the stored step returned (its value), or null when it runs. */
  value: Json;
}

/**
 * Looks each step of a plan up in the store, without running or marking anything.
 *
 * @param plan The plan.
 * @param store The store (only `peek` is used).
 * @returns The status of each planned step, by id, in plan order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactStore } from "../store/artifact_store.ts";
 * import { planStatus } from "./plan_status.ts";
 * import { planFiles } from "../run/load_plan.ts";
 * const plan = await planFiles(["workflows/lesson.ts"]);
 * const root = await Deno.makeTempDir();
 * const status = await planStatus(plan, new ArtifactStore(root));
 * assert.ok([...status.values()].every((step) => step.status === "run"));
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function planStatus(
  plan: Plan,
  store: Pick<StepStore, "peek">,
): Promise<Map<string, StepStatus>> {
  const http = new Set(plan.providers.map((provider) => provider.name));
  const outputKeys = new Map<string, string | null>();
  const statuses = new Map<string, StepStatus>();
  /** The output key and value of a stored step (its children followed), or null when a child would run. */
  const storedOutput = async (
    step: PlanStep,
    key: string,
  ): Promise<{ output: string; value: Json } | null> => {
    const found = await store.peek(key);
    if (found === null) return null;
    const children: string[] = [];
    for (const [index, spec] of found.children.entries()) {
      const template = findTemplate(plan, spec.step, step.id);
      if (template === undefined) return null;
      const child = childStep({ ...step, key }, { template, spec, index });
      const childOutput = await storedOutput(child, child.key);
      if (childOutput === null) return null;
      children.push(childOutput.output);
    }
    return { output: outputKey(key, children), value: found.value };
  };
  for (const step of plan.steps) {
    const inputs = step.deps.map((dep) => outputKeys.get(dep) ?? null);
    const key = inputs.includes(null) ? null : stepKey(step, inputs as string[]);
    const found = key === null ? null : await storedOutput(step, key);
    const output = found?.output ?? null;
    const stored = output !== null;
    statuses.set(step.id, {
      status: stored ? "stored" : "run",
      key,
      paid: !stored && step.provider !== null && http.has(step.provider),
      value: stored ? found!.value : null,
    });
    // A step that runs keeps its planned output key unless it may spawn children.
    outputKeys.set(step.id, stored ? output : key !== null && !maySpawn(plan, step) ? key : null);
  }
  return statuses;
}

/**
 * Whether a template's steps may still be spawned: not when the step that spawns them, the one it is named under
 * (`talk/split` of `talk/split/chunk`), is stored, its children with it. A template named under no step (a custom
 * child, which any step may spawn) may always be.
 *
 * @param template The template's id.
 * @param status What the store holds of each step.
 * @returns False when its spawner is stored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { templateMaySpawn } from "./plan_status.ts";
 * const stored = { status: "stored", key: "k", paid: false, value: null } as const;
 * assert.equal(templateMaySpawn("talk/split/chunk", new Map([["talk/split", stored]])), false);
 * assert.equal(templateMaySpawn("talk/split/chunk", new Map()), true);
 * assert.equal(templateMaySpawn("child", new Map([["talk/split", stored]])), true);
 * ```
 */
export function templateMaySpawn(template: string, status: ReadonlyMap<string, StepStatus>): boolean {
  const cut = template.lastIndexOf("/");
  return cut < 0 || status.get(template.slice(0, cut))?.status !== "stored";
}
