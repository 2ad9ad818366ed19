/**
 * Resolving the fields every workflow has: its providers (base URL from the workflow, the environment or the
 * hosted API) and its limits.
 * @module
 */
import type { WorkflowIssue } from "../core/errors.ts";
import type { ResolvedLimits } from "../plan/limits.ts";
import type { ResolvedProvider } from "../plan/provider_settings.ts";
import { callsBase, HOSTED_BASE_URL, withoutCredentials } from "../providers/http/openai_client.ts";
import { type CommonInput, httpUrl } from "./fields.ts";

/** Defaults of the common fields. */
export const COMMON_DEFAULTS = {
  provider: {
    baseUrl: HOSTED_BASE_URL,
    baseUrlEnv: "OPENAI_BASE_URL",
    keyEnv: "OPENAI_API_KEY",
    concurrency: 4,
    per: { second: 1000, minute: 60_000 },
    timeout: 60_000,
    retries: 5,
    maxRetryAfter: 120_000,
    backoff: { base: 500, cap: 20_000 },
  },
  limits: { videos: 2, sections: 4, api: 2, global: 8, minFreeMemory: 256 * 2 ** 20 },
} as const;

/** The speech engines reel ships with: names a provider may not take. */
export const LOCAL_VOICES = ["espeak", "flite"] as const;

/**
 * Whether a name is one of {@linkcode LOCAL_VOICES}.
 *
 * @param name The name.
 * @returns True for `espeak` and `flite`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLocalVoice } from "./resolve_common.ts";
 * assert.ok(isLocalVoice("espeak") && !isLocalVoice("openai"));
 * ```
 */
export function isLocalVoice(name: string): name is (typeof LOCAL_VOICES)[number] {
  return (LOCAL_VOICES as readonly string[]).includes(name);
}

/**
 * Resolves a workflow's providers.
 *
 * @param input The parsed `providers` field.
 * @param context Reads the environment; problems go to `issues`.
 * @returns The providers, in the order written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveProviders } from "./resolve_common.ts";
 * const [images] = resolveProviders({ images: { api: "openai" } }, { env: () => "http://127.0.0.1:8787", issues: [] });
 * assert.equal(images?.baseUrl, "http://127.0.0.1:8787/v1");
 * ```
 */
export function resolveProviders(
  input: CommonInput["providers"],
  context: { env: (name: string) => string | undefined; issues: WorkflowIssue[] },
): ResolvedProvider[] {
  const defaults = COMMON_DEFAULTS.provider;
  return Object.entries(input ?? {}).map(([name, provider]) => {
    if (isLocalVoice(name)) {
      context.issues.push({
        path: `providers.${name}`,
        message: `"${name}" is a local voice; give the provider another name`,
      });
    }
    const baseUrlEnv = provider.baseUrlEnv ?? defaults.baseUrlEnv;
    const fromEnv = context.env(baseUrlEnv) || null;
    const refused = provider.baseUrl === undefined && fromEnv !== null
      ? httpUrl.safeParse(fromEnv).error
      : undefined;
    if (refused !== undefined) {
      // The schema's own words (not an http URL; a query or fragment), said of the variable, without credentials.
      context.issues.push({
        path: `providers.${name}.baseUrl`,
        message: `${baseUrlEnv} (${withoutCredentials(fromEnv ?? "")}): ${refused.issues[0]?.message}`,
      });
    }
    return {
      name,
      api: provider.api,
      baseUrl: callsBase(provider.baseUrl ?? fromEnv ?? defaults.baseUrl),
      baseUrlFrom: provider.baseUrl !== undefined ? "workflow" : fromEnv !== null ? baseUrlEnv : "default",
      baseUrlEnv,
      keyEnv: provider.keyEnv ?? defaults.keyEnv,
      keyEnvFrom: provider.keyEnv !== undefined ? "workflow" : "default",
      version: provider.version === undefined ? null : String(provider.version),
      concurrency: provider.concurrency ?? defaults.concurrency,
      rate: {
        requests: provider.rate?.requests ?? null,
        tokens: provider.rate?.tokens ?? null,
        per: defaults.per[provider.rate?.per ?? "minute"],
        burst: provider.rate?.burst ?? 1,
      },
      timeout: provider.timeout ?? defaults.timeout,
      timeoutFrom: provider.timeout !== undefined ? "workflow" : "default",
      retries: provider.retries ?? defaults.retries,
      maxRetryAfter: provider.maxRetryAfter ?? defaults.maxRetryAfter,
      backoff: {
        base: provider.backoff?.base ?? defaults.backoff.base,
        cap: provider.backoff?.cap ?? defaults.backoff.cap,
      },
      prices: {
        image: provider.prices?.image ?? null,
        perMillionCharacters: provider.prices?.perMillionCharacters ?? null,
        perMinute: provider.prices?.perMinute ?? null,
      },
    };
  });
}

/**
 * Resolves a workflow's limits: the layers' defaults, and workers, CPU and custom steps sized to the cores.
 *
 * @param input The parsed `limits` field.
 * @param cores Number of cores.
 * @returns The limits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveLimits } from "./resolve_common.ts";
 * assert.deepEqual(resolveLimits({ global: 4 }, 2), {
 *   videos: 2, sections: 4, api: 2, global: 4, custom: 2, workers: 2, cpu: 2, minFreeMemory: 256 * 2 ** 20,
 * });
 * ```
 */
export function resolveLimits(input: CommonInput["limits"], cores: number): ResolvedLimits {
  const defaults = COMMON_DEFAULTS.limits;
  return {
    videos: input?.videos ?? defaults.videos,
    sections: input?.sections ?? defaults.sections,
    api: input?.api ?? defaults.api,
    global: input?.global ?? defaults.global,
    custom: input?.custom ?? cores,
    workers: input?.workers ?? cores,
    cpu: input?.cpu ?? cores,
    minFreeMemory: input?.minFreeMemory ?? defaults.minFreeMemory,
  };
}
