/**
 * Admission by group: at most N groups (videos, or sections of a video) are in flight at once, let in in the order
 * they were registered (the plan's order). A group is in flight from its admission until every step registered in
 * it has settled.
 *
 * The order is strict: a group is let in only after every group registered before it was let in or has settled.
 * A step whose key another step of the run is making waits for that step without a permit of its own, and the
 * step that makes a key is the first of its key in the plan's order (steps ask group by group, and the steps of a
 * key in plan order); were a later group let in first, it could hold a slot while it waits on an earlier group that
 * then never gets one.
 * @module
 */

/**
 * Bounds how many groups are in flight. Steps register with their group up front and report when they settle;
 * the group's slot is freed when its last registered step settles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GroupGate } from "./group_gate.ts";
 * const gate = new GroupGate(1);
 * gate.register("a");
 * gate.register("b");
 * const b = gate.admit("b");
 * await gate.admit("a");
 * assert.equal(gate.inFlight, 1);
 * gate.settle("a");
 * await b;
 * assert.equal(gate.inFlight, 1);
 * ```
 */
export class GroupGate {
  readonly #capacity: number;
  /** Groups in registration order. */
  readonly #groups: string[] = [];
  readonly #pending = new Map<string, number>();
  readonly #state = new Map<string, "waiting" | "admitted" | "settled">();
  readonly #waiters = new Map<string, Set<() => void>>();
  /** The first group in order that is neither admitted nor settled. */
  #cursor = 0;
  #inFlight = 0;

  /** @param capacity Groups in flight at most. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Groups admitted and not yet finished. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Counts one more step in `group`; call before the step can be admitted.
   *
   * @param group The group key.
   */
  register(group: string): void {
    if (!this.#state.has(group)) {
      this.#groups.push(group);
      this.#state.set(group, "waiting");
    }
    this.#pending.set(group, (this.#pending.get(group) ?? 0) + 1);
  }

  /**
   * Waits until `group` is in flight (at once when it already is).
   *
   * @param group The group key.
   * @param options The signal that abandons the wait.
   * @throws The signal's reason when aborted while waiting.
   */
  async admit(group: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const state = this.#state.get(group);
    if (state === "admitted" || state === "settled") return;
    if (state === undefined) throw new RangeError(`Group "${group}" was never registered`);
    options.signal?.throwIfAborted();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const waiters = this.#waiters.get(group) ?? new Set();
    this.#waiters.set(group, waiters);
    const onAbort = () => {
      waiters.delete(resolve);
      reject(options.signal!.reason);
    };
    waiters.add(resolve);
    this.#pump();
    // Let in at once (the first step of the next group to go): no more turns of the event loop than a step of a group
    // already in, or the steps queued after it in the same turn would reach the next permits first.
    if (this.#state.get(group) === "admitted") return;
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await promise;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Counts one step of `group` as settled (done, failed or skipped); the last one frees the group's slot.
   *
   * @param group The group key.
   */
  settle(group: string): void {
    const left = (this.#pending.get(group) ?? 0) - 1;
    if (left > 0) {
      this.#pending.set(group, left);
      return;
    }
    this.#pending.delete(group);
    if (this.#state.get(group) === "admitted") this.#inFlight--;
    this.#state.set(group, "settled");
    this.#pump();
  }

  /** Lets groups in, in order, while there is room and the next one is asking. */
  #pump(): void {
    while (this.#cursor < this.#groups.length) {
      const group = this.#groups[this.#cursor]!;
      const state = this.#state.get(group);
      if (state !== "waiting") {
        this.#cursor++;
        continue;
      }
      const waiters = this.#waiters.get(group);
      if (this.#inFlight >= this.#capacity || waiters === undefined || waiters.size === 0) return;
      this.#state.set(group, "admitted");
      this.#inFlight++;
      this.#cursor++;
      this.#waiters.delete(group);
      for (const resolve of waiters) resolve();
    }
  }
}
