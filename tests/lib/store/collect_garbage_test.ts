import assert from "node:assert/strict";
import { ArtifactStore } from "../../../lib/store/artifact_store.ts";
import { collectGarbage } from "../../../lib/store/collect_garbage.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { exists } from "../../../lib/core/exists.ts";

/** An entry's size as the store counts it: its artifact and its record. */
async function entryBytes(store: ArtifactStore, key: string, artifact: number): Promise<number> {
  return artifact + (await Deno.stat(`${store.root}/entries/${key.slice(0, 2)}/${key}/record.json`)).size;
}

Deno.test("collectGarbage() removes entries past the size, and stray files among them", async () => {
  const store = new ArtifactStore(await tempDir());
  const key = "cd".repeat(32);
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value: null, children: [] });
  await store.discard(scratch);
  await Deno.writeTextFile(`${store.root}/entries/.DS_Store`, "");
  const bytes = await entryBytes(store, key, 5);
  const report = await collectGarbage(store, 0, { keepRecentMs: 0, now: Date.now() + 60_000 });
  assert.deepEqual(report, { removed: 2, freed: bytes, kept: 0, recent: 0, notEntries: 1, leftovers: 0 });
  assert.equal(await store.lookup(key), null);
  assert.deepEqual(await store.notEntries(), []);
});

Deno.test("collectGarbage() removes what entries/ holds that is no entry, whatever the size, unless a render claims its key", async () => {
  // fi18: a damaged entry and a folder put there by hand stayed for good, and gc said "0 B left".
  const store = new ArtifactStore(await tempDir());
  const kept = "0c".repeat(32);
  await commitEntry(store, kept);
  const entries = `${store.root}/entries`;
  const [damaged, claimed] = ["0d".repeat(32), "0e".repeat(32)];
  for (const key of [damaged, claimed]) {
    await Deno.mkdir(`${entries}/${key.slice(0, 2)}/${key}`, { recursive: true });
    await Deno.writeTextFile(`${entries}/${key.slice(0, 2)}/${key}/artifact.txt`, "12345");
  }
  await Deno.mkdir(`${entries}/zz/notakey`, { recursive: true });
  await Deno.writeTextFile(`${entries}/zz/notakey/artifact.mp4`, "abc");
  const render = new ArtifactStore(store.root);
  const claim = await render.claim(claimed);
  const bytes = await entryBytes(store, kept, 5);
  const report = await collectGarbage(store, 1e9);
  assert.deepEqual(report, { removed: 2, freed: 8, kept: bytes, recent: 0, notEntries: 2, leftovers: 0 });
  assert.deepEqual((await store.notEntries()).map((item) => item.key), [claimed]);
  assert.notEqual(await store.lookup(kept), null);
  await claim.release();
  render.close();
  store.close();
});

/** Stores a five-byte entry under `key`. */
async function commitEntry(store: ArtifactStore, key: string): Promise<void> {
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value: null, children: [] });
  await store.discard(scratch);
}

Deno.test("collectGarbage() keeps what a render still at work used since it began, whatever --keep-recent says", async () => {
  // Before: `cache gc --keep-recent 0` during a render removed a section's speech before its cues read it, and the
  // render failed.
  const root = await tempDir();
  const gc = new ArtifactStore(root);
  const old = "0a".repeat(32);
  await commitEntry(gc, old);
  const hourAgo = new Date(Date.now() - 3_600_000);
  await Deno.utime(`${root}/entries/0a/${old}/record.json`, hourAgo, hourAgo);
  // A render opens the store, claims and makes a key (its holder file says when it began).
  const render = new ArtifactStore(root);
  const made = "0b".repeat(32);
  const claim = await render.claim(made);
  await commitEntry(render, made);
  await claim.release();
  assert.equal(typeof (await render.claims.liveSince()), "number");
  const [oldBytes, madeBytes] = [await entryBytes(gc, old, 5), await entryBytes(gc, made, 5)];
  const during = await collectGarbage(gc, 0, { keepRecentMs: 0 });
  assert.deepEqual(during, {
    removed: 1,
    freed: oldBytes,
    kept: madeBytes,
    recent: 1,
    notEntries: 0,
    leftovers: 0,
  });
  assert.equal(await gc.lookup(old), null);
  assert.notEqual(await gc.lookup(made), null);
  // Once it has ended, nothing of it is kept past --keep-recent.
  render.close();
  assert.equal(await gc.claims.liveSince(), null);
  const after = await collectGarbage(gc, 0, { keepRecentMs: 0 });
  assert.deepEqual(after, { removed: 1, freed: madeBytes, kept: 0, recent: 0, notEntries: 0, leftovers: 0 });
  gc.close();
});

