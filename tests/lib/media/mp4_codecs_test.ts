/** mp4Codecs: the RFC 6381 codecs of files ffmpeg wrote, read from their configuration boxes. */
import assert from "node:assert/strict";
import { mp4Codecs } from "../../../lib/media/mp4_codecs.ts";
import { tempDir } from "../../_support/temp_dir.ts";

async function ffmpeg(args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("ffmpeg", { args: ["-v", "error", "-y", ...args] })
    .output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
}

const picture = ["-f", "lavfi", "-i", "testsrc=s=320x180:d=0.5"];
const yuv = ["-pix_fmt", "yuv420p"];

Deno.test("mp4Codecs() reads H.264's profile, constraints and level, AAC's object type, and HEVC's fields", async () => {
  const dir = await tempDir("reel-codecs-");
  await ffmpeg([
    ...picture,
    "-f",
    "lavfi",
    "-i",
    "sine=d=0.5",
    ...yuv,
    "-c:v",
    "libx264",
    "-profile:v",
    "high",
    "-level",
    "3.1",
    "-c:a",
    "aac",
    `${dir}/high.mp4`,
  ]);
  // High (0x64), no constraint flags, level 3.1 (31 = 0x1f); AAC-LC (object type 2).
  assert.deepEqual(await mp4Codecs(`${dir}/high.mp4`), ["avc1.64001f", "mp4a.40.2"]);
  await ffmpeg([
    ...picture,
    ...yuv,
    "-c:v",
    "libx264",
    "-profile:v",
    "baseline",
    "-level",
    "3.0",
    `${dir}/base.mp4`,
  ]);
  // Constrained Baseline: profile 66 (0x42) with constraint_set1 (0xc0 with set0), level 30 (0x1e).
  assert.deepEqual(await mp4Codecs(`${dir}/base.mp4`), ["avc1.42c01e"]);
  // Fragmented, as an HLS rendition is written.
  await ffmpeg([
    "-i",
    `${dir}/high.mp4`,
    "-c",
    "copy",
    "-movflags",
    "+frag_keyframe+empty_moov",
    `${dir}/frag.mp4`,
  ]);
  assert.deepEqual(await mp4Codecs(`${dir}/frag.mp4`), ["avc1.64001f", "mp4a.40.2"]);
  await ffmpeg([
    ...picture,
    ...yuv,
    "-c:v",
    "libx265",
    "-tag:v",
    "hvc1",
    "-x265-params",
    "log-level=error",
    `${dir}/h.mp4`,
  ]);
  // Main (1), compatible with Main and Main 10 (bits 1 and 2, reversed: 0x6), Main tier, a level, constraints.
  assert.match((await mp4Codecs(`${dir}/h.mp4`))!.join(), /^hvc1\.1\.6\.L\d+(\.[0-9A-F]{1,2})*$/);
  // Not an MP4, or a codec none of these: no codecs (a playlist says none rather than a wrong one).
  await ffmpeg(["-f", "lavfi", "-i", "sine=d=0.2", `${dir}/a.wav`]);
  assert.equal(await mp4Codecs(`${dir}/a.wav`), null);
  await ffmpeg([...picture, "-c:v", "mpeg4", `${dir}/m.mp4`]);
  assert.equal(await mp4Codecs(`${dir}/m.mp4`), null);
});
