/**
 * Reading the rate-limit headers of OpenAI-compatible APIs: `retry-after-ms`, `retry-after`,
 * `x-ratelimit-remaining-*` and `x-ratelimit-reset-*`.
 * @module
 */
import type { RateLimitInfo } from "../../core/step_task.ts";

/**
 * Parses a duration as the API writes it: `1s`, `6m0s`, `20ms`, `1.5s`, `1h2m3s`, or a bare number of seconds.
 *
 * @param text The header value.
 * @returns Milliseconds, or null when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseResetDuration } from "./rate_limit_headers.ts";
 * assert.equal(parseResetDuration("6m0s"), 360_000);
 * assert.equal(parseResetDuration("20ms"), 20);
 * assert.equal(parseResetDuration("1.5"), 1500);
 * ```
 */
export function parseResetDuration(text: string | null): number | null {
  if (text === null) return null;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = "";
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(part[1]) * units[part[2]!]!;
    matched += part[0];
  }
  return matched === trimmed && matched !== "" ? Math.round(total) : null;
}

/**
 * How long a 429 (or 503) asks the client to wait: `retry-after-ms`, then `retry-after` (seconds or an HTTP
 * date), then `x-ratelimit-reset-requests`. A header that cannot be read or asks for no wait at all (0, a negative
 * number, a date already past) counts as absent: a server answering `Retry-After: 0` to every retry would
 * otherwise be asked again at once, dozens of times a second.
 *
 * @param headers The answer's headers.
 * @param now The current time in ms since the epoch, for HTTP dates. @default Date.now()
 * @returns Milliseconds (more than 0), or null when the answer does not say.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryAfterMs } from "./rate_limit_headers.ts";
 * assert.equal(retryAfterMs(new Headers({ "retry-after": "2" })), 2000);
 * assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "350" })), 350);
 * assert.equal(retryAfterMs(new Headers({ "retry-after": "0" })), null);
 * ```
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | null {
  const ms = positive(Number(headers.get("retry-after-ms") ?? Number.NaN));
  if (ms !== null) return ms;
  const after = headers.get("retry-after")?.trim() ?? "";
  if (after !== "") {
    const seconds = positive(/^[+-]?\d+(\.\d+)?$/.test(after) ? Number(after) * 1000 : Number.NaN);
    if (seconds !== null) return seconds;
    // An HTTP date always names its weekday or month: a bare number (0, -5) is never read as one.
    const date = /[a-z]/i.test(after) ? Date.parse(after) : Number.NaN;
    const untilDate = positive(date - now);
    if (untilDate !== null) return untilDate;
  }
  return positive(parseResetDuration(headers.get("x-ratelimit-reset-requests")) ?? Number.NaN);
}

/** A wait that is a finite number of ms above 0, or null. */
function positive(ms: number): number | null {
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/**
 * Reads the limit and budget-left headers of an answer.
 *
 * @param headers The answer's headers.
 * @returns What they say; null fields where a header is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRateLimit } from "./rate_limit_headers.ts";
 * const info = readRateLimit(new Headers({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s" }));
 * assert.deepEqual(info, {
 *   limitRequests: null,
 *   limitTokens: null,
 *   remainingRequests: 0,
 *   resetRequestsMs: 1000,
 *   remainingTokens: null,
 *   resetTokensMs: null,
 * });
 * ```
 */
export function readRateLimit(headers: Headers): RateLimitInfo {
  const count = (name: string) => {
    const value = headers.get(name);
    return value === null || !Number.isFinite(Number(value)) ? null : Number(value);
  };
  return {
    limitRequests: count("x-ratelimit-limit-requests"),
    limitTokens: count("x-ratelimit-limit-tokens"),
    remainingRequests: count("x-ratelimit-remaining-requests"),
    resetRequestsMs: parseResetDuration(headers.get("x-ratelimit-reset-requests")),
    remainingTokens: count("x-ratelimit-remaining-tokens"),
    resetTokensMs: parseResetDuration(headers.get("x-ratelimit-reset-tokens")),
  };
}
