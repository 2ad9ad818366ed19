/**
 * A counting semaphore with FIFO waiters, abortable waits and `Disposable` permits.
 * @module
 */

/** A held permit; disposing it (or calling `release`) gives it back, once. */
export interface Permit extends Disposable {
  /** Gives the permit back; later calls do nothing. */
  release(): void;
}

interface Waiter {
  priority: number;
  resolve(permit: Permit): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A counting semaphore. Waiters are served by priority, highest first, and first come, first served among equals;
 * an aborted wait leaves the queue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Semaphore } from "./semaphore.ts";
 * const semaphore = new Semaphore(1);
 * {
 *   using _permit = await semaphore.acquire();
 *   assert.equal(semaphore.available, 0);
 * }
 * assert.equal(semaphore.available, 1);
 * ```
 */
export class Semaphore {
  #available: number;
  readonly #capacity: number;
  readonly #waiters: Waiter[] = [];

  /** @param capacity Permits in all; `Infinity` for no bound. */
  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`Semaphore capacity must be at least 1, got ${capacity}`);
    this.#capacity = capacity;
    this.#available = capacity;
  }

  /** Permits in all. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Permits free now. */
  get available(): number {
    return this.#available;
  }

  /** Callers waiting now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Takes a permit, waiting for one when none is free.
   *
   * @param options The signal that abandons the wait, and the wait's priority (higher is served first; default 0).
   * @returns The permit.
   * @throws The signal's reason when aborted while waiting.
   */
  acquire(options: { signal?: AbortSignal; priority?: number } = {}): Promise<Permit> {
    const { signal, priority = 0 } = options;
    signal?.throwIfAborted();
    if (this.#available > 0 && this.#waiters.length === 0) {
      this.#available--;
      return Promise.resolve(this.#permit());
    }
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      // Behind every waiter of at least its priority: FIFO among equals.
      const after = this.#waiters.findLastIndex((other) => other.priority >= priority);
      this.#waiters.splice(after + 1, 0, waiter);
    });
  }

  /**
   * Takes up to `max` permits that are free now, none when a caller is waiting (it goes first); never waits.
   *
   * @param max The most to take.
   * @returns The permits taken, maybe none.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Semaphore } from "./semaphore.ts";
   * const semaphore = new Semaphore(3);
   * using _one = await semaphore.acquire();
   * assert.equal(semaphore.takeIdle(5).length, 2);
   * assert.equal(semaphore.available, 0);
   * ```
   */
  takeIdle(max: number): Permit[] {
    const count = this.#waiters.length > 0 ? 0 : Math.max(0, Math.min(max, this.#available));
    this.#available -= count;
    return Array.from({ length: count }, () => this.#permit());
  }

  #permit(): Permit {
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      this.#release();
    };
    return { release, [Symbol.dispose]: release };
  }

  #release(): void {
    const next = this.#waiters.shift();
    if (next === undefined) {
      this.#available++;
      return;
    }
    next.signal?.removeEventListener("abort", next.onAbort);
    next.resolve(this.#permit());
  }
}
