/**
 * A token bucket on an injectable clock: `capacity` tokens at most, refilled continuously at `perMs`.
 * @module
 */
import type { Clock } from "./clock.ts";

/**
 * Hands out tokens at a steady rate; waiters are served in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "./clock.ts";
 * import { TokenBucket } from "./token_bucket.ts";
 * const clock = new VirtualClock();
 * const bucket = new TokenBucket({ capacity: 1, perMs: 1 / 1000, clock }); // 1 per second
 * await bucket.take(1);
 * await bucket.take(1);
 * assert.equal(clock.now(), 1000);
 * ```
 */
export class TokenBucket {
  #capacity: number;
  readonly #perMs: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  /**
   * @param options Capacity (the burst), refill per millisecond and the clock.
   */
  constructor(options: { capacity: number; perMs: number; clock: Clock }) {
    if (!(options.capacity > 0) || !(options.perMs > 0)) {
      throw new RangeError("A token bucket needs a positive capacity and rate");
    }
    this.#capacity = options.capacity;
    this.#perMs = options.perMs;
    this.#clock = options.clock;
    this.#tokens = options.capacity;
    this.#last = options.clock.now();
  }

  /** Tokens available now. */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Takes `count` tokens (at most the capacity), waiting until they have refilled.
   *
   * @param count Tokens to take.
   * @param options The signal that abandons the wait.
   * @throws The signal's reason when aborted while waiting.
   */
  take(count: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    const wanted = Math.min(count, this.#capacity);
    const turn = this.#queue.then(() => this.#takeNow(wanted, options.signal));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  /** Lowers the burst the bucket allows (the server showed it allows less). */
  limitCapacity(capacity: number): void {
    this.#capacity = Math.max(1, Math.min(this.#capacity, capacity));
    this.#tokens = Math.min(this.#tokens, this.#capacity);
  }

  /** Empties the bucket (the server said the budget is spent). */
  drain(): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
  }

  async #takeNow(count: number, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      this.#refill();
      if (this.#tokens >= count) {
        this.#tokens -= count;
        return;
      }
      await this.#clock.sleep(Math.ceil((count - this.#tokens) / this.#perMs), { signal });
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
  }
}
