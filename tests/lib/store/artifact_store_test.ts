import assert from "node:assert/strict";
import type { Json } from "../../../lib/core/json.ts";
import { ArtifactStore } from "../../../lib/store/artifact_store.ts";
import { valueDigest } from "../../../lib/store/step_store.ts";
import { listFolder } from "../../_support/cli.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const key = "ab".repeat(32);

/** A store in a new folder holding "hello" under `key`, with `value`. */
async function storeHello(value: Json) {
  const store = new ArtifactStore(await tempDir());
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  const stored = await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value, children: [] });
  await store.discard(scratch);
  return { store, stored };
}

Deno.test("ArtifactStore: a committed artifact is found; a changed one is not", async () => {
  const { store, stored } = await storeHello({ n: 1 });
  assert.deepEqual((await store.lookup(key))?.value, { n: 1 });
  await Deno.writeTextFile(stored.path!, "HELLO");
  assert.equal(await store.lookup(key), null, "same size, other bytes: not reused");
});

Deno.test("ArtifactStore.commit() places an entry with the permissions this user's folders have, not mkdtemp's", async () => {
  const { stored } = await storeHello({ n: 1 });
  const entry = stored.path!.slice(0, stored.path!.lastIndexOf("/"));
  // What a folder this process makes gets (its umask; not read with Deno.umask(), which sets it for a moment).
  const folder = `${await tempDir()}/made`;
  await Deno.mkdir(folder);
  const mode = (await Deno.stat(folder)).mode! & 0o777;
  // Before: 0700, an entry no other user could read (a store a render run with sudo wrote, or a group shares).
  assert.equal((await Deno.stat(entry)).mode! & 0o777, mode);
  // A value-only entry too.
  const store = new ArtifactStore(await tempDir());
  await store.commit(key, { file: null, extension: null, value: 1, children: [] });
  assert.equal((await Deno.stat(`${store.root}/entries/${key.slice(0, 2)}/${key}`)).mode! & 0o777, mode);
  assert.deepEqual(await listFolder(`${store.root}/tmp`), [], "the folder it learned the mode from is gone");
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
  // A dead process's private claim files (its holder file, a write cut short by a full disk) go too; live claims
  // and files stay.
  const claim = await store.claim(key);
  await Deno.writeTextFile(`${root}/claims/.999999999-token.holder`, "{");
  await Deno.writeTextFile(`${root}/claims/.999999999-token.tmp`, "{");
  await Deno.writeTextFile(`${root}/claims/.999999999-token.takeover`, "{");
  await Deno.writeTextFile(`${root}/claims/.${Deno.pid}-live.tmp`, "{");
  // And the claim of an owner that is gone, on a key no render claims again (fi21: kept for good).
  const dead = { host: Deno.hostname(), pid: 999_999_999, token: "dead", since: new Date().toISOString() };
  await Deno.writeTextFile(`${root}/claims/${"e".repeat(64)}.claim`, JSON.stringify(dead));
  assert.equal(await store.removeStale(), 4);
  const left = await listFolder(`${root}/claims`);
  assert.equal(left?.length, 3, String(left));
  assert.match(left![0]!, new RegExp(`^\\.${Deno.pid}-h[0-9a-f]{8}-[0-9a-f-]+\\.holder$`));
  assert.deepEqual(left!.slice(1), [`.${Deno.pid}-live.tmp`, `${key}.claim`]);
  await claim.release();
  store.close();
});

/** Writes `text` into a fresh scratch folder of `store` and commits it under `key`. */
async function commitText(store: ArtifactStore, text: string, value: number) {
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, text);
  try {
    return await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value, children: [] });
  } finally {
    await store.discard(scratch);
  }
}

