/**
 * RedisLink, on a real redis-server that goes away: the loss is told once, with the reason of the first failed
 * reconnect, however many attempts follow; a Redis back in time is told too, and nothing is given up; one that stays
 * away past the timeout aborts `unreachable` with a failure that is not retried, and `untilUp` rejects with it. A Redis
 * that keeps the connection but answers nothing (SIGSTOP) is lost once a PING has gone unanswered too long, and
 * back once it answers; a link closed meanwhile tells nothing more.
 */
import assert from "node:assert/strict";
import { RedisLink } from "../../../lib/cluster/_redis_link.ts";
import { openRedis } from "../../../lib/cluster/redis_connection.ts";
import { StepAttemptError } from "../../../lib/core/executor.ts";
import { startRedis, type TestRedis } from "../../_support/redis_server.ts";

/** A connected client watched by a link, with what it told and the errors it let through as news. */
async function watched(redis: TestRedis, timeoutMs: number, probe?: { everyMs: number; answerMs: number }) {
  const notices: string[] = [];
  const news: string[] = [];
  let heard = 0;
  const listeners: (() => void)[] = [];
  const changed = () => listeners.splice(0).forEach((listener) => listener());
  const client = openRedis(redis.target, {
    onError: (error) => {
      heard++;
      if (link.heard(error)) news.push(error.message);
      changed();
    },
  });
  const link: RedisLink = new RedisLink(client, {
    redacted: redis.target.redacted,
    timeoutMs,
    probe,
    onNotice: (message) => {
      notices.push(message);
      changed();
    },
  });
  await client.connect();
  /** Resolves once `test` holds, checked after each notice and error; fails past the test's bound. */
  const until = async (test: () => boolean, what: string) => {
    const deadline = AbortSignal.timeout(15_000);
    while (!test()) {
      deadline.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        listeners.push(resolve);
        deadline.addEventListener("abort", () => reject(new Error(`No ${what}: ${notices.join(" | ")}`)), {
          once: true,
        });
      });
    }
  };
  return {
    link,
    notices,
    news,
    heard: () => heard,
    until,
    client,
    [Symbol.dispose]: () => {
      link.close();
      client.disconnect();
    },
  };
}

/** Brings Redis back with `bring`: `untilUp` resolves, the return is told once, and nothing is given up. */
async function backAgain(watch: Awaited<ReturnType<typeof watched>>, bring: () => Promise<void> | void) {
  const up = watch.link.untilUp(new AbortController().signal);
  await bring();
  await up;
  await watch.until(() => watch.notices.length > 1, "notice of the return");
  assert.match(
    watch.notices[1]!,
    /^Redis at redis:\/\/127\.0\.0\.1:\d+ is back after \d+ m?s: the steps on the cluster go on$/,
  );
  assert.ok(watch.link.connected && !watch.link.unreachable.aborted);
}

Deno.test("RedisLink: a lost Redis is told once whatever the reconnect attempts, and its return once", async () => {
  await using redis = await startRedis();
  using watch = await watched(redis, 60_000);
  assert.ok(watch.link.connected);
  await redis.stop();
  await watch.until(() => watch.notices.length > 0, "notice of the loss");
  const attempts = watch.heard();
  await watch.until(() => watch.heard() >= attempts + 2, "further reconnect attempts");
  assert.equal(watch.notices.length, 1, watch.notices.join("\n"));
  assert.match(
    watch.notices[0]!,
    /^Lost Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED [^;]+; the steps on the cluster wait for it to come back, for 60 s at most, then fail$/,
  );
  assert.deepEqual(watch.news, [], "the reconnect attempts' errors are not news");
  await backAgain(watch, () => redis.restart());
});

Deno.test("RedisLink: a connection cut off while it was up is not news of its own: the loss that follows is told once", async () => {
  await using redis = await startRedis();
  // No PING meanwhile: what tells the cut here is the loss alone.
  using watch = await watched(redis, 60_000, { everyMs: 600_000, answerMs: 5_000 });
  // fi6: Redis killed with a command in flight gave "Redis at …: read ECONNRESET", then "Lost Redis at …".
  assert.equal(watch.link.heard(RESET), false);
  assert.equal(watch.link.heard(new Error("ERR unknown command")), true);
  await redis.stop();
  await watch.until(() => watch.notices.length > 0, "notice of the loss");
  assert.equal(watch.notices.length, 1, watch.notices.join("\n"));
  assert.match(watch.notices[0]!, /^Lost Redis at /);
  await backAgain(watch, () => redis.restart());
});

