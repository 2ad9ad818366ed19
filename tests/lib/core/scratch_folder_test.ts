/** Scratch folders go with their user, and with the process when it ends first (a Ctrl-C before a render's run). */
import assert from "node:assert/strict";
import { scratchFolder } from "../../../lib/core/scratch_folder.ts";

const MODULE = new URL("../../../lib/core/scratch_folder.ts", import.meta.url).href;

Deno.test("scratchFolder() is removed when disposed, and by a Deno.exit while it is in use", async () => {
  let path: string;
  {
    await using folder = await scratchFolder("reel-scratch-test-");
    path = folder.path;
    await Deno.writeTextFile(`${path}/a.wav`, "sound");
  }
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  // fi11: a Ctrl-C during pocketsphinx's probe ended the process (exit 130) with its folder still there.
  const script = [
    `import { scratchFolder } from "${MODULE}";`,
    `const folder = await scratchFolder("reel-scratch-test-");`,
    `await Deno.writeTextFile(folder.path + "/silence.wav", "sound");`,
    "console.log(folder.path);",
    "Deno.exit(130);",
  ].join("\n");
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(run.code, 130, new TextDecoder().decode(run.stderr));
  const left = new TextDecoder().decode(run.stdout).trim();
  assert.match(left, /reel-scratch-test-/);
  await assert.rejects(Deno.stat(left), Deno.errors.NotFound);
});