Deno.test("ArtifactStore.commit(): the first writer of a key wins, whole; the loser gets the winner's entry", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ArtifactStore(root);
    const first = await commitText(store, "first call's bytes", 1);
    const second = await commitText(store, "second call's bytes, longer", 2);
    assert.equal(second.path, first.path);
    assert.equal(second.value, 1, "the record that comes back is the first writer's");
    assert.equal(await Deno.readTextFile(second.path!), "first call's bytes");
    // Writers racing: whoever wins, record and bytes belong to the same call.
    const other = new ArtifactStore(root);
    await store.remove(key);
    const results = await Promise.all([
      commitText(store, "aaaa", 10),
      commitText(other, "bbbbbbbb", 20),
      commitText(store, "cccccccccccc", 30),
    ]);
    const found = await store.lookup(key);
    assert.ok(found !== null);
    const bytes = await Deno.readTextFile(found.path!);
    assert.equal(bytes, { 10: "aaaa", 20: "bbbbbbbb", 30: "cccccccccccc" }[found.value as 10 | 20 | 30]);
    for (const result of results) assert.equal(result.value, found.value);
    assert.deepEqual(await listFolder(`${root}/tmp`), [], "every loser's copy was removed");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ArtifactStore.remove() takes an entry away whole, and lookup() then misses it", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ArtifactStore(root);
    await commitText(store, "x", 1);
    await store.remove(key);
    assert.equal(await store.lookup(key), null);
    assert.deepEqual(await store.entries(), []);
    assert.deepEqual(await listFolder(`${root}/trash`), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ArtifactStore: a stored file keeping the size and time the store gave it is used unhashed; any write is caught", async () => {
  const { store, stored } = await storeHello(1);
  const path = stored.path!;
  const stamp = (await Deno.stat(path)).mtime!;
  // The store set the time: whole seconds, in the past, so no later write can leave it unchanged.
  assert.equal(stamp.getTime() % 1000, 0);
  assert.ok(stamp.getTime() <= Date.now() - 2000);
  // Same bytes, another time (a copy without its times): hashed, and still used.
  await Deno.utime(path, new Date(), new Date());
  assert.notEqual(await store.lookup(key), null);
  // Other bytes of the same size written at once: caught, whatever the clock's tick.
  await Deno.utime(path, stamp, stamp);
  await Deno.writeTextFile(path, "HELLO");
  assert.equal(await store.lookup(key), null);
  // The time is what tells: the same edit with the store's time put back is not hashed, so not seen.
  await Deno.utime(path, stamp, stamp);
  assert.notEqual(await store.lookup(key), null);
});

Deno.test("ArtifactStore: its folders removed between steps (a cache cleared meanwhile) are made again", async () => {
  const root = await tempDir();
  const store = new ArtifactStore(root);
  const claim = await store.claims.claim(key);
  await commitText(store, "one", 1);
  await claim.release();
  await Deno.remove(root, { recursive: true });
  // The same two first characters: its entry's parent folder is the one the first entry was placed in, made
  // again only because it is gone.
  const other = `ab${"cd".repeat(31)}`;
  const again = await store.claims.claim(other);
  const scratch = await store.scratch(other);
  await Deno.writeTextFile(`${scratch}/a.txt`, "two");
  const stored = await store.commit(other, {
    file: `${scratch}/a.txt`,
    extension: "txt",
    value: 2,
    children: [],
  });
  await again.release();
  assert.equal(await Deno.readTextFile(stored.path!), "two");
  assert.deepEqual((await store.lookup(other))?.value, 2);
  assert.equal(await store.lookup(key), null, "the first entry went with the folder");
});

Deno.test("ArtifactStore.commit(): the recorded SHA-256 is the file's, small (one read) or large (streamed)", async () => {
  const { sha256Hex } = await import("../../../lib/core/sha256.ts");
  const store = new ArtifactStore(await tempDir());
  for (const [index, size] of [[1, 3000], [2, 1024 * 1024], [3, 1024 * 1024 + 1], [4, 3 * 1024 * 1024 + 7]]) {
    const bytes = new Uint8Array(size!).map((_, i) => (i * 31 + index!) & 255);
    const name = String(index).repeat(64);
    const scratch = await store.scratch(name);
    await Deno.writeFile(`${scratch}/a.bin`, bytes);
    const stored = await store.commit(name, {
      file: `${scratch}/a.bin`,
      extension: "bin",
      value: null,
      children: [],
    });
    await store.discard(scratch);
    const record = JSON.parse(
      await Deno.readTextFile(`${stored.path!.slice(0, stored.path!.lastIndexOf("/"))}/record.json`),
    );
    assert.equal(record.sha256, sha256Hex(bytes), `${size} bytes`);
    assert.equal(record.bytes, size);
  }
});

Deno.test("ArtifactStore.entries(): an entry is never shown used before it was made (the file system's coarser clock)", async () => {
  const { store } = await storeHello({ n: 1 });
  const [entry] = await store.entries();
  const created = Date.parse(entry!.created);
  // The record's time a few ms before `created`, as a coarse file-system clock stamps it.
  const record = `${store.root}/entries/${key.slice(0, 2)}/${key}/record.json`;
  await Deno.utime(record, new Date(created - 4), new Date(created - 4));
  assert.equal((await store.entries())[0]!.lastUsed.getTime(), created);
  // Used later: that time.
  await Deno.utime(record, new Date(created + 60_000), new Date(created + 60_000));
  assert.equal((await store.entries())[0]!.lastUsed.getTime(), created + 60_000);
});

