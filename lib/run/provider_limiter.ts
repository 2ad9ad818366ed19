/**
 * One provider's limits, shared by every worker because they live in the main thread: a window of calls in flight
 * that starts small, grows with successes and halves on a 429 (slow start, then AIMD, as TCP does); requests and
 * tokens per window (GCRA meters), lowered at once to what the server's headers advertise; a pause that a 429 or
 * a spent `x-ratelimit-remaining-*` budget puts on every caller; and a stop when the server refuses the key.
 * @module
 */
import type { Clock } from "../core/clock.ts";
import { UnrecoverableError } from "../core/errors.ts";
import type { RateLimitInfo } from "../core/step_task.ts";
import type { BudgetPause, ProviderGate } from "./layered_limits.ts";
import type { Permit } from "./semaphore.ts";
import { CallWindow } from "./call_window.ts";
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
  /** The longest pause a server's Retry-After may impose, in ms. @default 120000 */
  maxRetryAfter?: number;
}

/** What a limiter has seen, for tests and reports. */
export interface ProviderLimiterStats {
  /** Most calls in flight at once. */
  maxInFlight: number;
  /** 429 answers reported. */
  rateLimited: number;
  /** The concurrency window now. */
  concurrency: number;
  /** The request rate now, per minute (after what the server advertised), or null for none. */
  requestsPerMinute: number | null;
}

/** The share of the rate kept in reserve. */
const RATE_MARGIN = 0.02;
/** The window the `x-ratelimit-limit-*` headers count in (OpenAI's: requests and tokens per minute). */
const HEADER_WINDOW_MS = 60_000;

/**
 * The gate of one provider.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "../core/clock.ts";
 * import { ProviderLimiter } from "./provider_limiter.ts";
 * const clock = new VirtualClock();
 * const limiter = new ProviderLimiter({ concurrency: 2, requests: 60, tokens: null, per: 60_000, burst: 1 }, { clock });
 * for (let call = 0; call < 2; call++) {
 *   using _slot = await limiter.admit({});
 *   await limiter.pace({});
 *   limiter.succeeded();
 * }
 * assert.equal(Math.round(clock.now()), 1020); // one second, paced 2% under the rate
 * ```
 */
export class ProviderLimiter implements ProviderGate {
  readonly #config: ProviderLimitsConfig;
  readonly #clock: Clock;
  #requests: RateMeter | null;
  #tokens: RateMeter | null;
  readonly #maxRetryAfter: number;
  readonly #window: CallWindow;
  #pausedUntil = 0;
  /** Aborted when a pause begins or lengthens, then replaced: calls waiting for their rate slot let go (rv34). */
  #pausing = new AbortController();
  /** How long 429s have paused the provider since its last answer that was not one, in ms. */
  #refusedMs = 0;
  #requestsPerWindow: number | null;
  #tokensPerWindow: number | null;
  readonly stats: ProviderLimiterStats;

  /**
   * @param config The provider's limits.
   * @param options The clock.
   */
  constructor(config: ProviderLimitsConfig, options: { clock: Clock }) {
    this.#config = config;
    this.#clock = options.clock;
    this.#maxRetryAfter = config.maxRetryAfter ?? 120_000;
    // Slow start: one call first, so the server's advertised limits are known before a burst goes out.
    this.#window = new CallWindow(config.concurrency);
    this.#requestsPerWindow = config.requests;
    this.#tokensPerWindow = config.tokens;
    this.#requests = config.requests === null ? null : this.#meter(config.requests, config.burst);
    this.#tokens = config.tokens === null ? null : this.#meter(config.tokens, config.tokens);
    this.stats = {
      maxInFlight: 0,
      rateLimited: 0,
      concurrency: this.#window.size,
      requestsPerMinute: config.requests === null ? null : (config.requests * 60_000) / config.per,
    };
  }

