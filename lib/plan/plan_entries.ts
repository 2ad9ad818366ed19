/**
 * The store entries a plan uses: what `cache ls <workflow>` lists. Keys are found as `plan` finds them (a step
 * after one that must run again has no key yet), and a stored step brings the children its entry names.
 * @module
 */
import { childStep, findTemplate } from "./child_step.ts";
import type { Plan } from "./plan.ts";
import type { PlanStep } from "./plan_step.ts";
import { planStatus } from "./plan_status.ts";
import type { StepStore } from "../store/step_store.ts";

/**
 * Finds the keys of a plan's steps that the store holds, and of the children their entries name (and of those
 * children's children), with the ids of the steps stored under each: a key shared by two steps names both.
 *
 * @param plan The plan.
 * @param store The store (only `peek` is used: nothing is marked used).
 * @returns The ids of the steps stored under each key, by key, in plan order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactStore } from "../store/artifact_store.ts";
 * import { planEntries } from "./plan_entries.ts";
 * import { planFiles } from "../run/load_plan.ts";
 * const plan = await planFiles(["workflows/lesson.ts"]);
 * const root = await Deno.makeTempDir();
 * assert.equal((await planEntries(plan, new ArtifactStore(root))).size, 0);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function planEntries(
  plan: Plan,
  store: Pick<StepStore, "peek">,
): Promise<Map<string, string[]>> {
  const status = await planStatus(plan, store);
  const ids = new Map<string, string[]>();
  const visit = async (step: PlanStep, key: string): Promise<void> => {
    const found = await store.peek(key);
    if (found === null) return;
    const named = ids.get(key) ?? [];
    if (named.includes(step.id)) return;
    ids.set(key, [...named, step.id]);
    // Every child the entry names, even after one the store no longer holds (a run would make that one again).
    for (const [index, spec] of found.children.entries()) {
      const template = findTemplate(plan, spec.step, step.id);
      if (template === undefined) continue;
      const child = childStep({ ...step, key }, { template, spec, index });
      await visit(child, child.key);
    }
  };
  for (const step of plan.steps) {
    const key = status.get(step.id)?.key ?? null;
    if (key !== null) await visit(step, key);
  }
  return ids;
}