Deno.test("ArtifactStore.entries() counts an entry's record with its artifact: a value-only entry is not 0 B", async () => {
  // Before: a value-only step's entry (a transcription chunk's words) was listed, and counted by `cache gc`, as 0 B.
  const { store } = await storeHello({ n: 1 });
  const valueKey = "c".repeat(64);
  const words = Array.from({ length: 200 }, (_, i) => ({ text: `word${i}`, start: i, end: i + 0.5 }));
  await store.commit(valueKey, { file: null, extension: null, value: { words }, children: [] });
  const sizes = new Map((await store.entries()).map((entry) => [entry.key, entry.bytes]));
  const recordSize = async (of: string) =>
    (await Deno.stat(`${store.root}/entries/${of.slice(0, 2)}/${of}/record.json`)).size;
  assert.equal(sizes.get(key), "hello".length + await recordSize(key));
  assert.equal(sizes.get(valueKey), await recordSize(valueKey));
  assert.ok(sizes.get(valueKey)! > JSON.stringify(words).length);
});

Deno.test("ArtifactStore.entries() skips stray files among the entries' folders (a .DS_Store)", async () => {
  const { store } = await storeHello({ n: 1 });
  await Deno.writeTextFile(`${store.root}/entries/.DS_Store`, "");
  await Deno.writeTextFile(`${store.root}/entries/${key.slice(0, 2)}/.DS_Store`, "");
  assert.deepEqual((await store.entries()).map((entry) => entry.key), [key]);
});

Deno.test("ArtifactStore: a record whose value was changed since it was stored is not served, and is replaced when the step is made again", async () => {
  const { store } = await storeHello({ cues: [{ start: 0, end: 1, lines: ["Hello"] }] });
  const record = `${store.root}/entries/${key.slice(0, 2)}/${key}/record.json`;
  const stored = JSON.parse(await Deno.readTextFile(record));
  assert.equal(typeof stored.valueSha256, "string");
  // Valid JSON, another value: as an editor or a damaged copy could leave it.
  await Deno.writeTextFile(record, JSON.stringify({ ...stored, value: "garbage" }));
  assert.equal(await store.lookup(key), null);
  // Made again: the damaged entry is replaced, and the new value served.
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  const again = await store.commit(key, {
    file: `${scratch}/a.txt`,
    extension: "txt",
    value: { n: 2 },
    children: [],
  });
  await store.discard(scratch);
  assert.deepEqual(again.value, { n: 2 });
  assert.deepEqual((await store.lookup(key))?.value, { n: 2 });
  // A record from before the digest (none kept) is served as it is.
  const older = JSON.parse(await Deno.readTextFile(record));
  delete older.valueSha256;
  await Deno.writeTextFile(record, JSON.stringify({ ...older, value: { n: 3 } }));
  assert.deepEqual((await store.lookup(key))?.value, { n: 3 });
});

Deno.test("ArtifactStore keeps what a step warned of with its entry, outside the value's digest; a record without any reads as before", async () => {
  const store = new ArtifactStore(await tempDir());
  const warnings = ["the provider answered an image of 32×32, not the 64×48 asked"];
  const stored = await store.commit(key, { file: null, extension: null, value: 1, children: [], warnings });
  assert.deepEqual(stored.warnings, warnings);
  assert.deepEqual((await store.lookup(key))?.warnings, warnings);
  const record = `${store.root}/entries/${key.slice(0, 2)}/${key}/record.json`;
  const kept = JSON.parse(await Deno.readTextFile(record));
  // The digest is the value's and children's alone: a reel from before warnings were kept reads the entry (rv39).
  assert.equal(kept.valueSha256, valueDigest(1, []));
  // What is no text among them is not said.
  await Deno.writeTextFile(record, JSON.stringify({ ...kept, warnings: ["another", 7, null] }));
  assert.deepEqual((await store.lookup(key))?.warnings, ["another"]);
  // A step that warned of nothing writes no field.
  const other = "cd".repeat(32);
  await store.commit(other, { file: null, extension: null, value: 1, children: [], warnings: [] });
  const plain = JSON.parse(await Deno.readTextFile(`${store.root}/entries/cd/${other}/record.json`));
  assert.equal("warnings" in plain, false);
  assert.equal((await store.lookup(other))?.warnings, undefined);
  store.close();
});

