/** loadPlan: the workflow files a command names, each loaded once. */
import assert from "node:assert/strict";
import { loadPlan } from "../../../lib/run/load_plan.ts";

Deno.test("loadPlan: a workflow file named twice is planned once", async () => {
  // Before: loaded twice, its ids clashed with themselves (fi: `Id "how-rain-forms" is used in videos too`, exit 2).
  const once = await loadPlan(["workflows/lesson.ts"]);
  const twice = await loadPlan(["workflows/lesson.ts", "./workflows/lesson.ts"]);
  assert.equal(twice.workflows.length, 1);
  assert.deepEqual(twice.plan.steps.map((step) => step.key), once.plan.steps.map((step) => step.key));
});
