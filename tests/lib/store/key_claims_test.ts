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

Deno.test("KeyClaims.removeAbandoned() removes the claims of owners that are gone, and no live owner's", () =>
  withFolder(async (folder) => {
    // fi21: a killed render's claims on keys never claimed again (the workflow edited since) were kept for good.
    const since = new Date().toISOString();
    const dead = { host: Deno.hostname(), pid: 999_999_999, token: "dead", since };
    const far = { host: "other-host", pid: 1, token: "far", since };
    const claim = (digit: string) => `${folder}/${digit.repeat(64)}.claim`;
    const aged = async (path: string, seconds: number) => {
      const then = new Date(Date.now() - seconds * 1000);
      await Deno.utime(path, then, then);
    };
    await Deno.writeTextFile(claim("a"), JSON.stringify(dead));
    // Another host's: long stale, gone; a little stale, kept (rv42: a clock behind lost every live claim of its
    // host at each render's start); fresh, kept.
    for (const digit of ["b", "e", "c"]) await Deno.writeTextFile(claim(digit), JSON.stringify(far));
    await aged(claim("b"), 1200);
    await aged(claim("e"), 120);
    await Deno.writeTextFile(claim("d"), "not a holder");
    const live = new KeyClaims(folder, { pollMs: 5 });
    const held = await live.claim(key);
    const claims = new KeyClaims(folder, { pollMs: 5, staleAfterMs: 60_000 });
    assert.equal(await claims.removeAbandoned(), 3);
    const left = (await Array.fromAsync(Deno.readDir(folder))).map((entry) => entry.name).filter((name) =>
      name.endsWith(".claim")
    ).sort();
    assert.deepEqual(
      left,
      [claim("c"), `${folder}/${key}.claim`, claim("e")].map((path) => path.slice(folder.length + 1)),
    );
    assert.equal(await live.isClaimed(key), true);
    await held.release();
    live.close();
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

Deno.test("KeyClaims: an owner's claims are links to its one holder file: claiming and releasing make and free no file", () =>
  withFolder(async (folder) => {
    // ext4 without a journal makes every new file skip the inodes freed in the last minutes, one by one: a claim
    // file made and removed for each step made every later step's files dearer.
    const owner = new KeyClaims(folder, { pollMs: 5 });
    const keys = ["a", "b", "c"].map((letter) => letter.repeat(64));
    const claims = await Promise.all(keys.map((k) => owner.claim(k)));
    const holders = (await Array.fromAsync(Deno.readDir(folder))).filter((entry) =>
      entry.name.endsWith(".holder")
    );
    assert.equal(holders.length, 1);
    const inode = (await Deno.stat(`${folder}/${holders[0]!.name}`)).ino;
    for (const k of keys) {
      assert.equal((await Deno.stat(`${folder}/${k}.claim`)).ino, inode, "a link, not a file");
    }
    assert.equal((await Deno.stat(`${folder}/${holders[0]!.name}`)).nlink, 4);
    for (const claim of claims) await claim.release();
    assert.deepEqual((await Array.fromAsync(Deno.readDir(folder))).map((entry) => entry.name), [
      holders[0]!.name,
    ]);
    // The next claim links the same file again; closing the owner removes it.
    const again = await owner.claim(keys[0]!);
    assert.equal((await Deno.stat(`${folder}/${keys[0]}.claim`)).ino, inode);
    await again.release();
    owner.close();
    assert.deepEqual(await Array.fromAsync(Deno.readDir(folder)), []);
  }));

Deno.test("KeyClaims: the first claim after a pause is fresh, though the holder file was last refreshed long ago", () =>
  withFolder(async (folder) => {
    const owner = new KeyClaims(folder, { pollMs: 5 });
    await (await owner.claim(key)).release();
    const holder = (await Array.fromAsync(Deno.readDir(folder))).find((entry) =>
      entry.name.endsWith(".holder")
    )!;
    // No claim held: no heartbeat, and the holder's time grows old (here: set two minutes back).
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(`${folder}/${holder.name}`, old, old);
    const claim = await owner.claim(key);
    const refreshed = (await Deno.stat(`${folder}/${key}.claim`)).mtime!.getTime();
    assert.ok(refreshed > Date.now() - 60_000, "another host would have judged it abandoned");
    await claim.release();
    owner.close();
  }));

Deno.test("KeyClaims: a cleared claims folder (holder file gone) is made again at the next claim", () =>
  withFolder(async (folder) => {
    const owner = new KeyClaims(`${folder}/claims`, { pollMs: 5 });
    await (await owner.claim(key)).release();
    await Deno.remove(`${folder}/claims`, { recursive: true });
    const claim = await owner.claim(key);
    assert.equal(await new KeyClaims(`${folder}/claims`).isClaimed(key), true);
    await claim.release();
    owner.close();
  }));

Deno.test("KeyClaims: claims linked to a holder file removed meanwhile are still refreshed after a new one is written", () =>
  withFolder(async (folder) => {
    const keepAlive = setInterval(() => {}, 60_000);
    let beat = Promise.withResolvers<void>();
    const owner = new KeyClaims(folder, { heartbeatMs: 10, onHeartbeat: () => beat.resolve() });
    const first = await owner.claim("a".repeat(64));
    const holder = (await Array.fromAsync(Deno.readDir(folder))).find((entry) =>
      entry.name.endsWith(".holder")
    )!;
    // Another host's start-up, or a user, removed the holder file: the next claim writes a new one.
    await Deno.remove(`${folder}/${holder.name}`);
    const second = await owner.claim("b".repeat(64));
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(`${folder}/${"a".repeat(64)}.claim`, old, old);
    // Two beats: one may have been under way when the time was set back.
    for (let beats = 0; beats < 2; beats++) {
      beat = Promise.withResolvers<void>();
      await beat.promise;
    }
    const refreshed = (await Deno.stat(`${folder}/${"a".repeat(64)}.claim`)).mtime!.getTime();
    assert.ok(
      refreshed > Date.now() - 60_000,
      "the first claim would have looked abandoned and been made twice",
    );
    await first.release();
    await second.release();
    owner.close();
    clearInterval(keepAlive);
  }));

Deno.test("KeyClaims: a heartbeat that cannot set a time (the folder gone, a file in its place) does not end the process", () =>
  withFolder(async (folder) => {
    const keepAlive = setInterval(() => {}, 60_000);
    let beat = Promise.withResolvers<void>();
    const owner = new KeyClaims(`${folder}/claims`, { heartbeatMs: 10, onHeartbeat: () => beat.resolve() });
    const claim = await owner.claim(key);
    await Deno.remove(`${folder}/claims`, { recursive: true });
    await Deno.writeTextFile(`${folder}/claims`, "not a folder");
    // Each time set now fails with NotADirectory: an uncaught rejection here used to end the render with a trace.
    beat = Promise.withResolvers<void>();
    await beat.promise;
    await claim.release();
    owner.close();
    clearInterval(keepAlive);
  }));

Deno.test("KeyClaims: a damaged claim (not a holder's JSON, a link to nothing, a folder) is taken over at once", () =>
  withFolder(async (folder) => {
    const damaged: [string, (path: string) => Promise<void>][] = [
      ["not JSON", (path) => Deno.writeTextFile(path, "{not json")],
      ["JSON null", (path) => Deno.writeTextFile(path, "null")],
      ["a link to nothing", (path) => Deno.symlink(`${folder}/.99999-gone.holder`, path)],
      ["a folder", (path) => Deno.mkdir(path)],
    ];
    const claims = new KeyClaims(folder, { pollMs: 5, staleAfterMs: 60_000 });
    for (const [what, make] of damaged) {
      await make(`${folder}/${key}.claim`);
      let waited = false;
      assert.equal(await claims.isClaimed(key), false, what);
      const claim = await claims.claim(key, { onWait: () => waited = true });
      assert.equal(waited, false, `${what}: no owner to wait for`);
      assert.equal(await claims.isClaimed(key), true, what);
      await claim.release();
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(folder))).filter((entry) => !entry.name.endsWith(".holder")),
        [],
        what,
      );
    }
    claims.close();
  }));

