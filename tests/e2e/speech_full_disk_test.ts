import assert from "node:assert/strict";
import { CLI, listFolder } from "../_support/cli.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

/** Whether this user may make a mount namespace of its own (`unshare -rm`), where a tiny tmpfs can be mounted. */
const mountable =
  (await new Deno.Command("unshare", { args: ["-rm", "true"], stdout: "null", stderr: "null" })
    .output().catch((error) => {
      if (error instanceof Deno.errors.NotFound) return { success: false }; // no unshare
      throw error;
    })).success;

Deno.test({
  name:
    "a full disk under the store fails an espeak-ng speech step naming its file and the disk, not the narration",
  ignore: !mountable, // needs `unshare -rm` (user namespaces), to mount a tiny tmpfs without root
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
    const script = 'mount -t tmpfs -o size=64k tmpfs "$1" && shift && exec "$@"';
    const render = [Deno.execPath(), "run", "--allow-all", CLI, "render", file, "--out", out, "--quiet"];
    const output = await new Deno.Command("unshare", {
      args: ["-rm", "sh", "-c", script, "sh", full, ...render, "--cache", `${full}/store`],
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 1, stderr);
    for (const step of ["v/s1/speech", "v/s2/speech"]) {
      const line = stderr.split("\n").find((text) => text.startsWith(`  ✖ ${step} (speech): `));
      assert.match(
        line ?? stderr,
        /: Cannot write \S*\/store\/\S+\/artifact\.wav: No space left on device \(os error 28\)$/,
      );
    }
    assert.doesNotMatch(stderr, /Not a WAV file|expected speech/);
    assert.ok(!(await listFolder(out) ?? []).some((name) => name.endsWith(".mp4")));
  },
});