Deno.test("RedisLink: a connection cut off while Redis answers on is told once, when a PING is answered", async () => {
  // rv8: one of BullMQ's connections cut alone (it reconnects) was never told.
  await using redis = await startRedis();
  using watch = await watched(redis, 60_000, QUICK);
  assert.equal(watch.link.heard(RESET), false);
  assert.equal(watch.link.heard(RESET), false);
  await watch.until(() => watch.notices.length > 0, "notice of the cut");
  assert.deepEqual(watch.notices, [
    `A connection to Redis at ${redis.target.redacted} was cut off (read ECONNRESET) and made again`,
  ]);
  assert.ok(watch.link.connected);
});

/** A connection reset by the other side, as ioredis reports it. */
const RESET = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

Deno.test("RedisLink: Redis away past the timeout fails the waits with a reason not retried; a cancel ends one", async () => {
  await using redis = await startRedis();
  using watch = await watched(redis, 300);
  await redis.stop();
  await watch.until(() => watch.notices.length > 0, "notice of the loss");
  const cancel = new AbortController();
  const waiting = watch.link.untilUp(cancel.signal);
  cancel.abort(new DOMException("Interrupted", "AbortError"));
  await assert.rejects(
    waiting,
    (error: unknown) => error instanceof DOMException && error.name === "AbortError",
  );
  const unreachable = watch.link.unreachable;
  if (!unreachable.aborted) {
    const deadline = AbortSignal.timeout(15_000);
    await new Promise((resolve, reject) => {
      unreachable.addEventListener("abort", resolve, { once: true });
      deadline.addEventListener("abort", () => reject(new Error("Redis was not given up on")), {
        once: true,
      });
    });
  }
  const reason: unknown = unreachable.reason;
  assert.ok(reason instanceof StepAttemptError && !reason.failure.retryable, String(reason));
  assert.match(
    reason.message,
    /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED [^)]+\): gave up after 300 ms; a job already queued stays in Redis/,
  );
  await assert.rejects(
    watch.link.untilUp(new AbortController().signal),
    (error: unknown) => error === reason,
  );
  assert.equal(watch.notices.length, 1, watch.notices.join("\n"));
});

/** A PING every 50 ms, Redis lost when one goes 300 ms unanswered: the real 2 s and 5 s, shortened. */
const QUICK = { everyMs: 50, answerMs: 300 };

Deno.test("RedisLink: a Redis that keeps the connection but answers nothing is lost, and back when it answers", async () => {
  await using redis = await startRedis();
  using watch = await watched(redis, 60_000, QUICK);
  redis.pause();
  // Before: its connection stayed "ready", and nothing was told, ever.
  await watch.until(() => watch.notices.length > 0, "notice of the silence");
  assert.match(
    watch.notices[0]!,
    /^Lost Redis at redis:\/\/127\.0\.0\.1:\d+: it has not answered for 300 ms; the steps on the cluster wait for it to come back, for 60 s at most, then fail$/,
  );
  assert.ok(!watch.link.connected);
  await backAgain(watch, () => redis.resume());
  assert.deepEqual(watch.news, []);
});

Deno.test("RedisLink closed while Redis answers nothing tells nothing after, and leaves no timer running", async () => {
  // rv2: the give-up timer of a loss told after the close ran on for --redis-timeout, keeping the process alive.
  await using redis = await startRedis();
  using watch = await watched(redis, 60_000, QUICK);
  redis.pause();
  await watch.until(() => watch.notices.length > 0, "notice of the silence");
  watch.link.close();
  redis.resume();
  // Answered after the link's PING, on the same connection: the link has heard its answer by then.
  await watch.client.ping();
  // Nor is a connection error heard after the close news (rv3: it told the loss again).
  assert.equal(watch.link.heard(new Error("connect ECONNREFUSED")), false);
  assert.equal(watch.notices.length, 1, watch.notices.join("\n"));
});
