/**
 * The fake server's request rate: a token bucket of `burst` requests refilled at `rpm`, and the rate-limit headers
 * the hosted API sends with its answers and its 429s.
 * @module
 */
import type { Clock } from "../core/clock.ts";
import { error } from "./_fake_http.ts";

/** A token bucket of requests per minute; no limit when `rpm` is null. */
export class FakeRate {
  readonly #rpm: number | null;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(options: { rpm: number | null; burst: number; clock: Clock }) {
    this.#rpm = options.rpm;
    this.#burst = options.burst;
    this.#clock = options.clock;
    this.#tokens = options.burst;
    this.#last = options.clock.now();
  }

  /**
   * Takes a request's token: 0 when there was one, else how long until there is one, in ms. The bucket is filled up
   * to when the request arrived (`at`), not to when its body was read: a large upload is not counted late.
   */
  take(at: number = this.#clock.now()): number {
    if (this.#rpm === null) return 0;
    this.#refill(this.#rpm, at);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 60_000) / this.#rpm);
  }

  /** The `x-ratelimit-*` headers of an answer: the limit, what is left, and when the next token comes. */
  headers(): Headers {
    const headers = new Headers();
    if (this.#rpm === null) return headers;
    this.#refill(this.#rpm);
    const untilNext = Math.max(0, Math.ceil(((1 - Math.min(1, this.#tokens)) * 60_000) / this.#rpm));
    headers.set("x-ratelimit-limit-requests", String(this.#rpm));
    headers.set("x-ratelimit-remaining-requests", String(Math.floor(this.#tokens)));
    headers.set("x-ratelimit-reset-requests", `${untilNext}ms`);
    return headers;
  }

  #refill(rpm: number, at: number = this.#clock.now()): void {
    const now = Math.max(at, this.#last);
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * rpm) / 60_000);
    this.#last = now;
  }
}

/** A 429 as the hosted API sends it: the message, and when to come back in every header it uses. */
export function tooMany(message: string, waitMs: number): Response {
  const response = error(429, message);
  response.headers.set("retry-after", String(Math.ceil(waitMs / 1000)));
  response.headers.set("retry-after-ms", String(waitMs));
  response.headers.set("x-ratelimit-remaining-requests", "0");
  response.headers.set("x-ratelimit-reset-requests", `${waitMs}ms`);
  return response;
}