Deno.test("KeyClaims: a heartbeat that cannot refresh a claim says so once, and the process goes on", () =>
  withFolder(async (folder) => {
    const keepAlive = setInterval(() => {}, 60_000);
    let beat = Promise.withResolvers<void>();
    const errors: Error[] = [];
    const owner = new KeyClaims(folder, {
      heartbeatMs: 10,
      onHeartbeat: () => beat.resolve(),
      onError: (error) => errors.push(error),
    });
    const claim = await owner.claim(key);
    const holder = (await Array.fromAsync(Deno.readDir(folder))).find((entry) =>
      entry.name.endsWith(".holder")
    )!;
    // The holder and the claim both become links to themselves: no time can be set through either.
    for (const path of [`${folder}/${holder.name}`, `${folder}/${key}.claim`]) {
      await Deno.remove(path);
      await Deno.symlink(path, path);
    }
    for (let beats = 0; beats < 3; beats++) {
      beat = Promise.withResolvers<void>();
      await beat.promise;
    }
    assert.equal(errors.length, 1, "said once, not at every beat");
    for (const path of [`${folder}/${holder.name}`, `${folder}/${key}.claim`]) await Deno.remove(path);
    await claim.release();
    owner.close();
    clearInterval(keepAlive);
  }));

Deno.test("KeyClaims: a claim another owner took over is no longer held, and releasing it leaves the other's", () =>
  withFolder(async (folder) => {
    const claims = new KeyClaims(folder, { pollMs: 5 });
    const claim = await claims.claim(key);
    assert.equal(await claim.held(), true);
    // Taken over (this process paused past the staleness): the claim's file names the other owner now.
    const path = `${folder}/${key}.claim`;
    await Deno.remove(path);
    const other = { host: "other-host", pid: 1, token: "other", since: new Date().toISOString() };
    await Deno.writeTextFile(path, JSON.stringify(other));
    assert.equal(await claim.held(), false);
    await claim.release();
    assert.equal(await claims.isClaimed(key), true, "the other owner's claim stays");
    claims.close();
  }));
