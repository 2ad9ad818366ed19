/**
 * The state of a running DAG: which steps wait on which, which are ready, done, failed, skipped or cancelled, the
 * children steps add at run time, and the keys and outputs steps hand their dependents. A plain data structure:
 * the scheduler decides, this keeps count.
 * @module
 */
import type { PlanStep } from "../plan/plan_step.ts";
import { answerKey, outputKey, stepKey } from "../plan/step_key.ts";
import type { StoredArtifact } from "../store/step_store.ts";
import type { StepOutput } from "../core/json.ts";

/** How a step ended. */
export type StepState = "done" | "failed" | "skipped" | "cancelled";

/** One step in the running DAG. */
export interface DagNode {
  /** The planned step. */
  readonly step: PlanStep;
  /** Its key as it runs: the planned one, unless an input spawned children (then their keys count too). */
  key: string;
  /** Where it sorts in output order (plan order; children right after their parent). */
  readonly order: number;
  /** The nodes whose outputs it reads, in order. */
  readonly deps: DagNode[];
  /** The nodes that read its output. */
  readonly dependents: DagNode[];
  /** The node that spawned it, or null. */
  readonly parent: DagNode | null;
  /** The nodes it spawned, in order. */
  children: DagNode[];
  /** Artifact once done. */
  artifact: StoredArtifact | null;
  /** Where it is. */
  state: StepState | "pending";
  /** Inputs (and children) not yet complete. */
  waiting: number;
  /** Children not yet complete. */
  childrenLeft: number;
  /**
   * The cost of the costliest path from it to the end of the DAG, itself included: ready steps with more work
   * ahead of them go first (a child takes its parent's).
   */
  rank: number;
}

/**
 * The nodes of a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DagState } from "./dag_state.ts";
 * const dag = new DagState();
 * assert.equal(dag.size, 0);
 * ```
 */
export class DagState {
  readonly #nodes = new Map<string, DagNode>();
  #settled = 0;

  /** Number of nodes, children included. */
  get size(): number {
    return this.#nodes.size;
  }

  /** True once every node has settled. */
  get finished(): boolean {
    return this.#settled === this.#nodes.size;
  }

