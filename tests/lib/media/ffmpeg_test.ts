import assert from "node:assert/strict";
import { findFfmpeg, OutputWriteError, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { MissingBinaryError } from "../../../lib/core/errors.ts";

Deno.test("runFfmpeg() fails when ffmpeg cannot finish writing its output though it exits 0 (a full disk)", async () => {
  // /dev/full answers every write "No space left on device": ffmpeg 5.1 says so of the trailer and exits 0, and the
  // cut-short file failed later as "Not a WAV file", naming neither the file nor the disk.
  const ffmpeg = await findFfmpeg();
  await assert.rejects(
    runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=0.1", "-f", "wav", "/dev/full"]),
    (error) => {
      assert.ok(error instanceof OutputWriteError, String(error));
      assert.equal(error.message, "ffmpeg could not finish writing /dev/full: No space left on device");
      assert.equal(error.file, "/dev/full");
      return true;
    },
  );
  // fi4: a write that fails before the end exits 1, and was told in ffmpeg's three raw lines.
  await assert.rejects(
    runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=5", "-f", "wav", "/dev/full"]),
    (error) => {
      assert.ok(error instanceof OutputWriteError, String(error));
      assert.equal(error.message, "ffmpeg could not finish writing /dev/full: No space left on device");
      assert.equal(error.code, 1);
      return true;
    },
  );
  // An output written whole passes.
  const file = await Deno.makeTempFile({ suffix: ".wav" });
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=0.1", "-f", "wav", file]);
  assert.ok((await Deno.stat(file)).size > 44);
  await Deno.remove(file);
});

Deno.test("findFfmpeg() says why the ffmpeg REEL_FFMPEG names cannot be run: nothing there, a folder, a file without the execute bit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reel-ffmpeg-env-" });
  try {
    await Deno.writeTextFile(`${dir}/plain`, "not a program");
    const found = (path: string) => findFfmpeg((name) => name === "REEL_FFMPEG" ? path : undefined);
    const cases = [
      [`${dir}/missing`, /^Cannot find ffmpeg at .*\/missing \(from REEL_FFMPEG\)$/],
      // Before: "Cannot find ffmpeg at …" for both, though each is there.
      [dir, /^Cannot run ffmpeg at .* \(from REEL_FFMPEG\): it is a folder$/],
      [`${dir}/plain`, /^Cannot run ffmpeg at .*\/plain \(from REEL_FFMPEG\): it is not executable$/],
      // fi22: Deno's FilesystemLoop and a trace.
      [`${dir}/loop-a`, /^Cannot run ffmpeg at .*\/loop-a \(from REEL_FFMPEG\): its links loop$/],
    ] as const;
    await Deno.symlink(`${dir}/loop-b`, `${dir}/loop-a`);
    await Deno.symlink(`${dir}/loop-a`, `${dir}/loop-b`);
    for (const [path, said] of cases) {
      await assert.rejects(found(path), (error: unknown) => {
        assert.ok(error instanceof MissingBinaryError);
        assert.match(error.message, said);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
