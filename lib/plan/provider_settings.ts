/**
 * An HTTP provider as a run uses it: where it answers, how it is limited, how its calls are retried and priced.
 * @module
 */
import { withoutCredentials } from "../providers/http/openai_client.ts";

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
  /**
   * Where `keyEnv` came from: `workflow` (written: the server wants a key, and a render without it is refused before
   * its first call) or `default` (a compatible server may want none).
   */
  keyEnvFrom: "workflow" | "default";
  /** The provider's declared version (bump it to make every call again), or null. Part of keys. */
  version: string | null;
  /** Calls in flight at most. */
  concurrency: number;
  /** Requests and tokens per window (`per` ms), and the burst. */
  rate: { requests: number | null; tokens: number | null; per: number; burst: number };
  /** Per request, in ms. */
  timeout: number;
  /**
   * Where `timeout` came from: `workflow` (used as written) or `default` (a transcription call adds time for its
   * chunk's audio to it).
   */
  timeoutFrom: "workflow" | "default";
  /** Attempts after a failure that may pass on retry. */
  retries: number;
  /** The longest wait a server's Retry-After may ask for, in ms. */
  maxRetryAfter: number;
  /** Full-jitter backoff, in ms. */
  backoff: { base: number; cap: number };
  /** Prices for `estimate`, or null where not given. */
  prices: { image: number | null; perMillionCharacters: number | null; perMinute: number | null };
}

/**
 * Where a provider answers and how, as a step's runtime carries it for `httpTarget` (never the key itself: only
 * its variable's name).
 *
 * @param provider The provider.
 * @returns `{ provider, baseUrl, keyEnv, timeout }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { providerRuntime } from "./provider_settings.ts";
 * const runtime = providerRuntime({ name: "p", baseUrl: "http://127.0.0.1:8787", keyEnv: "K", timeout: 1000 });
 * assert.deepEqual(runtime, { provider: "p", baseUrl: "http://127.0.0.1:8787", keyEnv: "K", timeout: 1000 });
 * ```
 */
export function providerRuntime(
  provider: Pick<ResolvedProvider, "name" | "baseUrl" | "keyEnv" | "timeout">,
): { provider: string; baseUrl: string; keyEnv: string; timeout: number } {
  return {
    provider: provider.name,
    baseUrl: provider.baseUrl,
    keyEnv: provider.keyEnv,
    timeout: provider.timeout,
  };
}

/**
 * What identifies a provider in a step's key: the wire format, where it answers, and its declared version.
 *
 * @param provider The provider.
 * @returns `{ api, baseUrl, version }`, the base URL as resolved: as the calls use it (see `callsBase`), without
 *   its credentials.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { providerEngine } from "./provider_settings.ts";
 * const engine = providerEngine({ api: "openai", baseUrl: "http://127.0.0.1:8787/v1", version: null });
 * assert.deepEqual(engine, { api: "openai", baseUrl: "http://127.0.0.1:8787/v1", version: null });
 * ```
 */
export function providerEngine(
  provider: Pick<ResolvedProvider, "api" | "baseUrl" | "version">,
): { api: string; baseUrl: string; version: string | null } {
  // Its credentials are not what answers (nor to be kept in a key).
  return { api: provider.api, baseUrl: withoutCredentials(provider.baseUrl), version: provider.version };
}
