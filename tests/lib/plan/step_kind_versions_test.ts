/**
 * A step kind's version is part of its steps' keys: bumping it (what a change of the kind's code that changes its
 * bytes does) re-runs that kind's steps and every step made from them, and nothing else. Checked for every kind the
 * example workflows plan, a lesson's clips, montages' grids and strips and variants' encodes among them.
 */
import assert from "node:assert/strict";
import type { Plan } from "../../../lib/plan/plan.ts";
import { loadWorkflow } from "../../../lib/workflow/load_workflow.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { STEP_KIND_LOADERS } from "../../../lib/workflow/step_kind_loaders.ts";
import type { ResolvedWorkflow } from "../../../lib/workflow/workflow_schema.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const EXAMPLES = ["lesson.ts", "grid.ts", "variants.ts", "transcribe.ts", "course.ts", "outline.ts"];

function plan(workflows: readonly ResolvedWorkflow[]): Plan {
  return planWorkflows(workflows, { toolchain: TEST_TOOLCHAIN });
}

/** The ids of the steps of `kind` and of every step that reads them, directly or not. */
function madeFrom(steps: Plan["steps"], kind: string): string[] {
  const reached = new Set(steps.filter((step) => step.kind === kind).map((step) => step.id));
  for (let grew = true; grew;) {
    grew = false;
    for (const step of steps) {
      if (!reached.has(step.id) && step.deps.some((dep) => reached.has(dep))) {
        reached.add(step.id);
        grew = true;
      }
    }
  }
  return [...reached].sort();
}

Deno.test("step keys: a step kind's version re-runs its steps and what is made from them, for every kind", async () => {
  const workflows = await Promise.all(
    EXAMPLES.map((name) => loadWorkflow(new URL(`../../../workflows/${name}`, import.meta.url).pathname)),
  );
  const before = plan(workflows);
  const kinds = [...new Set(before.steps.map((step) => step.kind))].sort();
  // The examples plan every kind of the jobs this test is about.
  for (
    const kind of ["clips", "montage-grid", "montage-strip", "montage-join", "variant", "transcribe-merge"]
  ) {
    assert.ok(kinds.includes(kind), `no ${kind} step in the examples' plan (kinds: ${kinds.join(", ")})`);
  }
  for (const kind of kinds) {
    // The planners read the version from the kind's definition, the module every one of them imports.
    const definition = await STEP_KIND_LOADERS[kind]!() as { version: number };
    const version = definition.version;
    definition.version = version + 1;
    try {
      const after = plan(workflows);
      const keys = new Map(before.steps.map((step) => [step.id, step.key]));
      const changed = after.steps.filter((step) => keys.get(step.id) !== step.key).map((step) => step.id)
        .sort();
      assert.deepEqual(changed, madeFrom(before.steps, kind), `kind ${kind}`);
    } finally {
      definition.version = version;
    }
  }
  assert.deepEqual(plan(workflows).steps.map((step) => step.key), before.steps.map((step) => step.key));
});

Deno.test("step keys: a spawned step's template carries its kind's version, which keys the children", async () => {
  // Children (a recording's chunks) are keyed when they are spawned, from their template: its version is theirs.
  const workflows = [
    await loadWorkflow(new URL("../../../workflows/transcribe.ts", import.meta.url).pathname),
  ];
  const kinds = [...new Set(plan(workflows).templates.map((template) => template.kind))];
  assert.ok(kinds.includes("transcribe-chunk"), `templates: ${kinds.join(", ")}`);
  for (const kind of kinds) {
    const definition = await STEP_KIND_LOADERS[kind]!() as { version: number };
    const version = definition.version;
    definition.version = version + 1;
    try {
      const templates = plan(workflows).templates.filter((template) => template.kind === kind);
      assert.ok(templates.every((template) => template.version === version + 1), kind);
    } finally {
      definition.version = version;
    }
  }
});
