import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fileDigests } from "../../../lib/media/file_digests.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { evalWithoutRootRights, lockOut, plainUserTest } from "../../_support/plain_user.ts";

const MODULE = new URL("../../../lib/media/file_digests.ts", import.meta.url).href;
const HOUR = 3_600_000;

/** What a new process (which has remembered nothing yet) says the file's digest is, with the memo at `memo`. */
async function digestInNewProcess(path: string, memo: string): Promise<string> {
  const code = `import { fileDigests } from "${MODULE}";\n` +
    `console.log(fileDigests([${JSON.stringify(path)}], { memo: ${JSON.stringify(memo)}, ` +
    `now: () => Date.now() + ${HOUR} })[0]);`;
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim();
}

function sha16(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

/** Rewrites the file's bytes in place with `bytes` until its change time moves (a write may land in the same ms). */
function rewriteInPlace(path: string, bytes: Uint8Array): void {
  const before = Deno.statSync(path).ctime?.getTime();
  do Deno.writeFileSync(path, bytes); while (Deno.statSync(path).ctime?.getTime() === before);
}

Deno.test("fileDigests: the bytes' digest, alike for copies elsewhere, null where there is no file", async () => {
  const dir = await tempDir();
  const bytes = new TextEncoder().encode("a font's bytes");
  await Deno.writeFile(`${dir}/a.ttf`, bytes);
  await Deno.mkdir(`${dir}/moved`);
  await Deno.writeFile(`${dir}/moved/a.ttf`, bytes);
  const [a, copy, missing, underFile] = fileDigests(
    [`${dir}/a.ttf`, `${dir}/moved/a.ttf`, `${dir}/none.ttf`, `${dir}/a.ttf/b.ttf`],
    { memo: null },
  );
  assert.equal(a, sha16(bytes));
  assert.equal(copy, a);
  assert.equal(missing, null);
  assert.equal(underFile, null, "a file where a folder of the path should be");
});

Deno.test("fileDigests: remembered between runs, read again when rewritten in place with its size and mtime kept", async () => {
  const dir = await tempDir();
  const font = `${dir}/font.ttf`;
  const memo = `${dir}/cache/reel/file-digests.json`;
  const first = new TextEncoder().encode("glyphs version 1");
  await Deno.writeFile(font, first);
  const mtime = new Date(2020, 0, 1);
  await Deno.utime(font, mtime, mtime);
  assert.equal(await digestInNewProcess(font, memo), sha16(first));
  const remembered = JSON.parse(await Deno.readTextFile(memo));
  assert.equal(remembered[font][1], sha16(first));
  // The memo is what a later run reads: a digest planted under the file's identity is believed, not the file.
  await Deno.writeTextFile(memo, JSON.stringify({ [font]: [remembered[font][0], "0123456789abcdef"] }));
  assert.equal(await digestInNewProcess(font, memo), "0123456789abcdef");
  assert.equal(await digestInNewProcess(font, memo), "0123456789abcdef");
  // Edited in place, same size, its modification time put back (`cp -p`): the change time tells, it is read again.
  const second = new TextEncoder().encode("glyphs version 2");
  assert.equal(second.length, first.length);
  rewriteInPlace(font, second);
  await Deno.utime(font, mtime, mtime);
  assert.equal(await digestInNewProcess(font, memo), sha16(second));
  // Only touched: a new identity, the same digest.
  await Deno.utime(font, new Date(2021, 0, 1), new Date(2021, 0, 1));
  assert.equal(await digestInNewProcess(font, memo), sha16(second));
});

Deno.test("fileDigests: a file changed a moment ago is not remembered; a garbled memo is replaced; gone files leave it", async () => {
  const dir = await tempDir();
  const memo = `${dir}/file-digests.json`;
  await Deno.writeTextFile(memo, "not json");
  const fresh = `${dir}/fresh.ttf`;
  await Deno.writeTextFile(fresh, "just written");
  assert.equal(fileDigests([fresh], { memo })[0], sha16(new TextEncoder().encode("just written")));
  assert.equal(await Deno.readTextFile(memo), "not json", "nothing learned: the memo is not written");
  const [old, gone] = [`${dir}/old.ttf`, `${dir}/gone.ttf`];
  await Deno.writeTextFile(old, "old");
  await Deno.writeTextFile(gone, "gone");
  fileDigests([old, gone], { memo, now: () => Date.now() + HOUR });
  assert.deepEqual(Object.keys(JSON.parse(await Deno.readTextFile(memo))).sort(), [gone, old]);
  await Deno.remove(gone);
  const other = `${dir}/other.ttf`;
  await Deno.writeTextFile(other, "other");
  fileDigests([other], { memo, now: () => Date.now() + HOUR });
  assert.deepEqual(Object.keys(JSON.parse(await Deno.readTextFile(memo))).sort(), [old, other]);
});

Deno.test("fileDigests: a memo that is a folder or a loop of links is passed over, the digests told", async () => {
  // fi22: a folder there failed a render whose outputs were all written, with Deno's IsADirectory, exit 1.
  const dir = await tempDir();
  const font = `${dir}/font.ttf`;
  await Deno.writeTextFile(font, "font");
  await Deno.mkdir(`${dir}/folder.json`);
  await Deno.symlink(`${dir}/loop-b.json`, `${dir}/loop-a.json`);
  await Deno.symlink(`${dir}/loop-a.json`, `${dir}/loop-b.json`);
  for (const memo of [`${dir}/folder.json`, `${dir}/loop-a.json`]) {
    const told = fileDigests([font], { memo, now: () => Date.now() + HOUR });
    assert.deepEqual(told, [sha16(new TextEncoder().encode("font"))], memo);
  }
});

plainUserTest(
  "rememberDigests: a memo in a folder this user may not enter is not written, and nothing fails",
  async () => {
    const dir = await tempDir();
    await Deno.writeTextFile(`${dir}/a`, "a");
    await Deno.mkdir(`${dir}/cache`);
    // As a render run with sudo leaves ~/.cache/reel (HOME=/root); nt19: every command failed so, exit 1.
    const unlock = await lockOut(`${dir}/cache`, { enter: false });
    try {
      const said = await evalWithoutRootRights(`
      import { rememberDigests } from "${MODULE}";
      const path = ${JSON.stringify(`${dir}/a`)};
      // Stat'ed a minute after it was written: remembered, were the memo's folder open.
      const read = [{ path, before: Deno.statSync(path), statAt: Date.now() + 60_000, sha256: "0".repeat(64) }];
      rememberDigests(read, { memo: ${JSON.stringify(`${dir}/cache/file-digests.json`)} });
      console.log(JSON.stringify("done"));
    `);
      assert.equal(said, "done");
    } finally {
      await unlock();
    }
    assert.deepEqual([...Deno.readDirSync(`${dir}/cache`)], []);
  },
);