Deno.test("collectGarbage() sees a render at work that holds no claim, past the claims' stale time, and not once it is gone", async () => {
  // Before: a render's holder file was fresh only while it held a claim, so one passing through stored steps (or
  // waiting on another's claim) for 15 s lost its entries to a gc.
  const root = await tempDir();
  const made = "0c".repeat(32);
  const script = `${root}/render.ts`;
  await Deno.writeTextFile(
    script,
    `import { ArtifactStore } from "${new URL("../../../lib/store/artifact_store.ts", import.meta.url).href}";
const started = performance.now();
const store = new ArtifactStore(${JSON.stringify(root)}, {
  claims: { heartbeatMs: 20, onHeartbeat: () => console.log(Math.round(performance.now() - started)) },
});
const scratch = await store.scratch("${made}");
await Deno.writeTextFile(\`\${scratch}/a.txt\`, "hello");
await store.commit("${made}", { file: \`\${scratch}/a.txt\`, extension: "txt", value: null, children: [] });
await store.discard(scratch);
store.attend();
await new Promise(() => {});
`,
  );
  const child = new Deno.Command(Deno.execPath(), { args: ["run", "--allow-all", script], stdout: "piped" })
    .spawn();
  try {
    // Its heartbeats, told on its stdout, until they span more than the stale time the gc judges by.
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let told = "";
    while (!told.split("\n").some((line) => Number(line) > 400)) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`the render ended: ${told}`);
      told += value;
    }
    const gc = new ArtifactStore(root, { claims: { staleAfterMs: 200 } });
    assert.equal(typeof (await gc.claims.liveSince()), "number");
    const report = await collectGarbage(gc, 0, { keepRecentMs: 0 });
    assert.deepEqual(report, {
      removed: 0,
      freed: 0,
      kept: await entryBytes(gc, made, 5),
      recent: 1,
      notEntries: 0,
      leftovers: 0,
    });
    child.kill("SIGKILL");
    await child.status;
    assert.equal(await gc.claims.liveSince(), null);
    assert.equal((await collectGarbage(gc, 0, { keepRecentMs: 0 })).removed, 1);
    gc.close();
    lines.releaseLock();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Ended already.
    }
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

Deno.test("collectGarbage() counts answers kept for a step's next attempt, oldest first, and keeps recent ones", async () => {
  const store = new ArtifactStore(await tempDir());
  await Deno.mkdir(`${store.root}/answers`);
  const [old, fresh] = ["ab".repeat(32), "ef".repeat(32)];
  await Deno.writeTextFile(store.answerPath(old), "paid once");
  await Deno.utime(store.answerPath(old), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
  await commitEntry(store, "cd".repeat(32));
  await Deno.writeTextFile(store.answerPath(fresh), "paid");
  // Over the size by the old answer alone: it goes first, the entry used since stays.
  const rest = await entryBytes(store, "cd".repeat(32), 5) + "paid".length;
  const report = await collectGarbage(store, rest + 1, { keepRecentMs: 600_000 });
  assert.deepEqual(report, { removed: 1, freed: 9, kept: rest, recent: 0, notEntries: 0, leftovers: 0 });
  assert.deepEqual((await store.answers()).map((answer) => answer.key), [fresh]);
  // Nothing may stay: the fresh answer is recent, kept as the entry is.
  const all = await collectGarbage(store, 0, { keepRecentMs: 600_000 });
  assert.equal(all.removed, 0);
  assert.equal(all.recent, 2);
});

Deno.test("collectGarbage() removes stopped renders' scratch folders and claims, no live render's", async () => {
  // fi21: a killed render's claims and scratch folders stayed until the next render of the store.
  const store = new ArtifactStore(await tempDir());
  const key = "0f".repeat(32);
  await Deno.mkdir(`${store.root}/tmp/999999999-${key.slice(0, 12)}-x`, { recursive: true });
  await Deno.writeTextFile(`${store.root}/tmp/999999999-${key.slice(0, 12)}-x/part.mp4`, "12345");
  await Deno.mkdir(`${store.root}/claims`, { recursive: true });
  const dead = { host: Deno.hostname(), pid: 999_999_999, token: "dead", since: new Date().toISOString() };
  await Deno.writeTextFile(`${store.root}/claims/${key}.claim`, JSON.stringify(dead));
  const live = new ArtifactStore(store.root);
  const claimed = "1f".repeat(32);
  const claim = await live.claim(claimed);
  const mine = await live.scratch(claimed);
  const report = await collectGarbage(store, 0);
  assert.equal(report.leftovers, 2);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(`${store.root}/tmp`), (entry) => entry.name), [
    mine.slice(mine.lastIndexOf("/") + 1),
  ]);
  assert.equal(await store.claims.isClaimed(claimed), true);
  assert.equal(await exists(`${store.root}/claims/${key}.claim`), false);
  await claim.release();
  live.close();
});
