import assert from "node:assert/strict";
import type { ChildSpec } from "../../../lib/core/step_task.ts";
import { childStep } from "../../../lib/plan/child_step.ts";
import type { PlanStep } from "../../../lib/plan/plan_step.ts";
import { stepKey } from "../../../lib/plan/step_key.ts";
import { DagState } from "../../../lib/run/dag_state.ts";
import { downstreamKeys } from "../../../lib/run/downstream_keys.ts";
import type { StoredArtifact } from "../../../lib/store/step_store.ts";

/** Planned steps keyed as the planner keys them (by their inputs' planned keys), in topological order. */
function planned(...steps: { id: string; deps?: string[]; kind?: string }[]): PlanStep[] {
  const keys = new Map<string, string>();
  return steps.map(({ id, deps = [], kind = "k" }) => {
    const step = stepOf(id, { deps, kind });
    const key = stepKey(step, deps.map((dep) => keys.get(dep)!));
    keys.set(id, key);
    return { ...step, key };
  });
}

function stepOf(id: string, options: { deps: string[]; kind: string }): PlanStep {
  return {
    id,
    kind: options.kind,
    version: 1,
    params: { id },
    engine: null,
    runtime: {},
    deps: options.deps,
    scope: { item: null, part: null },
    provider: null,
    tokenCost: 0,
    blocking: true,
    timeout: { ms: 1000, perMediaSecond: 0 },
    optionalArtifact: false,
    backoff: { base: 0, cap: 0 },
    cpu: false,
    retries: 0,
    output: null,
    extension: null,
    cost: 1,
    key: "",
    workflow: "w.ts",
  };
}

const stored = (key: string, children: ChildSpec[] = []): StoredArtifact => ({
  key,
  path: null,
  value: 1,
  children,
});
const noEntries = () => Promise.resolve(null);

Deno.test("downstreamKeys() finds what read a chunk through its parent, down to the outputs, the last made first, with the keys they run under", async () => {
  const steps = planned(
    { id: "split" },
    { id: "merge", deps: ["split"] },
    { id: "txt", deps: ["merge"] },
    { id: "other" },
  );
  const template = { ...stepOf("split/chunk", { deps: [], kind: "chunk" }), key: "" };
  const plan = { steps, templates: [template] };
  const dag = new DagState();
  dag.addPlan(steps);
  const split = dag.get("split")!;
  split.key = dag.keyOf(split);
  const specs = [0, 1, 2].map((i): ChildSpec => ({ step: "./chunk", params: { i } }));
  const chunks = dag.addChildren(
    split,
    specs.map((spec, index) => childStep({ ...split.step, key: split.key }, { template, spec, index })),
  );
  dag.settle(split, "done");
  for (const chunk of chunks) chunk.key = dag.keyOf(chunk);
  const chunk = chunks[1]!;

  const keys = await downstreamKeys(chunk, { stored: stored(chunk.key), plan, peek: noEntries });

  // The keys the merge and the text run under once the chunks are done: the chunks' keys are in the merge's.
  const merge = dag.get("merge")!;
  merge.key = dag.keyOf(merge);
  const txt = dag.get("txt")!;
  assert.notEqual(merge.key, merge.step.key);
  assert.deepEqual(keys, [dag.keyOf(txt), merge.key]);
});

Deno.test("downstreamKeys() goes through a reader that spawns by the children its entry names, and finds those keyed by its key", async () => {
  const steps = planned({ id: "a" }, { id: "s", deps: ["a"], kind: "custom" }, { id: "r", deps: ["s"] });
  const template = { ...stepOf("s/part", { deps: [], kind: "part" }), key: "" };
  const plan = { steps, templates: [template] };
  const dag = new DagState();
  const [a] = dag.addPlan(steps);
  const s = dag.get("s")!;
  const specs: ChildSpec[] = [{ step: "./part", params: { i: 0 } }, {
    step: "./part",
    params: {},
    content: "c",
  }];
  const peeked: string[] = [];
  const peek = (key: string) => {
    peeked.push(key);
    return Promise.resolve(key === s.step.key ? stored(key, specs) : null);
  };

  const keys = await downstreamKeys(a!, { stored: stored(a!.key), plan, peek });

  // Once `s` has run again and spawned the same children, `r` runs under the key found.
  const parts = specs.map((spec, index) =>
    childStep({ ...s.step, key: s.step.key }, { template, spec, index })
  );
  dag.addChildren(s, parts);
  assert.deepEqual(keys, [dag.keyOf(dag.get("r")!), parts[0]!.key, s.step.key]);
  assert.ok(peeked.includes(s.step.key));
});

Deno.test("downstreamKeys() finds the children a refused entry names that are keyed by its key, and leaves out readers it cannot key", async () => {
  const steps = planned(
    { id: "a", kind: "custom" },
    { id: "s", deps: ["a"], kind: "custom" },
    { id: "r", deps: ["s"] },
  );
  const template = { ...stepOf("a/part", { deps: [], kind: "part" }), key: "" };
  const plan = { steps, templates: [template] };
  const dag = new DagState();
  const [a] = dag.addPlan(steps);
  const specs: ChildSpec[] = [{ step: "./part", params: {} }];

  // `s` may spawn and is not stored: what reads it cannot be keyed before it runs.
  const keys = await downstreamKeys(a!, { stored: stored(a!.key, specs), plan, peek: noEntries });

  const part = childStep({ ...a!.step, key: a!.key }, { template, spec: specs[0]!, index: 0 });
  assert.equal(keys.length, 2);
  assert.equal(keys[1], part.key);
  // The key of `s` holds the refused entry's children, as it will when `a` is made again with the same ones.
  dag.addChildren(a!, [part]);
  assert.equal(keys[0], dag.keyOf(dag.get("s")!));
});
