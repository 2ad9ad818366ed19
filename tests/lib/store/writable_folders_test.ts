import assert from "node:assert/strict";
import { tempDir } from "../../_support/temp_dir.ts";
import { evalWithoutRootRights, LOCKED_OUT_WHY, lockOut, plainUserTest } from "../../_support/plain_user.ts";

const STORE = new URL("../../../lib/store/artifact_store.ts", import.meta.url).href;
const KEY = "cd".padEnd(64, "0");

/**
 * Runs `code` without root's rights over files, with `store` an ArtifactStore of `root` (closed after), and reads
 * the JSON it prints.
 */
function inStore(root: string, code: string): Promise<unknown> {
  return evalWithoutRootRights(`
    import { ArtifactStore } from "${STORE}";
    const store = new ArtifactStore(${JSON.stringify(root)});
    try {
      ${code}
    } finally {
      store.close();
    }
  `);
}

/** A store whose folders root made, with `entries/cd` locked against this user (as sudo leaves it). */
async function lockedStore(): Promise<{ root: string; unlock: () => Promise<void> }> {
  const root = await tempDir("reel-writable-");
  for (const shard of ["ab", "cd"]) await Deno.mkdir(`${root}/entries/${shard}`, { recursive: true });
  return { root, unlock: await lockOut(`${root}/entries/cd`) };
}

plainUserTest(
  "ArtifactStore.unwritable() names a folder of entries this user cannot write in, and whose it is",
  async () => {
    const { root, unlock } = await lockedStore();
    try {
      const found = await inStore(
        root,
        `
      const keys = (shard: string) => [shard.padEnd(64, "0")];
      console.log(JSON.stringify([
        store.unwritable({ keys: null, replaced: [] }),
        store.unwritable({ keys: keys("cd"), replaced: [] }),
        // A run that stores nothing there is not refused for it (rv38).
        store.unwritable({ keys: keys("ab"), replaced: [] }),
      ]));
    `,
      );
      // Under root: another user's (nobody's); as another user: its own, locked.
      const locked = { folder: `${root}/entries/cd`, owner: Deno.uid() === 0 ? 65534 : Deno.uid() };
      assert.deepEqual(found, [locked, locked, null]);
    } finally {
      await unlock();
    }
    // Written again, it is not named; nor is a store without entries.
    const open = await evalWithoutRootRights(`
    import { ArtifactStore } from "${STORE}";
    const stores = [new ArtifactStore(${JSON.stringify(root)}), new ArtifactStore(${
      JSON.stringify(`${root}/new`)
    })];
    console.log(JSON.stringify(stores.map((store) => store.unwritable({ keys: null, replaced: [] }))));
    for (const store of stores) store.close();
  `);
    assert.deepEqual(open, [null, null]);
  },
);

plainUserTest(
  "ArtifactStore.unwritable() names a stored entry a run would replace that this user cannot move",
  async () => {
    const root = await tempDir("reel-writable-");
    const entry = `${root}/entries/cd/${KEY}`;
    await Deno.mkdir(entry, { recursive: true });
    const unlock = await lockOut(entry);
    try {
      const found = await inStore(
        root,
        `
      const key = ${JSON.stringify(KEY)};
      const check = (keys: string[] | null, replaced: string[]) => store.unwritable({ keys, replaced });
      // Not replaced; replaced by a step to run (damaged, or forced); forced, where the keys are not all known.
      console.log(JSON.stringify([check([], []), check([key], []), check(null, [key])]));
    `,
      );
      const locked = { folder: entry, owner: Deno.uid() === 0 ? 65534 : Deno.uid() };
      assert.deepEqual(found, [null, locked, locked]);
    } finally {
      await unlock();
    }
  },
);

plainUserTest(
  "ArtifactStore.commit() into a folder locked since the check says so, not with the system's rename",
  async () => {
    const { root, unlock } = await lockedStore();
    try {
      const message = await inStore(
        root,
        `
      try {
        await store.commit(${JSON.stringify(KEY)}, { file: null, extension: null, value: 1, children: [] });
        console.log(JSON.stringify("stored"));
      } catch (error) {
        console.log(JSON.stringify(error.message));
      }
    `,
      );
      assert.equal(message, `Cannot store the artifact in ${root}/entries/cd: ${LOCKED_OUT_WHY}`);
    } finally {
      await unlock();
    }
  },
);

