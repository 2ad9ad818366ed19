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
