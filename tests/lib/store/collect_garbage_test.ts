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
