import assert from "node:assert/strict";
import { tempDir } from "../../_support/temp_dir.ts";

const MODULE = new URL("../../../lib/media/program_version.ts", import.meta.url).href;

/** Asks a new process for the program's version (each process asks once), with the memo at `memo`. */
async function versionInNewProcess(program: string, memo: string): Promise<string> {
  const code = `import { programVersion } from "${MODULE}";\n` +
    `console.log(await programVersion(${JSON.stringify(program)}, ["--version"], { memo: ${
      JSON.stringify(memo)
    } }));`;
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim();
}

Deno.test("programVersion() remembers a version between runs and asks again when the program's file changes", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/tool`;
    const runs = `${dir}/runs.log`;
    const write = (version: string) =>
      Deno.writeTextFile(program, `#!/bin/sh\necho run >> '${runs}'\necho 'tool ${version}'\n`, {
        mode: 0o755,
      });
    const memo = `${dir}/memo/versions.json`;
    await write("1.0");
    const first = await versionInNewProcess(program, memo);
    assert.match(first, /^tool 1\.0 #[0-9a-f]{16}$/);
    assert.equal(await versionInNewProcess(program, memo), first);
    // The second process read the memo: the program ran once.
    assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 1);
    // An upgrade is a new file: asked again.
    await Deno.remove(program);
    await write("2.0");
    assert.match(await versionInNewProcess(program, memo), /^tool 2\.0 #[0-9a-f]{16}$/);
    assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion() still answers when its memo cannot be written", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/tool`;
    await Deno.writeTextFile(program, "#!/bin/sh\necho 'tool 3.0'\n", { mode: 0o755 });
    await Deno.writeTextFile(`${dir}/file`, "");
    // The memo's folder would be under a file: it cannot be made.
    assert.match(await versionInNewProcess(program, `${dir}/file/versions.json`), /^tool 3\.0 #/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
