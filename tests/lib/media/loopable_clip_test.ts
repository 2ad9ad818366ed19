import assert from "node:assert/strict";
import { UnrecoverableError } from "../../../lib/core/errors.ts";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { loopableClip } from "../../../lib/media/loopable_clip.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** Writes 25 fps of a moving test pattern, `seconds` long, H.264 with B-frames, in the container `format`. */
async function clip(path: string, seconds: number, format: string): Promise<void> {
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `testsrc=s=64x48:r=25:d=${seconds}`,
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    "-f",
    format,
    path,
  ]);
}

/** The checksums of the frames ffmpeg decodes from `args`' input, in order; ffmpeg is killed past 20 s. */
async function frames(args: string[]): Promise<string[]> {
  const out = await runFfmpeg(await findFfmpeg(), [...args, "-f", "framemd5", "-"], {
    signal: AbortSignal.timeout(20_000),
  });
  return new TextDecoder().decode(out).split("\n").filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split(",").at(-1)!.trim());
}

Deno.test("loopableClip() copies a transport stream's pictures into a file that loops; an MP4 is read as it is", async () => {
  const dir = await tempDir("reel-loopable-");
  const ffmpeg = await findFfmpeg();
  await clip(`${dir}/a.ts`, 1, "mpegts");
  const copy = await loopableClip(ffmpeg, `${dir}/a.ts`, { copy: `${dir}/a.nut`, seconds: 3 });
  assert.equal(copy, `${dir}/a.nut`);
  // The same pictures, bit for bit, and looped three times over three seconds (the .ts itself spins: ffmpeg 5.1).
  const once = await frames(["-i", `${dir}/a.ts`]);
  assert.equal(once.length, 25);
  assert.deepEqual(await frames(["-i", copy]), once);
  assert.deepEqual(await frames(["-stream_loop", "-1", "-i", copy, "-t", "3"]), [...once, ...once, ...once]);

  await clip(`${dir}/b.mp4`, 1, "mp4");
  assert.equal(
    await loopableClip(ffmpeg, `${dir}/b.mp4`, { copy: `${dir}/b.nut`, seconds: 3 }),
    `${dir}/b.mp4`,
  );
  await assert.rejects(Deno.stat(`${dir}/b.nut`), Deno.errors.NotFound);
});

Deno.test("loopableClip() copies a long transport stream only as far as it is played, a second past", async () => {
  const dir = await tempDir("reel-loopable-long-");
  await clip(`${dir}/long.ts`, 6, "mpegts");
  const copy = await loopableClip(await findFfmpeg(), `${dir}/long.ts`, {
    copy: `${dir}/long.nut`,
    seconds: 1.5,
  });
  const played = await frames(["-i", copy]);
  assert.ok(played.length >= 62 && played.length <= 65, `${played.length} frames`);
  assert.deepEqual(played.slice(0, 50), (await frames(["-i", `${dir}/long.ts`])).slice(0, 50));
});

Deno.test("loopableClip() names a raw H.264 stream it cannot copy (no times for its B-frames): looped as it is, it played once", async () => {
  const dir = await tempDir("reel-loopable-raw-");
  await clip(`${dir}/a.h264`, 1, "h264");
  await assert.rejects(
    loopableClip(await findFfmpeg(), `${dir}/a.h264`, { copy: `${dir}/a.nut`, seconds: 3 }),
    (error) => {
      assert.ok(error instanceof UnrecoverableError, String(error));
      assert.match(
        error.message,
        /^Cannot play .*\/a\.h264 looped: ffmpeg does not loop its format \(h264\)/,
      );
      return true;
    },
  );
});
