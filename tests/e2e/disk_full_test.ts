import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { fileThere } from "../_support/files_there.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { MOD_URL } from "../_support/workflows.ts";

/**
 * Whether this process may mount a small tmpfs (root, with the right to mount): probed once, when the test is
 * declared, by mounting one and unmounting it.
 */
function canMountTmpfs(): boolean {
  if (Deno.uid() !== 0 || !fileThere("/usr/bin/mount", "/bin/mount")) return false;
  const dir = Deno.makeTempDirSync({ prefix: "reel-mount-probe-" });
  try {
    const mount = ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir];
    const mounted =
      new Deno.Command("mount", { args: mount, stdout: "null", stderr: "null" }).outputSync().success;
    if (mounted) new Deno.Command("umount", { args: [dir] }).outputSync();
    return mounted;
  } finally {
    Deno.removeSync(dir);
  }
}

Deno.test({
  name: "a render whose cache disk is full stops at its first step that cannot write, says so once, exit 1",
  ignore: !canMountTmpfs(),
  fn: async () => {
    // Before: each of the lesson's steps failed alike, each with the system's words, the other video's too.
    const dir = await tempDir("reel-disk-full-");
    const file = `${dir}/lesson.ts`;
    const sections = (video: number) =>
      [1, 2, 3].map((s) => ({
        title: `T${s}`,
        narration: `Section ${s} of video ${video} says a few words.`,
      }));
    const lesson = {
      formats: ["160x90"],
      videos: [1, 2].map((v) => ({ id: `v${v}`, sections: sections(v) })),
    };
    await Deno.writeTextFile(
      file,
      `import { workflow } from "${MOD_URL}";\nexport default workflow(${JSON.stringify(lesson)});\n`,
    );
    const disk = `${dir}/disk`;
    await Deno.mkdir(disk);
    const mounted = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk],
    })
      .output();
    assert.ok(mounted.success, new TextDecoder().decode(mounted.stderr));
    try {
      const result = await runCli(["render", file, "--out", `${dir}/out`, "--cache", `${disk}/cache`]);
      const said = result.stdout + result.stderr;
      assert.equal(result.code, 1, said);
      const failures = said.split("\n").filter((line) => line.startsWith("  ✖ "));
      // The step that found the disk full, and at most one more that was writing at that moment, of 18.
      assert.ok(failures.length >= 1 && failures.length <= 2, said);
      for (const failure of failures) assert.match(failure, /^ {2}✖ v[12]\/(?:s\d\/)?[\w@.-]+ \(/);
      assert.match(said, /\n✖ Failed: [^\n]*, \d+ not started\n/);
      assert.match(said, /\n {2}The disk is full: the run stopped at the first step that could not write\./);
      assert.deepEqual((await listFolder(`${dir}/out`))?.filter((name) => !name.endsWith(".html")), []);
      // What the stopped steps began is gone from the store's scratch folder.
      assert.deepEqual(await listFolder(`${disk}/cache/tmp`), []);
    } finally {
      await new Deno.Command("umount", { args: [disk] }).output();
    }
  },
});
