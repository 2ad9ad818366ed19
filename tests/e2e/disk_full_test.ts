import assert from "node:assert/strict";
import { CLI, listFolder } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { onTinyDisk, TINY_DISK_MOUNTABLE } from "../_support/tiny_disk.ts";
import { MOD_URL } from "../_support/workflows.ts";

Deno.test({
  name: "a render whose cache disk is full stops at its first step that cannot write, says so once, exit 1",
  ignore: !TINY_DISK_MOUNTABLE, // needs `unshare -rm` (user namespaces), to mount a tiny tmpfs without root
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
    const render = [Deno.execPath(), "run", "--allow-all", CLI, "render", file, "--out", `${dir}/out`];
    const result = await onTinyDisk(disk, [...render, "--cache", `${disk}/cache`]);
    const said = result.stdout + result.stderr;
    assert.equal(result.code, 1, said);
    const failures = said.split("\n").filter((line) => line.startsWith("  ✖ "));
    // The step that found the disk full, and at most one more that was writing at that moment, of 18.
    assert.ok(failures.length >= 1 && failures.length <= 2, said);
    for (const failure of failures) assert.match(failure, /^ {2}✖ v[12]\/(?:s\d\/)?[\w@.-]+ \(/);
    assert.match(said, /\n✖ Failed: [^\n]*, \d+ not started\n/);
    assert.match(said, /\n {2}The disk is full: the run stopped at the first step that could not write\.\n/);
    assert.deepEqual((await listFolder(`${dir}/out`))?.filter((name) => !name.endsWith(".html")), []);
  },
});
