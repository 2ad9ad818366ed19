/**
 * Connecting to the cluster's Redis: `redis://[user:password@]host:port[/db]` or `rediss://` for TLS, checked once
 * at the boundary, printed only with its password hidden, and opened as ioredis clients that wait out a Redis
 * restart (commands are held and sent again once it is back) as BullMQ needs.
 * @module
 */
import { Redis, type RedisOptions } from "ioredis";
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
 * import { parseRedisUrl } from "./redis_connection.ts";
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
 * import { redisTarget } from "./redis_connection.ts";
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

/**
 * Opens a client for reel's own keys (heartbeats, the queue registry, claims): it reconnects forever and holds
 * commands while Redis is away.
 *
 * @param target The Redis.
 * @param options Who hears of connection errors (the client retries them).
 * @returns The client (close it with `quit()` or `disconnect()`).
 *
 * @example
 * ```ts
 * import { openRedis, parseRedisUrl } from "./redis_connection.ts";
 * const redis = openRedis(parseRedisUrl("redis://127.0.0.1:1", "--redis"), { onError: () => {} });
 * redis.disconnect();
 * ```
 */
export function openRedis(target: RedisTarget, options: { onError: (error: Error) => void }): Redis {
  const client = new Redis(target.url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
    ...(target.tls ? { tls: {} } : {}),
  });
  client.on("error", options.onError);
  return client;
}

/**
 * The connection options of a Redis URL, for BullMQ to open (and close) its own clients with: they reconnect
 * forever and hold commands while Redis is away.
 *
 * @param target The Redis.
 * @returns ioredis options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRedisUrl, redisOptions } from "./redis_connection.ts";
 * const options = redisOptions(parseRedisUrl("redis://:pw@127.0.0.1:6390/3", "--redis"));
 * assert.ok(options.port === 6390 && options.db === 3 && options.password === "pw");
 * ```
 */
export function redisOptions(target: RedisTarget): RedisOptions {
  const parser = new Redis(target.url, { lazyConnect: true, ...(target.tls ? { tls: {} } : {}) });
  const options = { ...parser.options };
  parser.disconnect();
  return {
    ...options,
    lazyConnect: false,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  };
}

/**
 * Checks that Redis answers, once, before anything is queued: a clear message instead of a run that waits forever.
 *
 * @param target The Redis.
 * @param options How long to wait for an answer. @default 5000 ms
 * @throws {InputError} When Redis cannot be reached or refuses the password.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRedis, parseRedisUrl } from "./redis_connection.ts";
 * await assert.rejects(checkRedis(parseRedisUrl("redis://127.0.0.1:1", "--redis")), /Cannot reach Redis/);
 * ```
 */
export async function checkRedis(target: RedisTarget, options: { timeoutMs?: number } = {}): Promise<void> {
  const client = new Redis(target.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: options.timeoutMs ?? 5000,
    ...(target.tls ? { tls: {} } : {}),
  });
  // The same error rejects connect() below, where it is reported.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const reason = error instanceof Error
      ? error.message.replaceAll(target.url, target.redacted)
      : String(error);
    throw new InputError(`Cannot reach Redis at ${target.redacted}: ${reason}`, {
      hint: "Start Redis (redis-server) or check the URL, its password and TLS (rediss://)",
    });
  } finally {
    client.disconnect();
  }
}

function badUrl(where: string, cause?: unknown): InputError {
  return new InputError(`${where} is not a Redis URL`, {
    where,
    hint: "Use redis://host:6379[/db], with user:password@ before the host if needed, or rediss:// for TLS",
    cause,
  });
}
