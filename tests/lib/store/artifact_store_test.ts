import assert from "node:assert/strict";
import { ArtifactStore } from "../../../lib/store/artifact_store.ts";
import { listFolder } from "../../_support/cli.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const key = "ab".repeat(32);

Deno.test("ArtifactStore: a committed artifact is found; a changed one is not", async () => {
  const store = new ArtifactStore(await tempDir());
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  const stored = await store.commit(key, {
    file: `${scratch}/a.txt`,
    extension: "txt",
    value: { n: 1 },
    children: [],
  });
  await store.discard(scratch);
  assert.deepEqual((await store.lookup(key))?.value, { n: 1 });
  await Deno.writeTextFile(stored.path!, "HELLO");
  assert.equal(await store.lookup(key), null, "same size, other bytes: not reused");
});

Deno.test("ArtifactStore.commit() refuses a required artifact that was not written, and stores nothing", async () => {
  const store = new ArtifactStore(await tempDir());
  const scratch = await store.scratch(key);
  await assert.rejects(
    store.commit(key, {
      file: `${scratch}/missing.mp4`,
      extension: "mp4",
      value: null,
      children: [],
      required: true,
    }),
    /wrote no artifact/,
  );
  assert.equal(await store.lookup(key), null);
});

Deno.test("ArtifactStore.removeStale() clears what dead processes left in the scratch folder", async () => {
  const root = await tempDir();
  const store = new ArtifactStore(root);
  const mine = await store.scratch(key);
  await Deno.mkdir(`${root}/tmp/999999999-${key.slice(0, 12)}-x`);
  await Deno.writeTextFile(`${root}/tmp/999999999-record-y.tmp`, "{");
  assert.equal(await store.removeStale(), 2);
  assert.deepEqual(await listFolder(`${root}/tmp`), [mine.slice(root.length + 5)]);
});
