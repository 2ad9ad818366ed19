/**
 * One provider's limits, shared by every worker because they live in the main thread: concurrency that backs
 * off on a 429 and recovers (AIMD), requests and tokens per window (token buckets), a pause that a 429 or an
 * exhausted `x-ratelimit-remaining-*` header puts on every caller.
 * @module
 */
import type { RateLimitInfo } from "../workers/step_task.ts";
import type { Clock } from "./clock.ts";
import type { ProviderGate } from "./layered_limits.ts";
import type { Permit } from "./semaphore.ts";
import { RateMeter } from "./rate_meter.ts";

/** A provider's limits, resolved. */
export interface ProviderLimitsConfig {
  /** Calls in flight at most. */
  concurrency: number;
  /** Requests per window, or null for no request rate. */
  requests: number | null;
  /** Tokens (characters for speech) per window, or null. */
  tokens: number | null;
  /** The window in ms (60 000 for "per minute"). */
  per: number;
  /** Requests that may start at once before the rate applies. */
  burst: number;
}

/** What a limiter has seen, for tests and reports. */
export interface ProviderLimiterStats {
  /** Most calls in flight at once. */
  maxInFlight: number;
  /** 429 answers reported. */
  rateLimited: number;
  /** The concurrency limit now (after AIMD). */
  concurrency: number;
}

/** The share of the configured rate kept in reserve. */
const RATE_MARGIN = 0.02;

interface Waiter {
  resolve(): void;
}

/**
 * The gate of one provider.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "./clock.ts";
 * import { ProviderLimiter } from "./provider_limiter.ts";
 * const clock = new VirtualClock();
 * const limiter = new ProviderLimiter({ concurrency: 2, requests: 60, tokens: null, per: 60_000, burst: 1 }, { clock });
 * (await limiter.acquire({ tokens: 0 })).release();
 * (await limiter.acquire({ tokens: 0 })).release();
 * assert.equal(Math.round(clock.now()), 1020); // one second, paced 2% under the rate
 * ```
 */
export class ProviderLimiter implements ProviderGate {
  readonly #config: ProviderLimitsConfig;
  readonly #clock: Clock;
  readonly #requests: RateMeter | null;
  readonly #tokens: RateMeter | null;
  #limit: number;
  #inFlight = 0;
  #waiters: Waiter[] = [];
  #pausedUntil = 0;
  readonly stats: ProviderLimiterStats;

  /**
   * @param config The provider's limits.
   * @param options The clock.
   */
  constructor(config: ProviderLimitsConfig, options: { clock: Clock }) {
    this.#config = config;
    this.#clock = options.clock;
    this.#limit = config.concurrency;
    const notBefore = () => this.#pausedUntil;
    // Pace 2% under the configured rate: calls reach the server with a few ms of jitter, and a server that
    // allows no burst refuses a call that arrives a hair early.
    const meter = (units: number, burst: number) =>
      new RateMeter({
        perMs: (units * (1 - RATE_MARGIN)) / config.per,
        burst,
        clock: options.clock,
        notBefore,
      });
    this.#requests = config.requests === null ? null : meter(config.requests, config.burst);
    this.#tokens = config.tokens === null ? null : meter(config.tokens, config.tokens);
    this.stats = { maxInFlight: 0, rateLimited: 0, concurrency: config.concurrency };
  }

  /** Waits for a slot, the rate and any pause; the permit frees the slot. */
  async acquire(options: { signal?: AbortSignal; tokens?: number }): Promise<Permit> {
    const { signal, tokens = 0 } = options;
    await this.#takeSlot(signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#wake();
    };
    try {
      // The meters also wait out any pause, and space the calls that a pause held back.
      await this.#waitForPause(signal);
      await this.#requests?.take(1, { signal });
      if (tokens > 0) await this.#tokens?.take(tokens, { signal });
    } catch (error) {
      release();
      throw error;
    }
    return { release, [Symbol.dispose]: release };
  }

  /** A call succeeded: concurrency grows back by one per `limit` successes. */
  succeeded(): void {
    this.#limit = Math.min(this.#config.concurrency, this.#limit + 1 / this.#limit);
    this.stats.concurrency = this.#limit;
    this.#wake();
  }

  /** An answer's headers said a budget is spent: every caller pauses until the server says it resets. */
  observe(info: RateLimitInfo): void {
    const now = this.#clock.now();
    if (info.remainingRequests !== null && info.remainingRequests <= 0 && info.resetRequestsMs !== null) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + info.resetRequestsMs);
    }
    if (info.remainingTokens !== null && info.remainingTokens <= 0 && info.resetTokensMs !== null) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + info.resetTokensMs);
    }
  }

  /**
   * A call got a 429: every caller pauses for `retryAfterMs` (1 s when not said), concurrency halves, the
   * request burst drops to one call (the server has shown it allows less than configured), and the refused call's
   * budget is given back, since the server did not spend it.
   */
  rateLimited(retryAfterMs: number | null, tokens = 0): void {
    this.stats.rateLimited++;
    this.#requests?.limitBurst(1);
    this.#requests?.refund(1);
    if (tokens > 0) this.#tokens?.refund(tokens);
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
    this.stats.concurrency = this.#limit;
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + (retryAfterMs ?? 1000));
  }

  /** Milliseconds until the pause ends (0 when not paused). */
  pausedFor(): number {
    return Math.max(0, this.#pausedUntil - this.#clock.now());
  }

  async #waitForPause(signal: AbortSignal | undefined): Promise<void> {
    for (let wait = this.pausedFor(); wait > 0; wait = this.pausedFor()) {
      await this.#clock.sleep(wait, { signal });
    }
  }

  #takeSlot(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.#inFlight < Math.floor(this.#limit) && this.#waiters.length === 0) {
      this.#enter();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#enter();
          resolve();
        },
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #enter(): void {
    this.#inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.#inFlight);
  }

  #wake(): void {
    while (this.#waiters.length > 0 && this.#inFlight < Math.floor(this.#limit)) {
      this.#waiters.shift()!.resolve();
    }
  }
}
