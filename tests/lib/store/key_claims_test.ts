import assert from "node:assert/strict";
import { KeyClaims } from "../../../lib/store/key_claims.ts";

const key = "cd".repeat(32);

async function withFolder(test: (folder: string) => Promise<void>): Promise<void> {
  const folder = await Deno.makeTempDir({ prefix: "reel-claims-" });
  try {
    await test(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

Deno.test("KeyClaims: a second claimant waits until the first releases, and is told who holds the key", () =>
  withFolder(async (folder) => {
    const first = new KeyClaims(folder, { pollMs: 5 });
    const second = new KeyClaims(folder, { pollMs: 5 });
    const held = await first.claim(key);
    const told = Promise.withResolvers<string>();
    let got = false;
    const waiting = second.claim(key, { onWait: (who) => told.resolve(`${who.host}/${who.pid}`) }).then(
      (claim) => {
        got = true;
        return claim;
      },
    );
    assert.equal(await told.promise, `${Deno.hostname()}/${Deno.pid}`);
    assert.equal(got, false, "the claim is still held");
    await held.release();
    await (await waiting).release();
    assert.equal(await first.isClaimed(key), false);
  }));

Deno.test("KeyClaims: the claim of a process that no longer runs is taken over at once", () =>
  withFolder(async (folder) => {
    const dead = { host: Deno.hostname(), pid: 999_999_999, token: "dead", since: new Date().toISOString() };
    await Deno.writeTextFile(`${folder}/${key}.claim`, JSON.stringify(dead));
    const claims = new KeyClaims(folder, { pollMs: 5 });
    assert.equal(await claims.isClaimed(key), false);
    const claim = await claims.claim(key);
    assert.equal(await claims.isClaimed(key), true);
    await claim.release();
  }));

Deno.test("KeyClaims: a claim from another host whose heartbeat stopped is taken over; a fresh one is not", () =>
  withFolder(async (folder) => {
    const elsewhere = { host: "other-host", pid: 1, token: "far", since: new Date().toISOString() };
    const path = `${folder}/${key}.claim`;
    await Deno.writeTextFile(path, JSON.stringify(elsewhere));
    const claims = new KeyClaims(folder, { pollMs: 5, staleAfterMs: 60_000 });
    assert.equal(await claims.isClaimed(key), true, "a fresh heartbeat: the other host is alive");
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(path, old, old);
    assert.equal(await claims.isClaimed(key), false, "no heartbeat for two minutes: dead");
    await (await claims.claim(key)).release();
  }));

Deno.test("KeyClaims: an owner's heartbeat keeps its claim fresh", () =>
  withFolder(async (folder) => {
    // The heartbeat's timer does not keep a process alive on its own (a render does): this test holds it open.
    const keepAlive = setInterval(() => {}, 60_000);
    let beat = Promise.withResolvers<void>();
    const owner = new KeyClaims(folder, { heartbeatMs: 10, onHeartbeat: () => beat.resolve() });
    const claim = await owner.claim(key);
    const path = `${folder}/${key}.claim`;
    await beat.promise;
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(path, old, old);
    beat = Promise.withResolvers<void>();
    await beat.promise;
    assert.ok((await Deno.stat(path)).mtime!.getTime() > Date.now() - 60_000, "the heartbeat refreshed it");
    await claim.release();
    owner.close();
    clearInterval(keepAlive);
  }));

Deno.test("KeyClaims: racing claimants of one key get it one at a time", () =>
  withFolder(async (folder) => {
    const owners = [0, 1, 2, 3].map(() => new KeyClaims(folder, { pollMs: 1 }));
    let inside = 0;
    let most = 0;
    await Promise.all(owners.map(async (owner) => {
      const claim = await owner.claim(key);
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inside--;
      await claim.release();
    }));
    assert.equal(most, 1);
  }));

Deno.test("KeyClaims: a claim naming this process's pid that no claims here hold (a restarted container's) is taken over at once", () =>
  withFolder(async (folder) => {
    const earlier = {
      host: Deno.hostname(),
      pid: Deno.pid,
      token: "before-restart",
      since: new Date().toISOString(),
    };
    await Deno.writeTextFile(`${folder}/${key}.claim`, JSON.stringify(earlier));
    const claims = new KeyClaims(folder, { pollMs: 5 });
    let waited = false;
    const claim = await claims.claim(key, { onWait: () => waited = true });
    assert.equal(waited, false);
    assert.equal(await claims.isClaimed(key), true);
    await claim.release();
  }));

Deno.test("KeyClaims: a claim whose pid now runs another program is taken over once its heartbeat is stale, not before", () =>
  withFolder(async (folder) => {
    // A live process of this host that is not reel (the claim's owner died and its pid was given to it).
    const other = new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
    try {
      const path = `${folder}/${key}.claim`;
      const holder = {
        host: Deno.hostname(),
        pid: other.pid,
        token: "reused",
        since: new Date().toISOString(),
      };
      await Deno.writeTextFile(path, JSON.stringify(holder));
      const claims = new KeyClaims(folder, { pollMs: 5, staleAfterMs: 60_000 });
      assert.equal(await claims.isClaimed(key), true, "a fresh heartbeat: its owner may be alive");
      const old = new Date(Date.now() - 2 * 3_600_000);
      await Deno.utime(path, old, old);
      assert.equal(await claims.isClaimed(key), false, "no heartbeat for two hours: its owner is gone");
      await (await claims.claim(key)).release();
    } finally {
      other.kill();
      await other.status;
    }
  }));
