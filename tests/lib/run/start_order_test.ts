import assert from "node:assert/strict";
import type { DagNode } from "../../../lib/run/dag_state.ts";
import { startOrder } from "../../../lib/run/start_order.ts";

/** A ready node as `startOrder` reads it: its video, rank and key. */
function node(id: string, item: string | null, rank: number, key = id): DagNode {
  return { rank, step: { id, key, scope: { item } } } as unknown as DagNode;
}

Deno.test("startOrder(): video by video in plan order, the costliest path ahead first within a video", () => {
  const nodes = [
    node("a/s1/slide", "a", 0.15),
    node("a/s1/speech", "a", 1.05),
    node("a/s2/slide", "a", 0.15),
    node("a/s2/speech", "a", 1.08),
    node("b/s1/speech", "b", 2),
    node("shared/font", null, 3),
  ];
  assert.deepEqual(startOrder(nodes, (n) => n.step.key).map((n) => n.step.id), [
    "a/s2/speech",
    "a/s1/speech",
    "a/s1/slide",
    "a/s2/slide",
    "b/s1/speech",
    "shared/font",
  ]);
});

Deno.test("startOrder(): steps that share a key ask in plan order, at the highest rank among them", () => {
  // The first of a key to ask makes it; were a later section's step the maker, it could wait behind the sections
  // gate while the earlier section's step held a slot waiting for it.
  const nodes = [
    node("a/s1/image", "a", 0.5, "same"),
    node("a/s2/speech", "a", 1),
    node("a/s3/image", "a", 2, "same"),
  ];
  assert.deepEqual(startOrder(nodes, (n) => n.step.key).map((n) => n.step.id), [
    "a/s1/image",
    "a/s3/image",
    "a/s2/speech",
  ]);
});
