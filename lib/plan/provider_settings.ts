/**
 * An HTTP provider as a run uses it: where it answers, how it is limited, how its calls are retried and priced.
 * @module
 */

/**
 * An HTTP provider with every field resolved (the key itself is never stored: only its variable's name).
 *
 * @example
 * ```ts
 * import type { ResolvedProvider } from "./provider_settings.ts";
 * const images: Pick<ResolvedProvider, "name" | "baseUrl"> = { name: "images", baseUrl: "http://127.0.0.1:8787" };
 * ```
 */
export interface ResolvedProvider {
  /** Its name in the workflow. */
  name: string;
  /** The wire format it speaks. */
  api: "openai";
  /** The base URL: the workflow's, else `baseUrlEnv`'s value when loaded, else the hosted API. Part of keys. */
  baseUrl: string;
  /** Where the base URL came from, for messages: `workflow`, the variable's name, or `default`. */
  baseUrlFrom: string;
  /** The variable that may hold the base URL. */
  baseUrlEnv: string;
  /** The variable that holds the key. */
  keyEnv: string;
  /** The provider's declared version (bump it to make every call again), or null. Part of keys. */
  version: string | null;
  /** Calls in flight at most. */
  concurrency: number;
  /** Requests and tokens per window (`per` ms), and the burst. */
  rate: { requests: number | null; tokens: number | null; per: number; burst: number };
  /** Per request, in ms. */
  timeout: number;
  /** Attempts after a failure that may pass on retry. */
  retries: number;
  /** The longest wait a server's Retry-After may ask for, in ms. */
  maxRetryAfter: number;
  /** Full-jitter backoff, in ms. */
  backoff: { base: number; cap: number };
  /** Prices for `estimate`, or null where not given. */
  prices: { image: number | null; perMillionCharacters: number | null; perMinute: number | null };
}
