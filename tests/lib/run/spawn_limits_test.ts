import assert from "node:assert/strict";
import { SPAWN_LIMITS, spawnRefusal } from "../../../lib/run/spawn_limits.ts";

Deno.test("spawnRefusal() lets children join up to the depth bound and refuses the level past it, naming the step", () => {
  const limits = { depth: 3, children: 100 };
  assert.equal(spawnRefusal({ step: "a", depth: 0, count: 1, spawnedBefore: 0 }, limits), null);
  assert.equal(spawnRefusal({ step: "a/k#0/k#0", depth: 2, count: 1, spawnedBefore: 2 }, limits), null);
  assert.deepEqual(spawnRefusal({ step: "a/k#0/k#0/k#0", depth: 3, count: 1, spawnedBefore: 3 }, limits), {
    bound: "depth",
    message:
      'Step "a/k#0/k#0/k#0" spawned children 4 levels below a planned step: spawned steps may nest at ' +
      "most 3 levels deep (does a step spawn itself without end?)",
  });
  // A step that spawns nothing is never refused, however deep.
  assert.equal(spawnRefusal({ step: "deep", depth: 99, count: 0, spawnedBefore: 0 }, limits), null);
});

Deno.test("spawnRefusal() lets a run spawn up to its count of children and refuses the step that passes it", () => {
  const limits = { depth: 32, children: 10 };
  assert.equal(spawnRefusal({ step: "split", depth: 0, count: 10, spawnedBefore: 0 }, limits), null);
  assert.equal(spawnRefusal({ step: "more", depth: 0, count: 4, spawnedBefore: 6 }, limits), null);
  assert.deepEqual(spawnRefusal({ step: "more", depth: 0, count: 5, spawnedBefore: 6 }, limits), {
    bound: "children",
    message:
      'Step "more" spawned 5 children, making 11 spawned in this run: a run may spawn at most 10 children ' +
      "(does a step spawn without end?); the run stopped",
  });
});

Deno.test("SPAWN_LIMITS let thousands of children and a 32-level split through", () => {
  assert.equal(spawnRefusal({ step: "split", depth: 0, count: 20_000, spawnedBefore: 20_000 }), null);
  assert.equal(spawnRefusal({ step: "half", depth: 31, count: 2, spawnedBefore: 1_000 }), null);
  assert.equal(
    spawnRefusal({ step: "half", depth: SPAWN_LIMITS.depth, count: 2, spawnedBefore: 0 })?.bound,
    "depth",
  );
});

Deno.test("spawnRefusal() holds children whose number their input fixes (counted: false) to the depth only", () => {
  const limits = { depth: 3, children: 10 };
  // A recording's 60,000 chunks, after a run's 10 custom children: not refused.
  assert.equal(
    spawnRefusal({ step: "talk/split", depth: 0, count: 60_000, spawnedBefore: 10, counted: false }, limits),
    null,
  );
  assert.equal(
    spawnRefusal({ step: "talk/split", depth: 0, count: 11, spawnedBefore: 0, counted: true }, limits)?.bound,
    "children",
  );
  assert.equal(
    spawnRefusal({ step: "deep", depth: 3, count: 1, spawnedBefore: 0, counted: false }, limits)?.bound,
    "depth",
  );
});
