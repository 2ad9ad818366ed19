import assert from "node:assert/strict";
import { ArtifactStore } from "../../../lib/store/artifact_store.ts";
import { collectGarbage } from "../../../lib/store/collect_garbage.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("collectGarbage() removes entries past the size and leaves stray files among them alone", async () => {
  const store = new ArtifactStore(await tempDir());
  const key = "cd".repeat(32);
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value: null, children: [] });
  await store.discard(scratch);
  await Deno.writeTextFile(`${store.root}/entries/.DS_Store`, "");
  const report = await collectGarbage(store, 0, { keepRecentMs: 0, now: Date.now() + 60_000 });
  assert.deepEqual(report, { removed: 1, freed: 5, kept: 0, recent: 0 });
  assert.equal(await store.lookup(key), null);
  assert.equal(await Deno.readTextFile(`${store.root}/entries/.DS_Store`), "");
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
  const during = await collectGarbage(gc, 0, { keepRecentMs: 0 });
  assert.deepEqual(during, { removed: 1, freed: 5, kept: 5, recent: 1 });
  assert.equal(await gc.lookup(old), null);
  assert.notEqual(await gc.lookup(made), null);
  // Once it has ended, nothing of it is kept past --keep-recent.
  render.close();
  assert.equal(await gc.claims.liveSince(), null);
  const after = await collectGarbage(gc, 0, { keepRecentMs: 0 });
  assert.deepEqual(after, { removed: 1, freed: 5, kept: 0, recent: 0 });
  gc.close();
});
