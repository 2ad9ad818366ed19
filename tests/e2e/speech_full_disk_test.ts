import assert from "node:assert/strict";
import { CLI, listFolder } from "../_support/cli.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { onTinyDisk, TINY_DISK_MOUNTABLE } from "../_support/tiny_disk.ts";

Deno.test({
  name:
    "a full disk under the store fails an espeak-ng speech step naming its file and the disk, not the narration",
  ignore: !TINY_DISK_MOUNTABLE, // needs `unshare -rm` (user namespaces), to mount a tiny tmpfs without root
  fn: async () => {
    const narrations = [
      "The sun warms the surface of seas, lakes and rivers, and the water rises as vapour into the air.",
      "High above the ground the vapour cools and turns into droplets that gather into grey clouds.",
    ];
    const file = await writeWorkflowFile(`export default workflow(${
      JSON.stringify({
        formats: ["160x90"],
        voice: { provider: "espeak", voice: "en-us" },
        videos: [{ id: "v", sections: narrations.map((narration) => ({ title: "A", narration })) }],
      })
    });`);
    const full = await tempDir("reel-fulldisk-");
    const out = `${await tempDir("reel-fulldisk-out-")}/out`;
    // The store is on a 64 KiB tmpfs, mounted in a mount namespace of the render's own (gone when it ends); the
    // narrations' WAVs are about 250 KB each. espeak-ng's own -w exits 0 there, and the steps failed as "Not a WAV
    // file", or on the next file they wrote.
    const render = [Deno.execPath(), "run", "--allow-all", CLI, "render", file, "--out", out, "--quiet"];
    const { code, stderr } = await onTinyDisk(full, [...render, "--cache", `${full}/store`]);
    assert.equal(code, 1, stderr);
    // The first speech to find the disk full stops the run (see disk_full_test.ts); the other may have been
    // writing too. Each that failed names its file and the disk.
    const failed = stderr.split("\n").filter((text) => /^ {2}✖ v\/s[12]\/speech \(speech\): /.test(text));
    assert.ok(failed.length >= 1, stderr);
    for (const line of failed) {
      assert.match(
        line,
        /: Cannot write \S*\/store\/\S+\/artifact\.wav: No space left on device \(os error 28\)$/,
      );
    }
    assert.doesNotMatch(stderr, /Not a WAV file|expected speech/);
    assert.ok(!(await listFolder(out) ?? []).some((name) => name.endsWith(".mp4")));
  },
});
