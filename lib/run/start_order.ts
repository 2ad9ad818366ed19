/**
 * The order in which the steps ready at a run's start are queued.
 * @module
 */
import type { DagNode } from "./dag_state.ts";

/**
 * The order ready steps are queued in at the start: group by group (video by video) in plan order, since groups are
 * let in in plan order (see `GroupGate`); within a group, the costliest path ahead first. Free CPU slots go to the
 * first to ask: in plan order, a video's first slides took both of a two-core machine's before any of the speech
 * its narration waits for. Steps that share a key share the highest rank among them and keep their plan order, so
 * the first of them in plan order asks first and makes the key (a later section's step as its maker could wait
 * behind the sections gate while an earlier section holds a slot waiting for it).
 *
 * @param nodes The steps ready at the start, in plan order.
 * @param keyOf A node's key.
 * @returns The order to queue them in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DagNode } from "./dag_state.ts";
 * import { startOrder } from "./start_order.ts";
 * const node = (id: string, item: string, rank: number) => ({ rank, step: { id, key: id, scope: { item } } });
 * const nodes = [node("a/slide", "a", 1), node("a/speech", "a", 5), node("b/speech", "b", 9)] as unknown as DagNode[];
 * assert.deepEqual(startOrder(nodes, (n) => n.step.key).map((n) => n.step.id), ["a/speech", "a/slide", "b/speech"]);
 * ```
 */
export function startOrder(nodes: readonly DagNode[], keyOf: (node: DagNode) => string): DagNode[] {
  const keys = nodes.map(keyOf);
  const groups = new Map<string | null, number>();
  const ranks = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (!groups.has(node.step.scope.item)) groups.set(node.step.scope.item, groups.size);
    ranks.set(keys[i]!, Math.max(ranks.get(keys[i]!) ?? -Infinity, node.rank));
  });
  // Each key worked out once: the sort compares each node many times.
  const order = nodes.map((node, i) => ({
    node,
    group: groups.get(node.step.scope.item)!,
    rank: ranks.get(keys[i]!)!,
  }));
  return order.sort((a, b) => a.group - b.group || b.rank - a.rank).map(({ node }) => node);
}
