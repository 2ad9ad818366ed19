/**
 * The cluster's Redis address: `redis://[user:password@]host:port[/db]` or `rediss://` for TLS, from a flag or
 * `REDIS_URL`, checked once at the boundary and printed only with its password hidden. No client here: commands
 * that only name a Redis load no Redis library.
 * @module
 */
import { InputError } from "../core/errors.ts";

/** A Redis address, checked. */
export interface RedisTarget {
  /** The URL as given (it may hold a password: never print it). */
  url: string;
  /** The URL with its user and password hidden, for messages. */
  redacted: string;
  /** True for `rediss://` (TLS). */
  tls: boolean;
}

/**
 * Checks a Redis URL.
 *
 * @param url `redis://host:6379[/db]` or `rediss://…` (TLS), a password in it or not.
 * @param where The flag or variable it came from, for messages (`--redis`, `REDIS_URL`).
 * @returns The target.
 * @throws {InputError} When it is not a Redis URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRedisUrl } from "./redis_target.ts";
 * const target = parseRedisUrl("rediss://:secret@cache.example:6380/2", "--redis");
 * assert.equal(target.redacted, "rediss://***@cache.example:6380/2");
 * assert.ok(target.tls);
 * assert.throws(() => parseRedisUrl("http://x", "--redis"), /not a Redis URL/);
 * ```
 */
export function parseRedisUrl(url: string, where: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw badUrl(where, error);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") throw badUrl(where);
  if (parsed.hostname === "") throw badUrl(where);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) throw badUrl(where);
  const secret = parsed.username !== "" || parsed.password !== "";
  const redacted = `${parsed.protocol}//${secret ? "***@" : ""}${parsed.host}${db === "" ? "" : `/${db}`}`;
  return { url, redacted, tls: parsed.protocol === "rediss:" };
}

/**
 * The Redis URL of a command: its flag, else `REDIS_URL`.
 *
 * @param flag The flag's value, or undefined.
 * @param where The flag's name, for messages. @default "--redis"
 * @returns The target.
 * @throws {InputError} When neither is set, or the URL is bad.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redisTarget } from "./redis_target.ts";
 * assert.equal(redisTarget("redis://127.0.0.1:6379").redacted, "redis://127.0.0.1:6379");
 * ```
 */
export function redisTarget(flag: string | undefined, where = "--redis"): RedisTarget {
  if (flag !== undefined && flag !== "") return parseRedisUrl(flag, where);
  const env = Deno.env.get("REDIS_URL");
  if (env !== undefined && env !== "") return parseRedisUrl(env, "REDIS_URL");
  throw new InputError("No Redis to connect to", {
    hint: `Pass ${where} redis://host:6379 (or rediss:// for TLS), or set REDIS_URL`,
  });
}

function badUrl(where: string, cause?: unknown): InputError {
  return new InputError(`${where} is not a Redis URL`, {
    where,
    hint: "Use redis://host:6379[/db], with user:password@ before the host if needed, or rediss:// for TLS",
    cause,
  });
}