  /**
   * Waits for a place in the window of calls in flight (and for any pause to end); the permit frees it. Take the
   * shared permits after this, then {@linkcode pace} last.
   *
   * @throws {ProviderRefusedError} When the server refused the key on an earlier call.
   */
  async admit(options: { signal?: AbortSignal }): Promise<Permit> {
    const { signal } = options;
    const permit = await this.#window.enter(signal);
    this.stats.maxInFlight = this.#window.maxInFlight;
    try {
      await this.waitForPause({ signal });
    } catch (error) {
      permit.release();
      throw error;
    }
    return permit;
  }

  /**
   * Reserves the call's place in the request and token rates, waiting as needed: the last thing before the request
   * leaves, so calls that waited for other permits do not leave together. A pause that began meanwhile is waited
   * out before, with {@linkcode waitForPause} (see `LayeredLimits.acquire`); one that begins while this waits ends
   * the wait, nothing reserved.
   *
   * @returns True once reserved; false when a pause began (then wait it out and ask again).
   * @throws {ProviderRefusedError} When the server refused the key meanwhile.
   */
  async pace(options: { signal?: AbortSignal; tokens?: number }): Promise<boolean> {
    const { signal, tokens = 0 } = options;
    this.#window.throwIfStopped();
    // A pause that begins meanwhile ends the wait (rv33: a call waiting for its slot slept through another's
    // Retry-After of a minute holding its global and CPU permits): the caller lets them go and waits it out.
    // Awaited as before, meter or none: the scheduler's tests count the turns a step takes.
    if (await this.#requests?.take(1, { signal, yieldToPause: true }) === false) return false;
    if (tokens > 0 && await this.#tokens?.take(tokens, { signal, yieldToPause: true }) === false) {
      this.#requests?.refund(1);
      return false;
    }
    this.#window.throwIfStopped();
    return true;
  }

  /** A call succeeded: the window grows by one per success up to half the last window, then by one per round. */
  succeeded(): void {
    this.#refusedMs = 0;
    this.#window.grow();
    this.stats.concurrency = this.#window.size;
  }

  /**
   * An answer's headers arrived: limits the server advertises lower the configured ones at once (never raise
   * them), and a spent budget pauses every caller until the server says it resets (at most `maxRetryAfter`).
   *
   * @returns The pause this answer began or lengthened, to be said (fi16: a spent budget paused a render unsaid,
   * for `maxRetryAfter` when its reset was hours away), or null when it began none.
   */
  observe(info: RateLimitInfo): BudgetPause | null {
    if (info.limitRequests !== null && info.limitRequests > 0) {
      const advertised = (info.limitRequests * this.#config.per) / HEADER_WINDOW_MS;
      if (this.#requestsPerWindow === null || advertised < this.#requestsPerWindow) {
        this.#requestsPerWindow = advertised;
        this.#requests = this.#adopt(this.#requests, advertised, this.#config.burst);
        this.stats.requestsPerMinute = info.limitRequests;
      }
    }
    if (info.limitTokens !== null && info.limitTokens > 0) {
      const advertised = (info.limitTokens * this.#config.per) / HEADER_WINDOW_MS;
      if (this.#tokensPerWindow === null || advertised < this.#tokensPerWindow) {
        this.#tokensPerWindow = advertised;
        this.#tokens = this.#adopt(this.#tokens, advertised, advertised);
      }
    }
    const now = this.#clock.now();
    const before = this.#pausedUntil;
    let pause: BudgetPause | null = null;
    const spent = (budget: BudgetPause["budget"], remaining: number | null, resetMs: number | null) => {
      if (remaining === null || remaining > 0 || resetMs === null) return;
      const until = now + Math.min(resetMs, this.#maxRetryAfter);
      const longer = until - Math.max(now, this.#pausedUntil);
      this.#pauseUntil(until);
      // Said when it begins, or when it lengthens the pause by what was left of it at least: each answer that comes
      // during a pause capped at maxRetryAfter lengthens it by the time since the last (rv32: a line per answer in
      // flight; rv34: a line per answer a second or more apart).
      if (longer <= 0 || (before > now && longer < Math.max(1000, before - now))) return;
      pause = { budget, ms: until - now, resetMs, capped: resetMs > this.#maxRetryAfter };
    };
    spent("requests", info.remainingRequests, info.resetRequestsMs);
    spent("tokens", info.remainingTokens, info.resetTokensMs);
    return pause;
  }

  /**
   * A call got a 429: every caller pauses for `retryAfterMs` (at most `maxRetryAfter`), the window halves, the
   * request burst drops to one call (the server has shown it allows less than configured), and the refused call's
   * budget is given back, since the server did not spend it. A wait not said (or not above 0) is as long as 429s
   * have paused the provider since its last other answer, 1 s at least: the pauses double (1, 1, 2, 4… s), 429s in
   * flight together lengthening the pause once.
   */
  rateLimited(retryAfterMs: number | null, tokens = 0): void {
    const now = this.#clock.now();
    this.stats.rateLimited++;
    this.#requests?.limitBurst(1);
    this.#requests?.refund(1);
    if (tokens > 0) this.#tokens?.refund(tokens);
    this.#window.shrink();
    this.stats.concurrency = this.#window.size;
    // An unsaid 429 met while the provider is paused already was sent before the pause: it adds nothing.
    const asked = retryAfterMs !== null && retryAfterMs > 0
      ? retryAfterMs
      : now < this.#pausedUntil
      ? 0
      : Math.max(1000, this.#refusedMs);
    const until = now + Math.min(asked, this.#maxRetryAfter);
    // Only what lengthens the pause counts (a second 429 of the same moment adds nothing, time idle neither).
    this.#refusedMs += Math.max(0, until - Math.max(this.#pausedUntil, now));
    this.#pauseUntil(until);
  }

  refusingFor(): number {
    return this.#refusedMs;
  }

  notRateLimited(): void {
    this.#refusedMs = 0;
  }

  /**
   * The server refused the key (401 or 403): no further call is sent, and every waiting call fails at once.
   *
   * @param reason Why, naming the variable that holds the key (never its value).
   */
  refused(reason: string): void {
    this.#window.stop(new ProviderRefusedError(reason));
  }

  /** Milliseconds until the pause ends (0 when not paused). */
  pausedFor(): number {
    return Math.max(0, this.#pausedUntil - this.#clock.now());
  }

  /**
   * A meter paced 2% under `units` per window: calls reach the server with a few ms of jitter, and a server that
   * allows no burst refuses a call that arrives a hair early.
   */
  #meter(units: number, burst: number): RateMeter {
    return new RateMeter({
      perMs: (units * (1 - RATE_MARGIN)) / this.#config.per,
      burst,
      clock: this.#clock,
      notBefore: () => this.#pausedUntil,
      pauseBegan: () => this.#pausing.signal,
    });
  }

  /** Lowers a meter to an advertised rate, or makes one where none was configured. */
  #adopt(meter: RateMeter | null, units: number, burst: number): RateMeter {
    if (meter === null) return this.#meter(units, burst);
    meter.setRate((units * (1 - RATE_MARGIN)) / this.#config.per);
    // A window's worth at once, of the advertised window (rv33: a configured million tokens a minute kept its
    // burst of a million after the server said 100,000).
    meter.limitBurst(burst);
    return meter;
  }

  #pauseUntil(moment: number): void {
    if (moment <= this.#pausedUntil) return;
    this.#pausedUntil = moment;
    this.#pausing.abort();
    this.#pausing = new AbortController();
  }

  /** Waits until no pause is left (a pause may be lengthened while it waits). */
  async waitForPause(options: { signal?: AbortSignal }): Promise<void> {
    const { signal } = options;
    for (let wait = this.pausedFor(); wait > 0; wait = this.pausedFor()) {
      await this.#clock.sleep(wait, { signal });
      this.#window.throwIfStopped();
    }
  }
}

/**
 * A provider refused the key (401 or 403) on an earlier call, so this call was not sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProviderRefusedError } from "./provider_limiter.ts";
 * assert.equal(new ProviderRefusedError("images: refused").name, "ProviderRefusedError");
 * ```
 */
export class ProviderRefusedError extends UnrecoverableError {
  /** @param reason Why the provider was stopped. */
  constructor(reason: string) {
    super(`Not sent: ${reason}`);
    this.name = "ProviderRefusedError";
  }
}
