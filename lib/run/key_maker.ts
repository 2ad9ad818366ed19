/**
 * Making keys, each once: a key made earlier in the run (or being made) is shared; a key in the store is taken
 * from it; otherwise its claim is taken (waiting while another process makes it, then using that result) and
 * its step runs. A stored value the step's kind says cannot be right is not taken: it is told (`step:remaking`),
 * removed with every entry made from it, and made again. Inputs that `cache gc` removed from under the run are made
 * again the same way.
 * @module
 */
import { exists } from "../core/exists.ts";
import { sha256File, sha256Hex } from "../core/sha256.ts";
import type { Json } from "../core/json.ts";
import type { Plan } from "../plan/plan.ts";
import type { StoredArtifact } from "../store/step_store.ts";
import { type AttemptsContext, type Made, type MadeHere, runAttempts } from "./attempts.ts";
import type { DagNode } from "./dag_state.ts";
import { downstreamKeys } from "./downstream_keys.ts";

/** Options for {@linkcode KeyMaker}. */
export interface KeyMakerOptions {
  /** Which nodes ignore the store (`--force`, `--force-step`). */
  forced: (node: DagNode) => boolean;
  /**
   * The check a node's stored value must pass (its kind's `storedProblem`, for this node: why the value cannot be
   * right, or null), or null when its kind has none. @default no check
   */
  storedCheck?: (node: DagNode) => ((value: Json) => string | null) | null;
  /**
   * The plan's steps and templates: the children a stored entry names, among the entries made from a refused value,
   * are made from them. @default none (no stored entry's children are known)
   */
  plan?: Pick<Plan, "steps" | "templates">;
}

/**
 * The makers of a run's keys.
 *
 * @example
 * ```ts
 * import { KeyMaker } from "./key_maker.ts";
 * // const maker = new KeyMaker(context, { forced: (node) => false });
 * // const made = await maker.make(node);
 * ```
 */
export class KeyMaker {
  readonly #context: AttemptsContext;
  readonly #forced: (node: DagNode) => boolean;
  readonly #storedCheck: (node: DagNode) => ((value: Json) => string | null) | null;
  /** Keys made (or found) in this run, and keys being made, with the step that makes them: a key runs once a run. */
  readonly #made = new Map<string, { step: string; made: Promise<Made> }>();
  readonly #remaking = new Map<DagNode, Promise<void>>();
  readonly #plan: Pick<Plan, "steps" | "templates">;
  /**
   * Nodes made again in this run because their stored value could not be right, and the nodes made from them: a
   * node's key is made of its inputs' keys, not their values, so what was stored from a refused value (a transcript
   * merged from a chunk's wrong words) keeps its key, and must be made again too, not served. The entries of those
   * whose keys are known when the value is refused are removed then (see `#fits`), which a run killed later cannot
   * undo; this set covers in this run the ones whose keys could not be known (behind an input that may spawn, has not
   * run and is not stored), and spares their lookups.
   */
  readonly #remade = new Set<DagNode>();

