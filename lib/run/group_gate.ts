/**
 * Admission by group: at most N groups (videos, or sections of a video) are in flight at once. A group is in
 * flight from its first admitted step until every step registered in it has settled.
 * @module
 */
import { type Permit, Semaphore } from "./semaphore.ts";

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
 * await gate.admit("a");
 * assert.equal(gate.inFlight, 1);
 * gate.settle("a");
 * assert.equal(gate.inFlight, 0);
 * ```
 */
export class GroupGate {
  readonly #slots: Semaphore;
  readonly #pending = new Map<string, number>();
  readonly #admitted = new Map<string, Promise<Permit>>();

  /** @param capacity Groups in flight at most. */
  constructor(capacity: number) {
    this.#slots = new Semaphore(capacity);
  }

  /** Groups admitted and not yet finished. */
  get inFlight(): number {
    return this.#admitted.size;
  }

  /**
   * Counts one more step in `group`; call before the step can be admitted.
   *
   * @param group The group key.
   */
  register(group: string): void {
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
    let admission = this.#admitted.get(group);
    if (admission === undefined) {
      admission = this.#slots.acquire(options);
      this.#admitted.set(group, admission);
      admission.catch(() => {
        if (this.#admitted.get(group) === admission) this.#admitted.delete(group);
      });
    }
    await admission;
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
    const admission = this.#admitted.get(group);
    this.#admitted.delete(group);
    admission?.then((permit) => permit.release(), () => {});
  }
}
