import assert from "node:assert/strict";
import { publishOutput, removeStaleOutputs, temporaryName } from "../../../lib/store/publish_output.ts";
import { listFolder } from "../../_support/cli.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("removeStaleOutputs() removes the temporary names of dead processes and keeps live ones", async () => {
  const dir = await tempDir();
  const live = temporaryName(`${dir}/a.mp4`);
  const dead = temporaryName(`${dir}/b.mp4`).replace(`.${Deno.pid}-`, ".999999999-");
  for (const path of [live, dead, `${dir}/c.mp4`]) await Deno.writeTextFile(path, "x");
  assert.equal(await removeStaleOutputs(dir), 1);
  assert.deepEqual(await listFolder(dir), [live.slice(dir.length + 1), "c.mp4"].sort());
});

Deno.test("publishOutput() replaces the destination with a copy and leaves no temporary name", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/artifact`, "v1");
  await publishOutput(`${dir}/artifact`, `${dir}/out.txt`);
  await publishOutput(`${dir}/artifact`, `${dir}/out.txt`);
  await Deno.writeTextFile(`${dir}/out.txt`, "edited");
  assert.equal(await Deno.readTextFile(`${dir}/artifact`), "v1");
  assert.deepEqual(await listFolder(dir), ["artifact", "out.txt"]);
});

Deno.test("publishOutput() leaves an untouched copy of a settled artifact as it is, and replaces an edited one", async () => {
  const dir = await tempDir();
  const artifact = `${dir}/artifact`;
  await Deno.writeTextFile(artifact, "v1");
  const past = new Date(Math.floor(Date.now() / 1000) * 1000 - 10_000);
  await Deno.utime(artifact, past, past); // as the store leaves what it stores
  await publishOutput(artifact, `${dir}/out.txt`);
  const first = await Deno.stat(`${dir}/out.txt`);
  assert.equal(first.mtime?.getTime(), past.getTime());
  await publishOutput(artifact, `${dir}/out.txt`);
  assert.equal((await Deno.stat(`${dir}/out.txt`)).ino, first.ino, "the same file, not a new copy");
  // Edited, same size: its time is the edit's, so it is copied again.
  await Deno.writeTextFile(`${dir}/out.txt`, "v2");
  await publishOutput(artifact, `${dir}/out.txt`);
  assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "v1");
  // An artifact written a moment ago is always copied: an edit within the same tick would keep its time.
  await Deno.writeTextFile(artifact, "v3");
  await publishOutput(artifact, `${dir}/out.txt`);
  const fresh = await Deno.stat(`${dir}/out.txt`);
  await publishOutput(artifact, `${dir}/out.txt`);
  assert.notEqual((await Deno.stat(`${dir}/out.txt`)).ino, fresh.ino);
  assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "v3");
});
