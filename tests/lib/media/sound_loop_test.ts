/**
 * How a sound file is looped: not at all when it lasts long enough (its samples are then not held in memory), from
 * an M4A's stated length (ffmpeg decodes its encoder's padding after it), or whole for other containers.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { soundLoop } from "../../../lib/media/music_mix_filter.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("soundLoop(): none for a sound that lasts long enough, an M4A's stated length, all of a WAV", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=2:r=48000", "-c:a", "aac", `${dir}/tone.m4a`]);
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=2:r=48000", `${dir}/tone.wav`]);
  // Before: every soundtrack was looped, and aloop held all it played (261 MB for 20 min of a long song).
  assert.equal(await soundLoop(ffmpeg, `${dir}/tone.m4a`, { needed: 0.5 }), null);
  assert.deepEqual(await soundLoop(ffmpeg, `${dir}/tone.m4a`, { needed: 10 }), { seconds: 2 });
  assert.deepEqual(await soundLoop(ffmpeg, `${dir}/tone.wav`, { needed: 10 }), { seconds: null });
  // Within a second of its end it is looped all the same: a length that ffprobe estimates may be short of it.
  assert.deepEqual(await soundLoop(ffmpeg, `${dir}/tone.wav`, { needed: 1.5 }), { seconds: null });
});