Deno.test("ArtifactStore: a record that is null, a list, a number or a folder is damaged: not served, listed apart, remade", async () => {
  // fi4: `null` in a record.json crashed every command on the store (`.version` of null), `cache gc` too.
  for (const damage of ["null", "[]", "42", "folder"]) {
    const { store } = await storeHello({ n: 1 });
    const record = `${store.root}/entries/${key.slice(0, 2)}/${key}/record.json`;
    if (damage === "folder") {
      await Deno.remove(record);
      await Deno.mkdir(record);
    } else await Deno.writeTextFile(record, damage);
    assert.equal(await store.lookup(key), null, damage);
    assert.deepEqual(await store.entries(), [], damage);
    const scratch = await store.scratch(key);
    await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
    await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value: { n: 2 }, children: [] });
    await store.discard(scratch);
    assert.deepEqual((await store.lookup(key))?.value, { n: 2 }, damage);
  }
});

Deno.test("ArtifactStore.commit(): a file where the folder of the key's entries should be is removed, and the entry stored", async () => {
  // fi4: a file at entries/3e failed every step of those keys ("Not a directory: rename …").
  const root = await tempDir();
  const store = new ArtifactStore(root);
  await Deno.mkdir(`${root}/entries`, { recursive: true });
  await Deno.writeTextFile(`${root}/entries/${key.slice(0, 2)}`, "stray");
  // rv6: two processes mending it at once; the second's rename found nothing and threw.
  await Promise.all([store.remove(key), new ArtifactStore(root).remove(key)]);
  await Deno.writeTextFile(`${root}/entries/${key.slice(0, 2)}`, "stray");
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value: { n: 1 }, children: [] });
  await store.discard(scratch);
  assert.deepEqual((await store.lookup(key))?.value, { n: 1 });
  assert.equal(await Deno.readTextFile((await store.lookup(key))!.path!), "hello");
});

Deno.test("ArtifactStore.commit(): a link at the artifact's path is stored as a copy, the linked file untouched; a folder is refused", async () => {
  // fi5: a symbolic link to /etc/passwd was stored as a link, and the store's stamp changed that file's time; a hard
  // link shared the user's file with the store.
  const root = await tempDir();
  const store = new ArtifactStore(root);
  const theirs = `${root}/theirs.txt`;
  await Deno.writeTextFile(theirs, "hello");
  const old = new Date("2020-01-01T00:00:00Z");
  await Deno.utime(theirs, old, old);
  for (const link of [Deno.symlink, Deno.link]) {
    const scratch = await store.scratch(key);
    await link(theirs, `${scratch}/a.txt`);
    const stored = await store.commit(key, {
      file: `${scratch}/a.txt`,
      extension: "txt",
      value: 1,
      children: [],
      replace: true,
    });
    await store.discard(scratch);
    const info = await Deno.lstat(stored.path!);
    assert.ok(info.isFile && info.nlink === 1, link.name);
    assert.equal(await Deno.readTextFile(stored.path!), "hello");
    assert.equal((await Deno.stat(theirs)).mtime?.getTime(), old.getTime(), link.name);
  }
  const scratch = await store.scratch(key);
  await Deno.mkdir(`${scratch}/a.txt`);
  await assert.rejects(
    store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value: 1, children: [] }),
    /The step made a folder at its output path \(.*a\.txt\), not a file; nothing was stored/,
  );
});

