/**
 * Topological order of a DAG with cycle detection that names the cycle.
 * @module
 */

/** A node for ordering: an id and the ids it depends on. */
export interface DagNode {
  /** Unique id. */
  id: string;
  /** Ids of nodes that must come first. */
  deps: readonly string[];
}

/**
 * Thrown when the steps form a cycle; `cycle` lists it, first node repeated at the end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CycleError } from "./topological_order.ts";
 * assert.ok(new CycleError(["a", "b", "a"]).message.includes("a → b → a"));
 * ```
 */
export class CycleError extends Error {
  /** The ids on the cycle, the first repeated at the end. */
  readonly cycle: readonly string[];
  /** @param cycle The ids on the cycle. */
  constructor(cycle: readonly string[]) {
    super(`Steps form a cycle: ${cycle.join(" → ")}`);
    this.name = "CycleError";
    this.cycle = cycle;
  }
}

/**
 * Orders nodes so that each comes after its deps; among ready nodes the given order wins, so the result follows
 * the workflow wherever the edges allow.
 *
 * @param nodes The nodes, in workflow order.
 * @returns The same nodes, topologically ordered.
 * @throws {CycleError} When the deps form a cycle.
 * @throws {RangeError} When a dep names an unknown node.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topologicalOrder } from "./topological_order.ts";
 * const order = topologicalOrder([{ id: "b", deps: ["a"] }, { id: "a", deps: [] }]);
 * assert.ok(order.map((n) => n.id).join() === "a,b");
 * ```
 */
export function topologicalOrder<T extends DagNode>(nodes: readonly T[]): T[] {
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const waiting = nodes.map((node) => new Set(node.deps).size);
  const dependents: number[][] = nodes.map(() => []);
  for (const [i, node] of nodes.entries()) {
    for (const dep of new Set(node.deps)) {
      const j = index.get(dep);
      if (j === undefined) throw new RangeError(`Step "${node.id}" depends on unknown step "${dep}"`);
      dependents[j]!.push(i);
    }
  }
  const ready = new MinHeap();
  for (const [i, count] of waiting.entries()) if (count === 0) ready.push(i);
  const order: T[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]!);
    for (const j of dependents[i]!) if (--waiting[j]! === 0) ready.push(j);
  }
  if (order.length < nodes.length) throw new CycleError(findCycle(nodes, index, waiting));
  return order;
}

function findCycle(nodes: readonly DagNode[], index: Map<string, number>, waiting: number[]): string[] {
  // Every node still waiting has a dep that is still waiting: walk deps until a node repeats.
  const start = waiting.findIndex((count) => count > 0);
  const seen = new Map<number, number>();
  const path: number[] = [];
  let current = start;
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    const next = nodes[current]!.deps.map((dep) => index.get(dep)!).find((j) => waiting[j]! > 0);
    current = next!;
  }
  const cycle = path.slice(seen.get(current)!).map((i) => nodes[i]!.id);
  return [...cycle, cycle[0]!];
}

class MinHeap {
  #items: number[] = [];
  get size(): number {
    return this.#items.length;
  }
  push(value: number): void {
    const items = this.#items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }
  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
