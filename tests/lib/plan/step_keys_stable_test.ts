/**
 * The keys of a fixed workflow are committed: moving code around must not change them, or every user's store
 * would be invalidated by a refactor. A change of what a key holds is a deliberate change of keys.json.
 */
import assert from "node:assert/strict";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { loadWorkflow } from "../../../lib/workflow/load_workflow.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const fixture = new URL("../../fixtures/keys/", import.meta.url);

/** The fixture's keys by step id, planned with the test toolchain. */
export async function fixtureKeys(): Promise<Record<string, string>> {
  const workflow = await loadWorkflow(new URL("workflow.ts", fixture).pathname);
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  return Object.fromEntries(plan.steps.map((step) => [step.id, step.key]));
}

Deno.test("the step keys of a fixed workflow are the committed ones", async () => {
  const committed = JSON.parse(await Deno.readTextFile(new URL("keys.json", fixture))) as Record<
    string,
    string
  >;
  assert.deepEqual(await fixtureKeys(), committed);
});

if (import.meta.main) console.log(JSON.stringify(await fixtureKeys(), null, 2));
