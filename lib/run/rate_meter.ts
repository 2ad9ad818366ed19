/**
 * Pacing by the generic cell rate algorithm: each call reserves the next free moment, spaced by the rate, with a
 * burst allowance, and never before a pause ends. Calls that wake together do not go out together: each
 * re-checks and the later ones wait their turn.
 * @module
 */
import type { Clock } from "../core/clock.ts";

/** Options for {@linkcode RateMeter}. */
export interface RateMeterOptions {
  /** Units per millisecond (requests, or tokens). */
  perMs: number;
  /** Units that may go at once before the rate applies. */
  burst: number;
  /** The clock. */
  clock: Clock;
  /** The moment before which nothing may go (a provider's pause); 0 for none. @default () => 0 */
  notBefore?: () => number;
  /** A signal aborted when a pause begins (for {@linkcode RateMeter.take}'s `yieldToPause`). @default never */
  pauseBegan?: () => AbortSignal;
}

/**
 * Spaces calls at a steady rate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "../core/clock.ts";
 * import { RateMeter } from "./rate_meter.ts";
 * const clock = new VirtualClock();
 * const meter = new RateMeter({ perMs: 1 / 1000, burst: 1, clock }); // one a second
 * await Promise.all([meter.take(1), meter.take(1), meter.take(1)]);
 * assert.equal(clock.now(), 2000);
 * ```
 */
export class RateMeter {
  #interval: number;
  readonly #clock: Clock;
  readonly #notBefore: () => number;
  readonly #pauseBegan: () => AbortSignal | undefined;
  #burst: number;
  /** The theoretical arrival time of the next unit (GCRA's TAT). */
  #next: number;

  /** @param options Rate, burst, clock and pause. */
  constructor(options: RateMeterOptions) {
    if (!(options.perMs > 0) || !(options.burst >= 1)) {
      throw new RangeError("A rate meter needs a positive rate and burst");
    }
    this.#interval = 1 / options.perMs;
    this.#burst = options.burst;
    this.#clock = options.clock;
    this.#notBefore = options.notBefore ?? (() => 0);
    this.#pauseBegan = options.pauseBegan ?? (() => undefined);
    this.#next = options.clock.now();
  }

  /**
   * Changes the rate from now on (a server advertised a lower limit than configured).
   *
   * @param perMs Units per millisecond.
   */
  setRate(perMs: number): void {
    if (!(perMs > 0)) throw new RangeError("A rate meter needs a positive rate");
    this.#interval = 1 / perMs;
  }

  /** Lowers the burst (the server showed it allows less). */
  limitBurst(burst: number): void {
    this.#burst = Math.max(1, Math.min(this.#burst, burst));
  }

  /**
   * Gives back units that were taken for a call the server refused (a 429 spends none of its budget), so the
   * schedule does not slip by a whole interval for every refusal.
   *
   * @param units Units to give back.
   */
  refund(units: number): void {
    this.#next = Math.max(this.#clock.now(), this.#next - Math.min(units, this.#burst) * this.#interval);
  }

  /**
   * Waits until `units` may go, then reserves them.
   *
   * @param units Units to take (1 per request, or a call's tokens).
   * @param options The signal that abandons the wait; `yieldToPause`: a pause found or begun while waiting (another
   * call's 429) ends the wait at once, nothing taken, so that the caller lets go of what it holds meanwhile (rv33;
   * rv34: a wait of 30 s for a slot went on for its 30 s).
   * @returns True once taken; false when a pause ended the wait.
   * @throws The signal's reason when aborted while waiting.
   */
  async take(
    units: number,
    options: { signal?: AbortSignal; yieldToPause?: boolean } = {},
  ): Promise<boolean> {
    const { signal, yieldToPause = false } = options;
    const began = yieldToPause ? this.#pauseBegan() : undefined;
    // A call larger than the burst would never fit: it waits for a full window instead.
    const cost = Math.min(units, this.#burst) * this.#interval;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      const pause = this.#notBefore();
      if (yieldToPause && (pause > now || began?.aborted === true)) return false;
      const allowedAt = Math.max(this.#next + cost - this.#burst * this.#interval, pause);
      if (allowedAt <= now) {
        this.#next = Math.max(this.#next, now) + cost;
        return true;
      }
      try {
        await this.#clock.sleep(allowedAt - now, {
          signal: began === undefined
            ? signal
            : AbortSignal.any([...signal === undefined ? [] : [signal], began]),
        });
      } catch (error) {
        if (signal?.aborted === true || began?.aborted !== true) throw error;
        return false;
      }
    }
  }
}
