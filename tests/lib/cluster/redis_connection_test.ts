import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { InputError } from "../../../lib/core/errors.ts";
import { checkRedis } from "../../../lib/cluster/redis_connection.ts";
import { parseRedisUrl } from "../../../lib/cluster/redis_target.ts";
import { startRedis } from "../../_support/redis_server.ts";

Deno.test("checkRedis() says a refused or missing password as such, not as a Redis it cannot reach", async () => {
  await using redis = await startRedis();
  const admin = new Redis(redis.url, { lazyConnect: true });
  await admin.connect();
  await admin.config("SET", "requirepass", "secret");
  admin.disconnect();
  const port = new URL(redis.url).port;
  const rejected = async (url: string, said: RegExp) => {
    await assert.rejects(checkRedis(parseRedisUrl(url, "--redis")), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, said);
      assert.doesNotMatch(error.message, /wrong-one/, "the password is not printed");
      return true;
    });
  };
  // Before: "Cannot reach Redis at …: Connection is closed." for both.
  await rejected(
    `redis://:wrong-one@127.0.0.1:${port}`,
    /^Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ refused the password: WRONGPASS/,
  );
  await rejected(
    `redis://127.0.0.1:${port}`,
    /^Redis at redis:\/\/127\.0\.0\.1:\d+ asks for a password: NOAUTH/,
  );
  await checkRedis(parseRedisUrl(`redis://:secret@127.0.0.1:${port}`, "--redis"));
  // Nothing listening is still told as such, with why (was "Connection is closed." whatever the cause).
  await rejected(
    "redis://127.0.0.1:1",
    /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED /,
  );
});

Deno.test("checkRedis() gives up on a server that takes the connection and never answers, saying so", async () => {
  // Before: every cluster command hung without a word (fi), the timeout covering the connection alone.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const url = `redis://127.0.0.1:${listener.addr.port}`;
    await assert.rejects(checkRedis(parseRedisUrl(url, "--redis"), { timeoutMs: 300 }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: it took the connection but did not answer in 0\.3 s/,
      );
      return true;
    });
  } finally {
    listener.close();
    await accepting;
    for (const conn of held) conn.close();
  }
});

Deno.test("checkRedis() refuses a database Redis does not have (ioredis went on with database 0)", async () => {
  await using redis = await startRedis();
  const port = new URL(redis.url).port;
  await assert.rejects(
    checkRedis(parseRedisUrl(`redis://127.0.0.1:${port}/99`, "--redis")),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /^Redis at redis:\/\/127\.0\.0\.1:\d+\/99 has no database 99: ERR DB index is out of range/,
      );
      return true;
    },
  );
  await checkRedis(parseRedisUrl(`redis://127.0.0.1:${port}/15`, "--redis"));
});

Deno.test("checkRedis() says a server that answers as something else (HTTP) is not Redis, without a bug report", async () => {
  // fi14: ioredis's "Protocol error, got "H" as reply type byte. Please report this.", and "Start Redis".
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("hello"),
  );
  try {
    const url = `redis://127.0.0.1:${server.addr.port}`;
    await assert.rejects(checkRedis(parseRedisUrl(url, "--redis")), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /^The server at redis:\/\/127\.0\.0\.1:\d+ does not answer as Redis does \(its first answer starts with "H": an HTTP server\?\)$/,
      );
      assert.match(error.hint ?? "", /host and port/);
      return true;
    });
  } finally {
    await server.shutdown();
  }
});