Deno.test("ArtifactStore.commit(): a scratch folder holding the artifact alone becomes the entry; one holding more is left to discard", async () => {
  // A folder made and removed for every step made each later file dearer on ext4 without a journal: the store now
  // places the scratch folder itself when nothing else is in it.
  const root = await tempDir();
  const store = new ArtifactStore(root);
  const alone = await store.scratch(key);
  await Deno.writeTextFile(`${alone}/artifact.txt`, "hello");
  const stored = await store.commit(key, {
    file: `${alone}/artifact.txt`,
    extension: "txt",
    value: 1,
    children: [],
    scratchDir: alone,
  });
  assert.equal(await Deno.readTextFile(stored.path!), "hello");
  await assert.rejects(Deno.stat(alone), Deno.errors.NotFound, "the scratch folder was moved into place");
  await store.discard(alone);
  assert.deepEqual(await listFolder(`${root}/tmp`), []);

  const other = "cd".repeat(32);
  const crowded = await store.scratch(other);
  await Deno.writeTextFile(`${crowded}/artifact.txt`, "world");
  await Deno.writeTextFile(`${crowded}/part-1.m4a`, "intermediate");
  const second = await store.commit(other, {
    file: `${crowded}/artifact.txt`,
    extension: "txt",
    value: 2,
    children: [],
    scratchDir: crowded,
  });
  assert.equal(await Deno.readTextFile(second.path!), "world");
  assert.deepEqual(await listFolder(second.path!.slice(0, second.path!.lastIndexOf("/"))), [
    "artifact.txt",
    "record.json",
  ]);
  assert.deepEqual(await listFolder(crowded), ["part-1.m4a"], "left for discard()");
  await store.discard(crowded);

  const valueKey = "ef".repeat(32);
  const empty = await store.scratch(valueKey);
  const value = await store.commit(valueKey, {
    file: null,
    extension: null,
    value: 3,
    children: [],
    scratchDir: empty,
  });
  assert.equal(value.value, 3);
  await assert.rejects(Deno.stat(empty), Deno.errors.NotFound, "an empty scratch folder is a value's entry");
  assert.deepEqual((await store.lookup(valueKey))?.value, 3);
  await store.discard(empty);
  assert.deepEqual(await listFolder(`${root}/tmp`), []);
  store.close();
});

Deno.test("ArtifactStore.removeStale() leaves another host's private files alone (a container sharing the volume) until a day old", async () => {
  // Its pids mean nothing here: a second container's start-up removed the first one's live scratch folders (its
  // steps failed, missing their files) and its claims' holder file.
  const root = await tempDir();
  const store = new ArtifactStore(root);
  await store.scratch(key);
  const ours = (await listFolder(`${root}/tmp`))![0]!;
  const other = /-h([0-9a-f]{8})-/.exec(ours)![1] === "00000000" ? "h11111111" : "h00000000";
  await Deno.mkdir(`${root}/tmp/424242-${other}-${key.slice(0, 12)}-fresh`);
  await Deno.mkdir(`${root}/tmp/424242-${other}-${key.slice(0, 12)}-old`);
  await Deno.mkdir(`${root}/claims`, { recursive: true });
  await Deno.writeTextFile(`${root}/claims/.424242-${other}-token.holder`, "{}");
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
  await Deno.utime(`${root}/tmp/424242-${other}-${key.slice(0, 12)}-old`, twoDaysAgo, twoDaysAgo);
  assert.equal(await store.removeStale(), 1);
  assert.deepEqual(
    await listFolder(`${root}/tmp`),
    [`424242-${other}-${key.slice(0, 12)}-fresh`, ours].sort(),
  );
  assert.deepEqual(await listFolder(`${root}/claims`), [`.424242-${other}-token.holder`]);
  store.close();
});

Deno.test("ArtifactStore.commit(): a file where the key's entry should be is replaced by the entry", async () => {
  // fi18: every render made the step, failed to keep it ("Not a directory: rename …"), `--force` too.
  const root = await tempDir();
  const store = new ArtifactStore(root);
  await Deno.mkdir(`${root}/entries/${key.slice(0, 2)}`, { recursive: true });
  await Deno.writeTextFile(`${root}/entries/${key.slice(0, 2)}/${key}`, "junk");
  assert.equal(await store.lookup(key), null);
  const scratch = await store.scratch(key);
  await Deno.writeTextFile(`${scratch}/a.txt`, "hello");
  await store.commit(key, { file: `${scratch}/a.txt`, extension: "txt", value: { n: 1 }, children: [] });
  await store.discard(scratch);
  assert.equal(await Deno.readTextFile((await store.lookup(key))!.path!), "hello");
});

Deno.test("ArtifactStore: an entry copied under another key is not served there, and is replaced when that step is made", async () => {
  // fi18: another slide's entry copied in place of a slide's was served, and its picture shown in the video.
  const { store } = await storeHello({ n: 1 });
  const other = "cd".repeat(32);
  await Deno.mkdir(`${store.root}/entries/cd`, { recursive: true });
  await new Deno.Command("cp", {
    args: ["-a", `${store.root}/entries/ab/${key}`, `${store.root}/entries/cd/${other}`],
  })
    .output();
  assert.notEqual(await store.lookup(key), null);
  assert.equal(await store.lookup(other), null);
  assert.deepEqual((await store.notEntries()).map((item) => item.key), [other]);
  const scratch = await store.scratch(other);
  await Deno.writeTextFile(`${scratch}/a.txt`, "world");
  await store.commit(other, { file: `${scratch}/a.txt`, extension: "txt", value: { n: 2 }, children: [] });
  await store.discard(scratch);
  assert.equal(await Deno.readTextFile((await store.lookup(other))!.path!), "world");
  assert.deepEqual(await store.notEntries(), []);
});

