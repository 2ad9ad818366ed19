import assert from "node:assert/strict";
import { STEP_KIND_LOADERS } from "../../../lib/workflow/step_kind_loaders.ts";
import { stepKinds } from "../../../lib/workflow/step_kinds.ts";

Deno.test("the workers' lazy loaders and the eager list hold the same step kinds, the same definitions", async () => {
  const eager = stepKinds();
  assert.deepEqual(Object.keys(STEP_KIND_LOADERS).sort(), [...eager.keys()].sort());
  for (const [name, load] of Object.entries(STEP_KIND_LOADERS)) {
    assert.equal(await load(), eager.get(name), `the loader of "${name}"`);
  }
});
