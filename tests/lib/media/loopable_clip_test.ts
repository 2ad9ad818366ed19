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
  const copy = await loopableClip(ffmpeg, `${dir}/a.ts`, { copy: `${dir}/a.mkv`, seconds: 3 });
  assert.equal(copy, `${dir}/a.mkv`);
  // The same pictures, bit for bit, and looped three times over three seconds (the .ts itself spins: ffmpeg 5.1).
  const once = await frames(["-i", `${dir}/a.ts`]);
  assert.equal(once.length, 25);
  assert.deepEqual(await frames(["-i", copy]), once);
  assert.deepEqual(await frames(["-stream_loop", "-1", "-i", copy, "-t", "3"]), [...once, ...once, ...once]);

  // AVI and ASF spin as a transport stream does (review): their pictures, three times over.
  for (const [name, format] of [["c.avi", "avi"], ["d.asf", "asf"]]) {
    await clip(`${dir}/${name}`, 1, format!);
    const copied = await loopableClip(ffmpeg, `${dir}/${name}`, { copy: `${dir}/${name}.mkv`, seconds: 3 });
    assert.equal(copied, `${dir}/${name}.mkv`);
    const pictures = await frames(["-i", `${dir}/${name}`]);
    assert.deepEqual(await frames(["-stream_loop", "-1", "-i", copied, "-t", "3"]), [
      ...pictures,
      ...pictures,
      ...pictures,
    ]);
  }
  // An MPEG program stream lost pictures at each loop: it is encoded again too.
  await clip(`${dir}/e.mpg`, 1, "mpeg");
  assert.equal(
    await loopableClip(ffmpeg, `${dir}/e.mpg`, { copy: `${dir}/e.mkv`, seconds: 3 }),
    `${dir}/e.mkv`,
  );

  await clip(`${dir}/b.mp4`, 1, "mp4");
  assert.equal(
    await loopableClip(ffmpeg, `${dir}/b.mp4`, { copy: `${dir}/b.mkv`, seconds: 3 }),
    `${dir}/b.mp4`,
  );
  await assert.rejects(Deno.stat(`${dir}/b.mkv`), Deno.errors.NotFound);
});

Deno.test("loopableClip() copies a long transport stream only as far as it is played, a second past", async () => {
  const dir = await tempDir("reel-loopable-long-");
  await clip(`${dir}/long.ts`, 6, "mpegts");
  const copy = await loopableClip(await findFfmpeg(), `${dir}/long.ts`, {
    copy: `${dir}/long.mkv`,
    seconds: 1.5,
  });
  const played = await frames(["-i", copy]);
  assert.ok(played.length >= 62 && played.length <= 65, `${played.length} frames`);
  assert.deepEqual(played.slice(0, 50), (await frames(["-i", `${dir}/long.ts`])).slice(0, 50));
});

Deno.test("loopableClip() encodes a raw H.264 stream (no times for its B-frames) into a file that loops; looped as it is, it played once", async () => {
  const dir = await tempDir("reel-loopable-raw-");
  const ffmpeg = await findFfmpeg();
  await clip(`${dir}/a.h264`, 1, "h264");
  const copy = await loopableClip(ffmpeg, `${dir}/a.h264`, { copy: `${dir}/a.mkv`, seconds: 3 });
  assert.equal(copy, `${dir}/a.mkv`);
  const once = await frames(["-i", `${dir}/a.h264`]);
  assert.deepEqual(await frames(["-stream_loop", "-1", "-i", copy, "-t", "3"]), [...once, ...once, ...once]);
});

Deno.test("loopableClip() names a clip it cannot read into a file that loops", async () => {
  const dir = await tempDir("reel-loopable-bad-");
  // An MPEG transport stream cut before its first picture: ffprobe names its format, ffmpeg finds no video.
  await clip(`${dir}/a.ts`, 1, "mpegts");
  const bytes = await Deno.readFile(`${dir}/a.ts`);
  await Deno.writeFile(`${dir}/cut.ts`, bytes.subarray(0, 188 * 3));
  await assert.rejects(
    loopableClip(await findFfmpeg(), `${dir}/cut.ts`, { copy: `${dir}/cut.mkv`, seconds: 3 }),
    (error) => {
      assert.ok(error instanceof UnrecoverableError, String(error));
      assert.match(
        error.message,
        /^Cannot play .*\/cut\.ts looped: ffmpeg does not loop its format \(mpegts\)/,
      );
      return true;
    },
  );
});
