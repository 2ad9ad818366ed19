import assert from "node:assert/strict";
import { childStep, findTemplate } from "../../../lib/plan/child_step.ts";
import { planEntries } from "../../../lib/plan/plan_entries.ts";
import { planStatus } from "../../../lib/plan/plan_status.ts";
import type { StoredArtifact } from "../../../lib/store/step_store.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

Deno.test("planEntries() names the stored steps of a plan and every stored child their entries name, by key", async () => {
  const workflow = await resolveWorkflow({
    steps: [
      { id: "split", run: () => 0 },
      { id: "part", child: true, run: () => 1 },
      { id: "merge", inputs: ["split"], run: () => 2 },
    ],
  }, { file: "w.ts", moduleUrl: "file:///w.ts" });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  const entries = new Map<string, StoredArtifact>();
  const store = { peek: (key: string) => Promise.resolve(entries.get(key) ?? null) };
  assert.equal((await planEntries(plan, store)).size, 0);
  // split is stored with three children; the first is not (a run makes it again), the other two are.
  const splitKey = (await planStatus(plan, store)).get("split")!.key!;
  const specs = [0, 1, 2].map((i) => ({ step: "part", params: { i } }));
  entries.set(splitKey, { key: splitKey, path: null, value: 0, children: specs });
  const split = plan.steps.find((step) => step.id === "split")!;
  const template = findTemplate(plan, "part", "split")!;
  const children = specs.map((spec, index) =>
    childStep({ ...split, key: splitKey }, { template, spec, index })
  );
  for (const child of children.slice(1)) {
    entries.set(child.key, { key: child.key, path: null, value: 1, children: [] });
  }
  // An entry of another workflow is not named.
  entries.set("f".repeat(64), { key: "f".repeat(64), path: null, value: 9, children: [] });
  assert.deepEqual(
    await planEntries(plan, store),
    new Map([[splitKey, ["split"]], [children[1]!.key, ["split/part#1"]], [children[2]!.key, [
      "split/part#2",
    ]]]),
  );
});
