/**
 * The cores lent to one step while it runs on a worker (see `StepContext.borrowCore`): each ask waits for a CPU
 * slot of the run's and is answered once; what is still lent when the step ends is given back.
 * @module
 */
import type { ExecuteOptions } from "../core/executor.ts";

/** Lends a CPU slot; rejects when the signal aborts first (`ExecuteOptions.lendCore`). */
export type LendCore = NonNullable<ExecuteOptions["lendCore"]>;

/** One ask: what withdraws it, and the slot once lent. */
interface Loan {
  withdraw: AbortController;
  slot: { release(): void } | null;
}

/**
 * A step's loans, by the numbers its worker gave its asks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CoreLoans } from "./_core_loans.ts";
 * const answers: [number, boolean][] = [];
 * let lent = 0;
 * const loans = new CoreLoans(async () => {
 *   lent++;
 *   return { release: () => lent-- };
 * }, (loan, granted) => answers.push([loan, granted]));
 * loans.ask(1);
 * await Promise.resolve();
 * assert.deepEqual(answers, [[1, true]]);
 * loans.close();
 * assert.equal(lent, 0);
 * ```
 */
export class CoreLoans {
  readonly #lend: LendCore | undefined;
  readonly #answer: (loan: number, granted: boolean) => void;
  readonly #loans = new Map<number, Loan>();
  #closed = false;

  /**
   * @param lend Lends a slot; without it (a cluster's worker lends none), every ask is answered with none at once.
   * @param answer Tells the worker an ask's answer.
   */
  constructor(lend: LendCore | undefined, answer: (loan: number, granted: boolean) => void) {
    this.#lend = lend;
    this.#answer = answer;
  }

  /**
   * Asks for a slot for the loan numbered `loan`; answered when one is lent, or at once with none.
   *
   * @param loan The worker's number for the ask.
   */
  ask(loan: number): void {
    if (this.#closed || this.#lend === undefined || this.#loans.has(loan)) return this.#answer(loan, false);
    const entry: Loan = { withdraw: new AbortController(), slot: null };
    this.#loans.set(loan, entry);
    this.#lend(entry.withdraw.signal).then((slot) => {
      // Given back (or the step ended) while the slot came: it goes back at once.
      if (this.#loans.get(loan) !== entry) return slot.release();
      entry.slot = slot;
      this.#answer(loan, true);
    }, () => {
      // The wait was withdrawn (given back, or the step ended): nothing to answer. Were it to fail otherwise, the
      // ask is answered with none, and the step goes on with the cores it has.
      if (this.#loans.get(loan) !== entry) return;
      this.#loans.delete(loan);
      this.#answer(loan, false);
    });
  }

  /**
   * Gives back the loan numbered `loan`, lent or still asked for.
   *
   * @param loan The worker's number for the ask.
   */
  giveBack(loan: number): void {
    const entry = this.#loans.get(loan);
    if (entry === undefined) return;
    this.#loans.delete(loan);
    entry.withdraw.abort();
    entry.slot?.release();
  }

  /** Gives back every loan, the step having ended; later asks get none. */
  close(): void {
    this.#closed = true;
    for (const loan of [...this.#loans.keys()]) this.giveBack(loan);
  }
}
