import assert from "node:assert/strict";
import { CycleError, topologicalOrder } from "../../../lib/plan/topological_order.ts";

Deno.test("topologicalOrder() keeps the given order where the edges allow", () => {
  const order = topologicalOrder([
    { id: "c", deps: ["a"] },
    { id: "a", deps: [] },
    { id: "b", deps: [] },
    { id: "d", deps: ["c", "b"] },
  ]);
  assert.deepEqual(order.map((node) => node.id), ["a", "c", "b", "d"]);
});

Deno.test("topologicalOrder() names a cycle behind a node that only depends on it", () => {
  assert.throws(
    () => topologicalOrder([{ id: "tail", deps: ["x"] }, { id: "x", deps: ["y"] }, { id: "y", deps: ["x"] }]),
    (error: unknown) => error instanceof CycleError && error.cycle.join(" ") === "x y x",
  );
});

Deno.test("topologicalOrder() rejects an unknown dep", () => {
  assert.throws(() => topologicalOrder([{ id: "a", deps: ["ghost"] }]), RangeError);
});