plainUserTest(
  "ArtifactStore.unwritable() follows a folder of entries that is a link, and names the kept answers' folder",
  async () => {
    const root = await tempDir("reel-writable-");
    const elsewhere = await tempDir("reel-writable-");
    await Deno.mkdir(`${root}/entries`, { recursive: true });
    await Deno.symlink(elsewhere, `${root}/entries/ee`);
    await Deno.mkdir(`${root}/answers`);
    const unlockLinked = await lockOut(elsewhere);
    const unlockAnswers = await lockOut(`${root}/answers`);
    try {
      const found = await inStore(
        root,
        `
      const first = store.unwritable({ keys: null, replaced: [] });
      // A step to run whose folder of entries is not there yet; a run of none, which pays for no answer.
      const keys = ["ff".padEnd(64, "0")];
      const runs = store.unwritable({ keys, replaced: [] });
      console.log(JSON.stringify([first, runs, store.unwritable({ keys: [], replaced: [] })]));
    `,
      );
      const owner = Deno.uid() === 0 ? 65534 : Deno.uid();
      // Before: a link among the folders of entries was skipped (rv38); the answers' folder was not checked at all.
      const answers = { folder: `${root}/answers`, owner };
      assert.deepEqual(found, [{ folder: `${root}/entries/ee`, owner }, answers, null]);
    } finally {
      await unlockLinked();
      await unlockAnswers();
    }
  },
);

plainUserTest(
  "ArtifactStore.lookup() of another user's entry says whose it is where it cannot read it, and serves it unmarked where it can",
  async () => {
    const root = await tempDir("reel-writable-");
    const entry = `${root}/entries/cd/${KEY}`;
    await Deno.mkdir(entry, { recursive: true });
    const record = { version: 2, file: null, bytes: null, sha256: null, value: 1, children: [], created: "" };
    await Deno.writeTextFile(`${entry}/record.json`, JSON.stringify(record));
    const lookup = () =>
      inStore(
        root,
        `
      try {
        console.log(JSON.stringify((await store.lookup(${JSON.stringify(KEY)}))?.value ?? null));
      } catch (error) {
        console.log(JSON.stringify(error.name + ": " + error.message));
      }
    `,
      );
    // As a render run with sudo leaves an entry: its folder made by mkdtemp, for its owner alone (nt19, rv38: every
    // command on the store failed with the system's words and a stack, exit 1).
    let unlock = await lockOut(entry, { enter: false });
    try {
      assert.equal(await lookup(), `InputError: Cannot read ${entry} in the store: ${LOCKED_OUT_WHY}`);
    } finally {
      await unlock();
    }
    await Deno.chmod(`${entry}/record.json`, 0o644);
    unlock = await lockOut(`${entry}/record.json`);
    try {
      // Readable: served, though only its owner may mark it used; `markUsed` names it (rv39: refused, a shared
      // store served nothing).
      assert.equal(await lookup(), 1);
      const unmarked = await inStore(
        root,
        `console.log(JSON.stringify(store.markUsed([${JSON.stringify(KEY)}])));`,
      );
      assert.deepEqual(unmarked, Deno.uid() === 0 ? [`${entry}/record.json`] : []);
    } finally {
      await unlock();
    }
    assert.equal(await lookup(), 1);
  },
);

plainUserTest(
  "ArtifactStore.remove() of another user's entry says whose it is, not the system's rename",
  async () => {
    const { root, unlock } = await lockedStore();
    await Deno.mkdir(`${root}/entries/cd/${KEY}`);
    try {
      const said = await inStore(
        root,
        `
      try {
        await store.remove(${JSON.stringify(KEY)});
        console.log(JSON.stringify("removed"));
      } catch (error) {
        console.log(JSON.stringify(error.name + ": " + error.message));
      }
    `,
      );
      // rv40: `cache gc` stopped on it with "Permission denied (os error 13): rename …".
      assert.equal(said, `InputError: Cannot write to ${root}/entries/cd in the store: ${LOCKED_OUT_WHY}`);
    } finally {
      await unlock();
    }
  },
);