  /** Every node, in insertion order. */
  nodes(): DagNode[] {
    return [...this.#nodes.values()];
  }

  /** The node of a step id. */
  get(id: string): DagNode | undefined {
    return this.#nodes.get(id);
  }

  /**
   * Adds the plan's steps (in topological order) and links them.
   *
   * @param steps The plan's steps.
   * @returns The nodes ready at once (no inputs).
   */
  addPlan(steps: readonly PlanStep[]): DagNode[] {
    const added = steps.map((step, order) => this.#add(step, order * 1_000_000, null));
    // Dependents come after their inputs in plan order, so one backward pass ranks every node.
    for (let i = added.length - 1; i >= 0; i--) {
      const node = added[i]!;
      node.rank = node.step.cost +
        node.dependents.reduce((most, dependent) => Math.max(most, dependent.rank), 0);
    }
    return added.filter((node) => node.waiting === 0);
  }

  /**
   * Adds a done node's children, so its dependents wait for them too.
   *
   * @param parent The node that spawned them.
   * @param steps Their steps, in spawn order.
   * @returns The children, ready to run.
   */
  addChildren(parent: DagNode, steps: readonly PlanStep[]): DagNode[] {
    const children = steps.map((step, i) => this.#add(step, parent.order + i + 1, parent));
    for (const child of children) child.rank = parent.rank;
    parent.children = children;
    parent.childrenLeft = children.length;
    return children;
  }

  /**
   * The key a node runs under: its planned key recomputed from its inputs' output keys, which differ from the
   * planned ones when an input spawned children.
   *
   * @param node A node whose inputs are complete.
   * @returns The key.
   */
  keyOf(node: DagNode): string {
    if (node.deps.length === 0) return node.step.key;
    return stepKey(node.step, node.deps.map((dep) => this.outputKeyOf(dep)));
  }

  /**
   * The key a node's provider answer is kept under when it is not the node's own (see `answerKey`).
   *
   * @param node A node whose inputs are complete.
   * @returns The key, or null.
   */
  answerKeyOf(node: DagNode): string | null {
    return answerKey(node.step, node.deps.map((dep) => this.outputKeyOf(dep)));
  }

  /**
   * The key that stands for a node's whole output (itself and its children).
   *
   * @param node A complete node.
   * @returns The key.
   */
  outputKeyOf(node: DagNode): string {
    return outputKey(node.key, node.children.map((child) => this.outputKeyOf(child)));
  }

  /**
   * What a complete node hands its dependents.
   *
   * @param node A complete node.
   * @returns Its path, value and children's outputs.
   */
  outputOf(node: DagNode): StepOutput {
    const artifact = node.artifact!;
    return {
      key: node.key,
      path: artifact.path,
      value: artifact.value,
      children: node.children.map((child) => this.outputOf(child)),
    };
  }

  /**
   * Marks a node and all its children complete and releases what waited on it.
   *
   * @param node A done node without children left.
   * @returns The dependents (and, through its parent, theirs) that are now ready.
   */
  complete(node: DagNode): DagNode[] {
    const ready: DagNode[] = [];
    for (const dependent of node.dependents) {
      if (dependent.state === "pending" && --dependent.waiting === 0) ready.push(dependent);
    }
    const parent = node.parent;
    if (parent !== null && --parent.childrenLeft === 0) ready.push(...this.complete(parent));
    return ready;
  }

  /**
   * Settles a node in a final state.
   *
   * @param node The node.
   * @param state How it ended.
   * @returns False when it had settled already.
   */
  settle(node: DagNode, state: StepState): boolean {
    if (node.state !== "pending") return false;
    node.state = state;
    this.#settled++;
    return true;
  }

  /**
   * The nodes that can no longer run because `node` failed: its dependents, theirs, and those of its ancestors.
   *
   * @param node A failed node.
   * @returns Pending nodes to skip, each once, in the order found.
   */
  blockedBy(node: DagNode): DagNode[] {
    const found = new Set<DagNode>();
    const visit = (current: DagNode) => {
      if (current.parent !== null) visit(current.parent);
      for (const dependent of current.dependents) {
        if (dependent.state !== "pending" || found.has(dependent)) continue;
        found.add(dependent);
        visit(dependent);
      }
    };
    visit(node);
    return [...found];
  }

  /** How many nodes ended in each state. */
  count(): Record<StepState, number> {
    const count = { done: 0, failed: 0, skipped: 0, cancelled: 0 };
    for (const node of this.#nodes.values()) if (node.state !== "pending") count[node.state]++;
    return count;
  }

  /** How each step ended, in output order (children after their parent), and the artifacts of those done. */
  outcome(): { states: Map<string, StepState>; artifacts: Map<string, StoredArtifact> } {
    const nodes = this.nodes().sort((a, b) => a.order - b.order);
    const states = new Map(nodes.map((node) => [node.step.id, node.state as StepState]));
    const artifacts = new Map<string, StoredArtifact>();
    for (const node of nodes) {
      if (node.artifact !== null && node.state === "done") artifacts.set(node.step.id, node.artifact);
    }
    return { states, artifacts };
  }

  /** Pending nodes still waiting on inputs: after a cancel, they can never run. */
  waitingNodes(): DagNode[] {
    return this.nodes().filter((node) => node.state === "pending" && node.waiting > 0);
  }

  #add(step: PlanStep, order: number, parent: DagNode | null): DagNode {
    const deps = step.deps.map((dep) => this.#nodes.get(dep)!);
    const node: DagNode = {
      step,
      key: step.key,
      order,
      deps,
      dependents: [],
      parent,
      children: [],
      artifact: null,
      state: "pending",
      waiting: deps.length,
      childrenLeft: 0,
      rank: step.cost,
    };
    for (const dep of deps) dep.dependents.push(node);
    this.#nodes.set(step.id, node);
    return node;
  }
}