Deno.test("ArtifactStore.notEntries() lists what entries/ holds that is no entry; removeNotEntry() removes it, entries stay", async () => {
  const { store } = await storeHello({ n: 1 });
  const entries = `${store.root}/entries`;
  const damaged = "ef".repeat(32);
  await Deno.mkdir(`${entries}/ef/${damaged}`, { recursive: true });
  await Deno.writeTextFile(`${entries}/ef/${damaged}/artifact.txt`, "12345678");
  await Deno.writeTextFile(`${entries}/ef/${damaged}/record.json`, '{"vers');
  await Deno.mkdir(`${entries}/zz/notakey`, { recursive: true });
  await Deno.writeTextFile(`${entries}/zz/notakey/artifact.mp4`, "abc");
  await Deno.writeTextFile(`${entries}/ab/.DS_Store`, "");
  const found = (await store.notEntries()).map(({ path, key, bytes }) => ({
    path: path.slice(entries.length),
    key,
    bytes,
  }))
    .sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(found, [
    { path: "/ab/.DS_Store", key: null, bytes: 0 },
    { path: `/ef/${damaged}`, key: damaged, bytes: 14 },
    { path: "/zz", key: null, bytes: 3 },
  ]);
  for (const item of await store.notEntries()) assert.ok(await store.removeNotEntry(item));
  assert.deepEqual(await store.notEntries(), []);
  assert.deepEqual(await listFolder(entries), ["ab", "ef"]);
  assert.deepEqual((await store.lookup(key))?.value, { n: 1 });
});

Deno.test("ArtifactStore.removeNotEntry() leaves what a render stored in a listed item's place since it was listed", async () => {
  // rv35: a file at an entry's place, or at its prefix's, was listed, replaced by a render's entry, then removed.
  const root = await tempDir();
  const store = new ArtifactStore(root);
  const other = "cd".repeat(32);
  await Deno.mkdir(`${root}/entries/ab`, { recursive: true });
  await Deno.writeTextFile(`${root}/entries/ab/${key}`, "junk");
  await Deno.writeTextFile(`${root}/entries/cd`, "junk");
  const listed = await store.notEntries();
  assert.deepEqual(
    listed.map((item) => [item.key, item.folder]).sort(),
    [[key, false], [null, false]].sort(),
  );
  for (const [stored, text] of [[key, "a"], [other, "c"]] as const) {
    const scratch = await store.scratch(stored);
    await Deno.writeTextFile(`${scratch}/a.txt`, text);
    await store.commit(stored, { file: `${scratch}/a.txt`, extension: "txt", value: null, children: [] });
    await store.discard(scratch);
  }
  for (const item of listed) assert.equal(await store.removeNotEntry(item), false, item.path);
  assert.equal(await Deno.readTextFile((await store.lookup(key))!.path!), "a");
  assert.equal(await Deno.readTextFile((await store.lookup(other))!.path!), "c");
});

Deno.test("ArtifactStore: a later version's record is no entry to read, and none to remove; another key's is listed once", async () => {
  const { store } = await storeHello({ n: 1 });
  const later = "ef".repeat(32);
  await Deno.mkdir(`${store.root}/entries/ef/${later}`, { recursive: true });
  await Deno.writeTextFile(`${store.root}/entries/ef/${later}/record.json`, JSON.stringify({ version: 3 }));
  assert.equal(await store.lookup(later), null);
  assert.deepEqual(await store.notEntries(), []);
  // Copied under another key: not an entry of that key, in `entries()` (cache ls) or anywhere else.
  const copy = "ab".repeat(31) + "cd";
  await new Deno.Command("cp", {
    args: ["-a", `${store.root}/entries/ab/${key}`, `${store.root}/entries/ab/${copy}`],
  })
    .output();
  assert.deepEqual((await store.entries()).map((entry) => entry.key), [key]);
  assert.deepEqual((await store.notEntries()).map((item) => item.key), [copy]);
});
