import assert from "node:assert/strict";
import { RedisClaims } from "../../../lib/cluster/redis_claims.ts";
import { openRedis } from "../../../lib/cluster/redis_connection.ts";
import type { ClaimHolder } from "../../../lib/store/key_claims.ts";
import { startRedis } from "../../_support/redis_server.ts";

const KEY = "f".repeat(64);

Deno.test("RedisClaims: a second claimant waits until the first releases; a dead owner's claim is taken over", async () => {
  await using redis = await startRedis();
  const onError = (error: Error) => assert.fail(error);
  const a = new RedisClaims(redis.target, { onError });
  const b = new RedisClaims(redis.target, { onError });
  const client = openRedis(redis.target, { onError });
  try {
    const first = await a.claim(KEY, {});
    let taken = false;
    let waiting!: (holder: ClaimHolder) => void;
    const waited = new Promise<ClaimHolder>((resolve) => waiting = resolve);
    const second = b.claim(KEY, { onWait: waiting }).then((claim) => {
      taken = true;
      return claim;
    });
    assert.equal((await waited).pid, Deno.pid);
    assert.equal(taken, false);
    await first.release();
    await (await second).release();
    // A claim left by a process of this host that has exited is taken over at once.
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    await client.connect();
    const holder = { host: Deno.hostname(), pid: gone.pid, token: "t", since: "" };
    await client.set(`reel:claim:${KEY}`, JSON.stringify(holder), "PX", 60_000);
    await (await a.claim(KEY, {})).release();
    assert.equal(await client.exists(`reel:claim:${KEY}`), 0);
    // A claim another owner took over (its lease ran out while this one was paused) is no longer held, and releasing
    // it leaves the other's.
    const mine = await a.claim(KEY, {});
    assert.equal(await mine.held(), true);
    const other = JSON.stringify({ host: "other-host", pid: 1, token: "other", since: "" });
    await client.set(`reel:claim:${KEY}`, other, "PX", 60_000);
    assert.equal(await mine.held(), false);
    await mine.release();
    assert.equal(await client.get(`reel:claim:${KEY}`), other);
  } finally {
    client.disconnect();
    a.close();
    b.close();
  }
});
