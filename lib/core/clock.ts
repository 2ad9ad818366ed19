/**
 * Time as the engine sees it: `now()` and an abortable `sleep()`. The real clock uses timers; the virtual clock
 * lets tests run rate limits and backoff without waiting.
 * @module
 */

/** A source of time. */
export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds of this clock's time.
   *
   * @throws The signal's reason when aborted first.
   */
  sleep(ms: number, options?: { signal?: AbortSignal }): Promise<void>;
}

/**
 * The wall clock: `performance.now()` and `setTimeout`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realClock } from "./clock.ts";
 * const before = realClock.now();
 * await realClock.sleep(1);
 * assert.ok(realClock.now() >= before);
 * ```
 */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep(ms, options = {}) {
    const { signal } = options;
    signal?.throwIfAborted();
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

interface Sleeper {
  deadline: number;
  order: number;
  resolve(): void;
}

/**
 * A clock whose time moves only when something sleeps: pending sleeps wake one at a time in deadline order, each
 * on its own macrotask turn, and `now()` jumps to the deadline of the one that wakes. Everything else (real I/O
 * included) takes no virtual time. For tests: rate limits and backoff play out in milliseconds, deterministically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "./clock.ts";
 * const clock = new VirtualClock();
 * await clock.sleep(60_000);
 * assert.equal(clock.now(), 60_000);
 * ```
 */
export class VirtualClock implements Clock {
  #now = 0;
  #order = 0;
  #sleepers: Sleeper[] = [];
  #ticking = false;
  readonly #settleMs: number;

  /**
   * @param options `settleMs`: real milliseconds to wait before each jump, so that real I/O under way (a request
   * between a worker and a local server) lands before time moves on; 0 jumps on the next macrotask.
   */
  constructor(options: { settleMs?: number } = {}) {
    this.#settleMs = options.settleMs ?? 0;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { deadline: this.#now + Math.max(0, ms), order: this.#order++, resolve };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
        reject(signal!.reason);
      };
      sleeper.resolve = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#tick();
    });
  }

  #tick(): void {
    if (this.#ticking) return;
    this.#ticking = true;
    setTimeout(() => {
      this.#ticking = false;
      if (this.#sleepers.length === 0) return;
      this.#sleepers.sort((a, b) => a.deadline - b.deadline || a.order - b.order);
      const next = this.#sleepers.shift()!;
      this.#now = Math.max(this.#now, next.deadline);
      next.resolve();
      if (this.#sleepers.length > 0) this.#tick();
    }, this.#settleMs);
  }
}
