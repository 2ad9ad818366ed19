/**
 * childStep(): a child's params are handed on as its key reads them (kr2): `{ b, a }` and `{ a, b }` give one key,
 * so both children get their keys in one order; a Date is its ISO string (its key was that of `{}`, so two dates
 * shared one key and the second child was served the first one's result); an undefined field is left out.
 */
import assert from "node:assert/strict";
import type { Json } from "../../../lib/core/json.ts";
import { childStep } from "../../../lib/plan/child_step.ts";
import type { PlanStep } from "../../../lib/plan/plan_step.ts";

const template: PlanStep = {
  id: "part",
  kind: "custom",
  version: 1,
  params: { step: "part", params: {} },
  engine: { digest: "d" },
  runtime: {},
  deps: [],
  scope: { item: null, part: null },
  provider: null,
  tokenCost: 0,
  cost: 1,
  blocking: true,
  optionalArtifact: true,
  timeout: { ms: 1000, perMediaSecond: 0 },
  backoff: { base: 0, cap: 0 },
  cpu: true,
  retries: 0,
  output: null,
  extension: "bin",
  key: "",
  workflow: "w.ts",
};
const parent = { id: "split", key: "a".repeat(64), scope: template.scope };

function spawned(params: Record<string, unknown>, index = 0): PlanStep {
  return childStep(parent, {
    template,
    spec: { step: "part", params: params as Record<string, Json> },
    index,
  });
}

Deno.test("childStep() hands a child its params as its key reads them", () => {
  const ba = spawned({ b: 1, a: 2 });
  const ab = spawned({ a: 2, b: 1 }, 1);
  assert.equal(ba.key, ab.key);
  const inner = (step: PlanStep) => (step.params as { params: Record<string, Json> }).params;
  assert.equal(JSON.stringify(inner(ba)), '{"a":2,"b":1}');
  assert.equal(JSON.stringify(inner(ab)), '{"a":2,"b":1}');
  const early = spawned({ d: new Date(1000) });
  const late = spawned({ d: new Date(2000) }, 1);
  assert.notEqual(early.key, late.key);
  assert.deepEqual(inner(early), { d: "1970-01-01T00:00:01.000Z" });
  assert.equal(spawned({ d: "1970-01-01T00:00:01.000Z" }).key, early.key);
  // An undefined field is left out, one in a list is null, as JSON writes them (rv2: the parent failed).
  const loose = spawned({ page: 1, note: undefined, list: [1, undefined] });
  assert.deepEqual(inner(loose), { list: [1, null], page: 1 });
  assert.equal(loose.key, spawned({ page: 1, list: [1, null] }).key);
});
