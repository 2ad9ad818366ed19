/**
 * The stored entries made from a node's value. A key is made of its inputs' keys, not their values: when a node's
 * stored value cannot be right and it is made again under the same key, what was made from the refused value keeps
 * its key too and would be served (a transcript merged from a chunk's wrong words). These are its readers (the steps
 * that read it, or read an ancestor's output, which holds it), their readers down to the published outputs' steps,
 * and the children spawned from any of them, or from the node, whose keys hold their parent's.
 * @module
 */
import { childStep, findTemplate, maySpawn } from "../plan/child_step.ts";
import type { Plan } from "../plan/plan.ts";
import type { PlanStep } from "../plan/plan_step.ts";
import { outputKey, stepKey } from "../plan/step_key.ts";
import type { StoredArtifact } from "../store/step_store.ts";
import type { DagNode } from "./dag_state.ts";

/** Options for {@linkcode downstreamKeys}. */
export interface DownstreamKeysOptions {
  /** The node's refused entry: the children it names were made from it too. */
  stored: StoredArtifact;
  /** The plan's steps and templates, which the children an entry names are made from. */
  plan: Pick<Plan, "steps" | "templates">;
  /**
   * Reads an entry without marking it used: an input that may spawn and has not run in this run gives its readers'
   * keys through the children its entry names.
   */
  peek: (key: string) => Promise<StoredArtifact | null>;
}

/** A key found, and where it sorts: what is made from an entry sorts after it. */
interface Found {
  key: string;
  order: number;
}

/**
 * The keys of the entries made from a node's stored value, the last made first: removing them in this order, then
 * the node's own entry, a run killed at any point leaves every stale entry findable again from the node's (still
 * refused). A reader whose key cannot be known before the node is made again (one of its inputs may spawn, has not
 * run and is not stored) is left out: its key will not be the one it had.
 *
 * @param node A node whose stored value is refused; the nodes of the run are linked to it.
 * @param options Its refused entry, the plan, and how to read entries.
 * @returns The keys, each once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DagState } from "./dag_state.ts";
 * import { downstreamKeys } from "./downstream_keys.ts";
 * const dag = new DagState();
 * const step = { kind: "k", version: 1, engine: null, params: {}, deps: [], scope: { item: null, part: null } };
 * const [node] = dag.addPlan([
 *   { ...step, id: "a", key: "a".repeat(64) } as never,
 *   { ...step, id: "b", deps: ["a"], key: "b".repeat(64) } as never,
 * ]);
 * const stored = { key: node!.key, path: null, value: 1, children: [] };
 * const keys = await downstreamKeys(node!, { stored, plan: { steps: [], templates: [] }, peek: () => Promise.resolve(null) });
 * assert.equal(keys.length, 1);
 * ```
 */
export async function downstreamKeys(node: DagNode, options: DownstreamKeysOptions): Promise<string[]> {
  const { stored, plan, peek } = options;
  const readers = readersOf(node);
  const found: Found[] = [];
  const keys = new Map<DagNode, Promise<string | null>>();
  const outputs = new Map<DagNode, Promise<string | null>>();

  /**
   * The output key of a step whose children are not in the run, from those its entry names; the children made from
   * a stale entry (keyed by its key, with no content of their own) are found on the way.
   */
  const storedOutput = async (
    step: PlanStep,
    at: { key: string; order: number; stale: boolean; entry?: StoredArtifact },
  ): Promise<string | null> => {
    if (!maySpawn(plan, step)) return at.key;
    const entry = at.entry ?? await peek(at.key);
    if (entry === null) return null;
    const children: string[] = [];
    for (const [index, spec] of entry.children.entries()) {
      const template = findTemplate(plan, spec.step, step.id);
      if (template === undefined) return null;
      const child = childStep({ id: step.id, key: at.key, scope: step.scope }, { template, spec, index });
      const stale = at.stale && spec.content === undefined;
      const order = at.order + index + 1;
      if (stale) found.push({ key: child.key, order });
      const output = await storedOutput(child, { key: child.key, order, stale });
      if (output === null) return null;
      children.push(output);
    }
    return outputKey(at.key, children);
  };

  const keyOf = (current: DagNode): Promise<string | null> =>
    once(keys, current, async () => {
      // Keyed already (queued, or a child), or keyed by its planned inputs alone.
      if (current === node || current.state !== "pending" || current.deps.length === 0) return current.key;
      const inputs = await Promise.all(current.deps.map(outputOf));
      return inputs.some((input) => input === null) ? null : stepKey(current.step, inputs as string[]);
    });

  const outputOf = (current: DagNode): Promise<string | null> =>
    once(outputs, current, async () => {
      const key = await keyOf(current);
      if (key === null) return null;
      const at = { key, order: current.order, stale: current === node || readers.has(current) };
      if (current === node) return await storedOutput(current.step, { ...at, entry: stored });
      if (current.state === "pending" && current.children.length === 0) {
        return await storedOutput(current.step, at);
      }
      const children = await Promise.all(current.children.map(outputOf));
      return children.some((child) => child === null) ? null : outputKey(key, children as string[]);
    });

  await outputOf(node);
  for (const reader of readers) {
    const key = await keyOf(reader);
    if (key === null) continue;
    found.push({ key, order: reader.order });
    await outputOf(reader);
  }
  const orders = new Map<string, number>();
  for (const { key, order } of found) orders.set(key, Math.max(order, orders.get(key) ?? order));
  orders.delete(node.key);
  return [...orders].sort(([, a], [, b]) => b - a).map(([key]) => key);
}

/**
 * The nodes that read a node's output, directly or not: its dependents and theirs, and those of its ancestors (a
 * child's output is part of its parent's).
 */
function readersOf(node: DagNode): Set<DagNode> {
  const found = new Set<DagNode>();
  const visit = (current: DagNode) => {
    if (current.parent !== null) visit(current.parent);
    for (const reader of current.dependents) {
      if (found.has(reader)) continue;
      found.add(reader);
      visit(reader);
    }
  };
  visit(node);
  return found;
}

/** The promise a map holds for a node, made by `make` the first time. */
function once<T>(made: Map<DagNode, Promise<T>>, node: DagNode, make: () => Promise<T>): Promise<T> {
  let promise = made.get(node);
  if (promise === undefined) {
    promise = make();
    made.set(node, promise);
  }
  return promise;
}
