import assert from "node:assert/strict";
import { tempDir } from "../../_support/temp_dir.ts";
import { evalWithoutRootRights, lockOut } from "../../_support/plain_user.ts";

const STORE = new URL("../../../lib/store/artifact_store.ts", import.meta.url).href;
const KEY = "cd".padEnd(64, "0");

/** A store whose folders root made, with `entries/cd` locked against this user (as sudo leaves it). */
async function lockedStore(): Promise<{ root: string; unlock: () => Promise<void> }> {
  const root = await tempDir("reel-writable-");
  for (const shard of ["ab", "cd"]) await Deno.mkdir(`${root}/entries/${shard}`, { recursive: true });
  return { root, unlock: await lockOut(`${root}/entries/cd`) };
}

Deno.test("ArtifactStore.unwritable() names a folder of entries this user cannot write in, and whose it is", async () => {
  const { root, unlock } = await lockedStore();
  try {
    const found = await evalWithoutRootRights(`
      import { ArtifactStore } from "${STORE}";
      const store = new ArtifactStore(${JSON.stringify(root)});
      console.log(JSON.stringify(store.unwritable()));
      store.close();
    `);
    // Under root: another user's (nobody's); as another user: its own, locked.
    assert.deepEqual(found, { folder: `${root}/entries/cd`, owner: Deno.uid() === 0 ? 65534 : Deno.uid() });
  } finally {
    await unlock();
  }
  // Written again, it is not named; nor is a store without entries.
  const open = await evalWithoutRootRights(`
    import { ArtifactStore } from "${STORE}";
    const stores = [new ArtifactStore(${JSON.stringify(root)}), new ArtifactStore(${
    JSON.stringify(`${root}/new`)
  })];
    console.log(JSON.stringify(stores.map((store) => store.unwritable())));
    for (const store of stores) store.close();
  `);
  assert.deepEqual(open, [null, null]);
});

Deno.test("ArtifactStore.unwritable() names a stored entry a run would replace that this user cannot move", async () => {
  const root = await tempDir("reel-writable-");
  const entry = `${root}/entries/cd/${KEY}`;
  await Deno.mkdir(entry, { recursive: true });
  const unlock = await lockOut(entry);
  try {
    const found = await evalWithoutRootRights(`
      import { ArtifactStore } from "${STORE}";
      const store = new ArtifactStore(${JSON.stringify(root)});
      console.log(JSON.stringify([store.unwritable(), store.unwritable([${JSON.stringify(KEY)}])]));
      store.close();
    `);
    assert.deepEqual(found, [null, { folder: entry, owner: Deno.uid() === 0 ? 65534 : Deno.uid() }]);
  } finally {
    await unlock();
  }
});

Deno.test("ArtifactStore.commit() into a folder locked since the check says so, not with the system's rename", async () => {
  const { root, unlock } = await lockedStore();
  try {
    const message = await evalWithoutRootRights(`
      import { ArtifactStore } from "${STORE}";
      const store = new ArtifactStore(${JSON.stringify(root)});
      try {
        await store.commit(${JSON.stringify(KEY)}, { file: null, extension: null, value: 1, children: [] });
        console.log(JSON.stringify("stored"));
      } catch (error) {
        console.log(JSON.stringify(error.message));
      } finally {
        store.close();
      }
    `);
    const why = Deno.uid() === 0
      ? "it belongs to user 65534, not to this user (made by a render run as user 65534, with sudo?)"
      : "permission denied";
    assert.equal(message, `Cannot store the artifact in ${root}/entries/cd: ${why}`);
  } finally {
    await unlock();
  }
});