  /**
   * @param context What attempts use (its `vanishedInputs` and `remakeVanishedInputs` are this maker's own).
   * @param options Which nodes ignore the store, and the checks stored values must pass.
   */
  constructor(
    context: Omit<AttemptsContext, "vanishedInputs" | "remakeVanishedInputs">,
    options: KeyMakerOptions,
  ) {
    this.#context = {
      ...context,
      vanishedInputs: (node) => this.vanishedInputs(node),
      remakeVanishedInputs: (node) => this.remakeVanishedInputs(node),
    };
    this.#forced = options.forced;
    this.#storedCheck = options.storedCheck ?? (() => null);
    this.#plan = options.plan ?? { steps: [], templates: [] };
  }

  /**
   * Makes a node's key, or finds it made.
   *
   * @param node A ready node, its key set.
   * @returns The artifact (`cached` when nothing ran for this node), or why there is none.
   */
  async make(node: DagNode): Promise<Made> {
    const shared = this.#made.get(node.key);
    if (shared !== undefined) return reused(await shared.made, { node, maker: shared.step });
    // The first node to ask makes the key, registered before anything is awaited: the steps of a key ask in the
    // plan's order (see the scheduler's start order), and groups are let in in that order (see `GroupGate`), so a
    // step never waits on a maker in a later group.
    const making = this.#makeFirst(node);
    this.#made.set(node.key, { step: node.step.id, made: making });
    return await making;
  }

  async #makeFirst(node: DagNode): Promise<Made> {
    const forced = this.#forced(node);
    if (this.#readsRemade(node)) this.#remade.add(node);
    const stored = forced || this.#remade.has(node) ? null : await this.#context.store.lookup(node.key);
    // A value that cannot be right is told and removed under the key's claim, then made again.
    if (stored !== null && this.#problemOf(node, stored) === null) return { artifact: stored, cached: true };
    return await this.#claimAndRun(node, { forced, announceWait: true });
  }

  /** Whether a node reads (an input, or an input's child) a node made again in this run (see `#remade`). */
  #readsRemade(node: DagNode): boolean {
    // Nothing made again (every run but a rare one): no walk of each node's inputs and their children.
    if (this.#remade.size === 0) return false;
    const remade = (dep: DagNode): boolean => this.#remade.has(dep) || dep.children.some(remade);
    return node.deps.some(remade);
  }

  /**
   * The done nodes whose artifacts a node reads (its inputs and their children, and its spawners' inputs) and that
   * are gone.
   *
   * @param node A node.
   * @returns The gone ones.
   */
  async vanishedInputs(node: DagNode): Promise<DagNode[]> {
    const read: DagNode[] = [];
    const collect = (dep: DagNode) => {
      read.push(dep);
      dep.children.forEach(collect);
    };
    node.deps.forEach(collect);
    // A spawned child reads its spawner's inputs too (fi4: a chunk reads the decoded recording its split was given;
    // cleared by hand, it failed three times, the decode never made again).
    for (let parent = node.parent; parent !== null; parent = parent.parent) parent.deps.forEach(collect);
    // Checked together, one await for them all: steps that became ready together reach their permits in the order
    // they were queued (longest chain first), whatever their number of inputs.
    const found = await Promise.all(read.map((dep) => {
      const path = dep.artifact?.path ?? null;
      return path === null ? true : exists(path);
    }));
    return read.filter((_, i) => !found[i]);
  }

  /**
   * Makes again, once per node at a time, a node's inputs whose artifacts were removed from the store.
   *
   * @param node A node about to run.
   * @throws {Error} When an input cannot be made again.
   */
  async remakeVanishedInputs(node: DagNode): Promise<void> {
    for (const dep of await this.vanishedInputs(node)) {
      let remaking = this.#remaking.get(dep);
      if (remaking === undefined) {
        remaking = this.#remake(dep).finally(() => this.#remaking.delete(dep));
        this.#remaking.set(dep, remaking);
      }
      await remaking;
    }
  }

  /**
   * Makes a node under its key's claim: what another process stored meanwhile is served (unless forced and not
   * waited for), else the node runs; a claim taken over while the step waited for its turn is claimed again.
   * `announceWait` tells a wait for another process's claim (`step:waiting`); a node made again is done already.
   */
  async #claimAndRun(node: DagNode, options: { forced: boolean; announceWait: boolean }): Promise<Made> {
    const { store, signal } = this.#context;
    const { forced } = options;
    let waited = false;
    for (;;) {
      let claim;
      try {
        claim = await store.claim(node.key, {
          signal,
          onWait: (holder) => {
            waited = true;
            if (!options.announceWait) return;
            const by = `${holder.host} pid ${holder.pid}`;
            this.#context.emit({ type: "step:waiting", ...this.#context.base(node), holder: by });
          },
        });
      } catch (error) {
        if (!signal.aborted) throw error;
        return { cancelled: true };
      }
      try {
        // The process that held the claim may have stored the key meanwhile: then it is not made twice.
        const served = !forced || waited;
        const stored = served ? await store.lookup(node.key) : null;
        if (stored !== null && await this.#fits(node, stored)) return { artifact: stored, cached: true };
        // Forced, the step runs whatever is stored; its commit must not keep an entry that cannot be right (removed
        // here). What it replaces is looked at before it is replaced: what was made from it is made again if the new
        // one differs.
        const peeked = served ? null : await store.peek(node.key);
        const checked = this.#storedCheck(node) !== null || this.#remade.has(node);
        const replaced = peeked !== null && checked && !(await this.#fits(node, peeked)) ? null : peeked;
        let compared = false;
        const beforeReplace = replaced === null ? undefined : async (made: MadeHere) => {
          compared = true;
          const file = made.file === null ? null : await sha256File(made.file);
          if (digestOf({ ...made, sha256: file }) !== digestOf(replaced)) {
            await this.#forgetMadeFrom(node, replaced);
          }
        };
        const made = await runAttempts(node, this.#context, { claim, forced, beforeReplace });
        // A cluster's worker stored it itself: compared once stored (a kill between can leave what was made from
        // the old one; open).
        if (
          replaced !== null && !compared && "artifact" in made &&
          digestOf(made.artifact) !== digestOf(replaced)
        ) {
          await this.#forgetMadeFrom(node, replaced);
        }
        if (!("claimLost" in made)) return made;
        // Taken over while the step waited for its turn (this process paused past the claims' staleness: a render
        // stopped with Ctrl-Z paid again for every call another had made meanwhile): claimed again, which waits
        // for the one that took it, and what it stored is served.
        waited = true;
      } finally {
        await claim.release();
      }
    }
  }

  /** Why a node's stored entry cannot be right, as its kind says, or null (also when its kind has no check). */
  #problemOf(node: DagNode, stored: StoredArtifact): string | null {
    return this.#storedCheck(node)?.(stored.value) ?? null;
  }

  /**
   * Whether a node's stored entry can be served, called while holding its claim. One that cannot be right is told
   * (`step:remaking`) and removed, so the step is made again and its commit stores the new one (the store would
   * keep the entry already there); so is one made from a node made again (see `#remade`).
   */
  async #fits(node: DagNode, stored: StoredArtifact): Promise<boolean> {
    const { store } = this.#context;
    // Made from a value made again: removed without a word (the refused value was told).
    if (!this.#remade.has(node)) {
      const reason = this.#problemOf(node, stored);
      if (reason === null) return true;
      this.#context.emit({ type: "step:remaking", ...this.#context.base(node), reason });
      this.#remade.add(node);
      // What was made from the refused value keeps its key: it is removed before the node is made again, the last
      // made first and this entry last, so a run killed at any point leaves nothing stale that the next run serves
      // (it finds this entry refused again, and removes the rest again), but what `downstreamKeys` cannot key.
      const made = await downstreamKeys(node, { stored, plan: this.#plan, peek: (key) => store.peek(key) });
      for (const key of made) await store.remove(key);
    }
    await store.remove(node.key);
    return false;
  }

  /**
   * When a forced node (`--force`, `--force-step`) made an artifact that differs from the one it will replace in the
   * store (a provider's new answer; before, the old entry was kept and published): what was made from the old one
   * is removed, before the new one is stored (a kill between leaves nothing stale), and made again in this run from
   * the new one. A forced step that fails replaces nothing; one that makes the same bytes leaves what was made from
   * them alone.
   */
  async #forgetMadeFrom(node: DagNode, stored: StoredArtifact): Promise<void> {
    const { store } = this.#context;
    const made = await downstreamKeys(node, { stored, plan: this.#plan, peek: (key) => store.peek(key) });
    for (const key of made) await store.remove(key);
    this.#remade.add(node);
  }

  async #remake(dep: DagNode): Promise<void> {
    await this.remakeVanishedInputs(dep);
    const made = await this.#claimAndRun(dep, { forced: false, announceWait: false });
    if (!("artifact" in made)) {
      throw new Error(`Input "${dep.step.id}" vanished from the store and could not be made again`);
    }
    dep.artifact = made.artifact;
    this.#made.set(dep.key, { step: dep.step.id, made: Promise.resolve(made) });
  }
}

/**
 * A digest of what an entry holds: its file's SHA-256 (as its record says: an object store's file may not be here),
 * its value and its children.
 */
function digestOf(entry: Pick<StoredArtifact, "sha256" | "value" | "children">): string {
  return sha256Hex(JSON.stringify([entry.sha256 ?? null, entry.value, entry.children]));
}

/** What another node's (`maker`'s) making of the same key means for this node. */
function reused(made: Made, { node, maker }: { node: DagNode; maker: string }): Made {
  // Found in the store by its maker, it is found by this node too; made by it in this run, it is shared.
  if ("artifact" in made) {
    return { artifact: made.artifact, cached: true, ...made.cached ? {} : { madeBy: maker } };
  }
  if ("failed" in made) {
    return {
      failed: `Not run: "${made.step}" has the same key and failed: ${made.failed}`,
      emitted: false,
      step: node.step.id,
      badInput: made.badInput,
    };
  }
  return made;
}
