/**
 * Steps added at run time: a custom step's `spawn` names another custom step of the workflow (its template) and
 * gives it params; the child joins the DAG under its parent, keyed like any planned step.
 * @module
 */
import type { Json } from "../core/json.ts";
import type { PlanStep } from "./plan_step.ts";
import { stepKey } from "./step_key.ts";

/**
 * Makes the plan step of a spawned child.
 *
 * @param parent The step that spawned it, with its key as run.
 * @param child The template (a custom step of the workflow), the child's params and its place among its siblings.
 * @returns The child's step: id `<parent>/<template>#<index>`, the parent's scope, keyed by the template's code,
 * the child's params and the parent's key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { childStep } from "./child_step.ts";
 * import type { PlanStep } from "./plan_step.ts";
 * const template: PlanStep = {
 *   id: "part",
 *   kind: "custom",
 *   version: 1,
 *   params: { step: "part", params: {} },
 *   engine: { digest: "d" },
 *   runtime: {},
 *   deps: [],
 *   scope: { item: null, part: null },
 *   provider: null,
 *   tokenCost: 0,
 *   blocking: true,
 *   optionalArtifact: true,
 *   timeout: { ms: 1000, perMediaSecond: 0 },
 *   backoff: { base: 0, cap: 0 },
 *   cpu: true,
 *   retries: 0,
 *   output: null,
 *   extension: "bin",
 *   key: "",
 *   workflow: "w.ts",
 * };
 * const child = childStep({ id: "split", key: "a".repeat(64), scope: template.scope }, { template, params: { i: 1 }, index: 0 });
 * assert.equal(child.id, "split/part#0");
 * assert.equal(child.key.length, 64);
 * ```
 */
export function childStep(
  parent: Pick<PlanStep, "id" | "key" | "scope">,
  child: { template: PlanStep; params: Record<string, Json>; index: number },
): PlanStep {
  const { template, index } = child;
  const params = { step: template.id, params: child.params };
  const step = {
    ...template,
    id: `${parent.id}/${template.id}#${index}`,
    params,
    deps: [],
    scope: parent.scope,
    output: null,
  };
  return { ...step, key: stepKey(step, [parent.key]) };
}
