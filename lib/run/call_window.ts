/**
 * The window of a provider's calls in flight: it starts at one call and grows by one per success up to a
 * threshold (slow start), then by one per round of successes; a 429 halves it (AIMD, as TCP does). Callers wait
 * for a place in it, in order; once the provider is stopped, every waiting and later caller fails.
 * @module
 */
import type { Permit } from "./semaphore.ts";

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A window of calls in flight.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CallWindow } from "./call_window.ts";
 * const window = new CallWindow(4);
 * assert.equal(window.size, 1);
 * window.grow();
 * assert.equal(window.size, 2);
 * window.shrink();
 * assert.equal(window.size, 1);
 * ```
 */
export class CallWindow {
  readonly #max: number;
  #size = 1;
  #threshold: number;
  #inFlight = 0;
  #waiters: Waiter[] = [];
  #stopped: Error | null = null;
  /** Most calls in flight at once. */
  maxInFlight = 0;

  /** @param max Calls in flight at most (the provider's `concurrency`). */
  constructor(max: number) {
    this.#max = max;
    this.#threshold = max;
  }

  /** Calls allowed in flight now. */
  get size(): number {
    return this.#size;
  }

  /**
   * Waits for a place, in order of asking.
   *
   * @param signal Abandons the wait.
   * @returns The permit that frees the place.
   * @throws The error the window was stopped with, or the signal's reason.
   */
  async enter(signal: AbortSignal | undefined): Promise<Permit> {
    await this.#take(signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#wake();
    };
    return { release, [Symbol.dispose]: release };
  }

  /** A call succeeded: one more place, while under the threshold; else one more per round. */
  grow(): void {
    const step = this.#size < this.#threshold ? 1 : 1 / this.#size;
    this.#size = Math.min(this.#max, this.#size + step);
    this.#wake();
  }

  /** A 429: the window halves, and so does the threshold for growing fast. */
  shrink(): void {
    this.#threshold = Math.max(1, Math.floor(this.#size / 2));
    this.#size = this.#threshold;
  }

  /**
   * Fails every waiting and later caller with `error`.
   *
   * @param error Why the provider was stopped.
   */
  stop(error: Error): void {
    this.#stopped ??= error;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(this.#stopped);
  }

  /** @throws The error the window was stopped with. */
  throwIfStopped(): void {
    if (this.#stopped !== null) throw this.#stopped;
  }

  #take(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    this.throwIfStopped();
    if (this.#inFlight < Math.floor(this.#size) && this.#waiters.length === 0) {
      this.#enter();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#enter();
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #enter(): void {
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
  }

  #wake(): void {
    while (this.#waiters.length > 0 && this.#inFlight < Math.floor(this.#size)) {
      this.#waiters.shift()!.resolve();
    }
  }
}
