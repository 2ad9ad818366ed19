/**
 * Connecting to the cluster's Redis: `redis://[user:password@]host:port[/db]` or `rediss://` for TLS, checked once
 * at the boundary, printed only with its password hidden, and opened as ioredis clients that wait out a Redis
 * restart (commands are held and sent again once it is back) as BullMQ needs.
 * @module
 */
import { Redis, type RedisOptions } from "ioredis";
import { InputError, messageOf } from "../core/errors.ts";
import type { RedisTarget } from "./redis_target.ts";

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
 * import { openRedis } from "./redis_connection.ts";
 * import { parseRedisUrl } from "./redis_target.ts";
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
 * import { redisOptions } from "./redis_connection.ts";
 * import { parseRedisUrl } from "./redis_target.ts";
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

/** What Redis says when the URL's database is not one of its own. */
const NO_DATABASE = /DB index is out of range/i;
/** What Redis says when it refuses a password or asks for one. */
const PASSWORD_REFUSED = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i;
/** What ioredis says of an answer that is not Redis's protocol: its first byte. */
const PROTOCOL_ERROR = /Protocol error, got "(.)" as reply type byte/;

/** How long Redis may take to answer before it counts as not answering, in ms (at the start, and mid-run). */
export const ANSWER_MS = 5000;

/**
 * Checks that Redis answers, once, before anything is queued: a clear message instead of a run that waits forever.
 *
 * @param target The Redis.
 * @param options How long to wait for an answer. @default {@linkcode ANSWER_MS}
 * @throws {InputError} When Redis cannot be reached or refuses the password.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRedis } from "./redis_connection.ts";
 * import { parseRedisUrl } from "./redis_target.ts";
 * await assert.rejects(checkRedis(parseRedisUrl("redis://127.0.0.1:1", "--redis")), /Cannot reach Redis/);
 * ```
 */
export async function checkRedis(target: RedisTarget, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? ANSWER_MS;
  const client = new Redis(target.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    ...(target.tls ? { tls: {} } : {}),
  });
  // Why a connection failed (refused, timed out, a password refused) comes as an error event, and connect() then
  // rejects with "Connection is closed": the event's words are kept to say which it was.
  let refused: string | null = null;
  let failed: string | null = null;
  client.on("error", (error: unknown) => {
    const message = messageOf(error);
    failed ??= message;
    if (PASSWORD_REFUSED.test(message)) refused ??= message;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A server that takes the connection and never answers (not a Redis, a Redis stopped with SIGSTOP): ioredis's
  // timeout covers the connection alone, and its ready check and PING waited for ever (fi: every cluster command
  // hung without a word).
  const silent = new Promise<never>((_, reject) => {
    // From the connection on: one that is never made is ioredis's `connectTimeout` to tell (rv: a host that drops
    // the packets was said to have taken it).
    client.once("connect", () => {
      timer = setTimeout(
        () => reject(new Error(`it took the connection but did not answer in ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
  });
  const answered = (async () => {
    await client.connect();
    await client.ping();
  })();
  // Its failure after the timeout (the client disconnected below) is no longer heard.
  answered.catch(() => {});
  try {
    await Promise.race([answered, silent]);
    // A database the URL names but Redis lacks (`/99` of 16): ioredis says so as an error event and goes on with
    // database 0, another queue and store's, where the render would run.
    if (failed !== null && NO_DATABASE.test(failed)) {
      throw new InputError(
        `Redis at ${target.redacted} has no database ${new URL(target.url).pathname.slice(1)}: ${failed}`,
        {
          hint: "Redis has 16 databases (0 to 15) unless its `databases` setting says more: name one of them",
        },
      );
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    // The connection's own error is the cause; what connect() or ping() threw after it ("Connection is closed") is
    // not.
    const message = failed ?? messageOf(error);
    const refusal = refused ?? (PASSWORD_REFUSED.test(message) ? message : null);
    if (refusal !== null) {
      const reason = refusal.replaceAll(target.url, target.redacted);
      const said = /NOAUTH/.test(reason) ? "asks for a password" : "refused the password";
      throw new InputError(`Redis at ${target.redacted} ${said}: ${reason}`, {
        hint:
          "Give the password Redis asks for in the URL (redis://:password@host:port), or the user and password",
      });
    }
    // Whatever was thrown, the URL (and its password) is never printed.
    const reason = message.replaceAll(target.url, target.redacted);
    // Something else answers there (fi14: an HTTP server, told in ioredis's words, "Protocol error, got "H" as reply
    // type byte. Please report this.", and as a Redis to start).
    const byte = PROTOCOL_ERROR.exec(reason)?.[1];
    if (byte !== undefined) {
      throw new InputError(
        `The server at ${target.redacted} does not answer as Redis does (its first answer starts with "${byte}"` +
          `${byte === "H" || byte === "<" ? ": an HTTP server?" : ""})`,
        { hint: "Check the URL's host and port: they should be Redis's (6379 unless it was set otherwise)" },
      );
    }
    throw new InputError(`Cannot reach Redis at ${target.redacted}: ${reason}`, {
      hint: "Start Redis (redis-server) or check the URL, its password and TLS (rediss://)",
    });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
