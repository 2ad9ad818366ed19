/**
 * Steps added at run time: a step's `spawn` names a template of the plan (a custom step of the workflow, or a
 * job kind's template) and gives it params; the child joins the DAG under its parent, keyed like any planned step.
 * @module
 */
import type { Json } from "../core/json.ts";
import type { ChildSpec } from "../core/step_task.ts";
import type { Plan } from "./plan.ts";
import type { PlanStep } from "./plan_step.ts";
import { canonicalJson, stepKey } from "./step_key.ts";

/**
 * The template id a spawned child names: `./name` is the template named under its parent (`<parent>/name`, as a job
 * kind's templates are), any other name is itself.
 *
 * @param id The name the child spec gives (`ChildSpec.step`).
 * @param parent The spawning step's id.
 * @returns The template's id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { templateId } from "./child_step.ts";
 * assert.equal(templateId("./chunk", "talk/split"), "talk/split/chunk");
 * assert.equal(templateId("part", "talk/split"), "part");
 * ```
 */
export function templateId(id: string, parent: string): string {
  return id.startsWith("./") ? `${parent}/${id.slice(2)}` : id;
}

/**
 * Finds what a spawned child names: a template of the plan (a job kind's, or a custom step marked `child`), else a
 * custom step of the plan. A stored step's children name a template under it relatively (`./chunk`), so they follow
 * whichever step reuses the entry (another recording of the same audio).
 *
 * @param plan The plan's steps and templates.
 * @param id The name the child spec gives (`ChildSpec.step`).
 * @param parent The spawning step's id, for a relative name. @default none
 * @returns The template, or undefined when the plan has none of that name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findTemplate } from "./child_step.ts";
 * assert.equal(findTemplate({ steps: [], templates: [] }, "part"), undefined);
 * ```
 */
export function findTemplate(
  plan: Pick<Plan, "steps" | "templates">,
  id: string,
  parent = "",
): PlanStep | undefined {
  const name = templateId(id, parent);
  return spawnable(plan).find((step) => step.id === name);
}

/**
 * What a step may spawn, in the order a child's name is looked up: the plan's templates, then its custom steps.
 *
 * @param plan The plan's steps and templates.
 * @returns The steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spawnable } from "./child_step.ts";
 * assert.deepEqual(spawnable({ steps: [], templates: [] }), []);
 * ```
 */
export function spawnable(plan: Pick<Plan, "steps" | "templates">): PlanStep[] {
  return [...plan.templates, ...plan.steps.filter((step) => step.kind === "custom")];
}

/**
 * Tells whether a step may spawn children, so that its output key is known only once it ran: a custom step, or a
 * step that a template of the plan is named under (`talk/split/chunk` under `talk/split`).
 *
 * @param plan The plan's templates.
 * @param step The step.
 * @returns True when it may spawn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maySpawn } from "./child_step.ts";
 * const templates = [{ id: "talk/split/chunk" }];
 * assert.equal(maySpawn({ templates }, { id: "talk/split", kind: "transcribe-split" }), true);
 * assert.equal(maySpawn({ templates }, { id: "talk/merge", kind: "transcribe-merge" }), false);
 * ```
 */
export function maySpawn(
  plan: { templates: readonly Pick<PlanStep, "id">[] },
  step: Pick<PlanStep, "id" | "kind">,
): boolean {
  return step.kind === "custom" || plan.templates.some((template) => template.id.startsWith(`${step.id}/`));
}

/**
 * Makes the plan step of a spawned child.
 *
 * - Its id is `<parent>/<template>#<index>`; a template already named under its parent (`talk/split/chunk` under
 *   `talk/split`) keeps only the rest of its name (`talk/split/chunk#3`).
 * - Its params are the template's with `params` replaced by the spawned ones (a custom step's params are
 *   `{ step, params }`).
 * - Its key holds its kind, engine and params, and its parent's key, or the spec's `content` in its place.
 * - The spec's `runtime` is merged over the template's; its `tokenCost` and `cost`, when given, replace the
 *   template's.
 *
 * @param parent The step that spawned it, with its key as run.
 * @param child The template, the spec the parent spawned and the child's place among its siblings.
 * @returns The child's step, in its parent's scope.
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
 *   cost: 1,
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
 * const parent = { id: "split", key: "a".repeat(64), scope: template.scope };
 * const child = childStep(parent, { template, spec: { step: "part", params: { i: 1 } }, index: 0 });
 * assert.equal(child.id, "split/part#0");
 * assert.deepEqual(child.params, { step: "part", params: { i: 1 } });
 * const a = childStep(parent, { template, spec: { step: "part", params: {}, content: "c" }, index: 0 });
 * const b = childStep({ ...parent, key: "b".repeat(64) }, { template, spec: { step: "part", params: {}, content: "c" }, index: 0 });
 * assert.equal(a.key, b.key);
 * ```
 */
export function childStep(
  parent: Pick<PlanStep, "id" | "key" | "scope">,
  child: { template: PlanStep; spec: ChildSpec; index: number },
): PlanStep {
  const { template, spec, index } = child;
  const prefix = `${parent.id}/`;
  const name = template.id.startsWith(prefix) ? template.id.slice(prefix.length) : template.id;
  const base =
    typeof template.params === "object" && template.params !== null && !Array.isArray(template.params)
      ? template.params
      : {};
  // As JSON, as a parent served from the store hands them on (a Date its ISO string, an undefined field left out),
  // its keys in one order: the key does not tell `{ b, a }` from `{ a, b }`, so neither may the child (kr2).
  const params: Json = {
    ...base,
    params: JSON.parse(canonicalJson(JSON.parse(JSON.stringify(spec.params)))),
  };
  const step = {
    ...template,
    id: `${prefix}${name}#${index}`,
    params,
    runtime: { ...template.runtime, ...spec.runtime },
    tokenCost: spec.tokenCost ?? template.tokenCost,
    cost: spec.cost ?? template.cost,
    deps: [],
    scope: parent.scope,
    output: null,
  };
  return { ...step, key: stepKey(step, [spec.content ?? parent.key]) };
}
