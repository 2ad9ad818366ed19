import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { notAsNamed, seeksByIndex } from "../../../lib/media/sniff_media.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** Red, blue, green, 2 s each at 30 fps, a keyframe every 2 s: `-ss 4.5` must give 45 green frames. */
const BANDS = "color=c=red:s=160x90:r=30:d=2,format=yuv420p[a];color=c=blue:s=160x90:r=30:d=2[b];" +
  "color=c=green:s=160x90:r=30:d=2[c];[a][b][c]concat=n=3";
const X264 = [
  "-c:v",
  "libx264",
  "-preset",
  "ultrafast",
  "-g",
  "60",
  "-keyint_min",
  "60",
  "-sc_threshold",
  "0",
];

Deno.test("seeksByIndex() is true exactly for the containers in which ffmpeg's -ss lands on the picture asked for", async () => {
  const dir = await tempDir("reel-seek-");
  const ffmpeg = await findFfmpeg();
  const containers: [string, string[]][] = [
    ["mp4", X264],
    ["mov", X264],
    ["mkv", X264],
    ["webm", ["-c:v", "libvpx", "-g", "60", "-deadline", "realtime"]],
    ["avi", X264],
    ["flv", X264],
    ["nut", X264],
    ["mxf", ["-c:v", "mpeg2video", "-g", "12"]],
    ["wmv", ["-c:v", "wmv2", "-g", "60"]],
    ["ts", X264],
    ["m2ts", X264],
    ["mpg", ["-c:v", "mpeg2video", "-g", "60"]],
    ["h264", X264],
    ["ogv", ["-c:v", "libtheora", "-g", "60"]],
  ];
  const found: string[] = [];
  for (const [extension, codec] of containers) {
    const file = `${dir}/bands.${extension}`;
    await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", BANDS, ...codec, "-an", file]);
    const stdout = await runFfmpeg(ffmpeg, [
      ...["-ss", "4.5", "-i", file, "-vf", "scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
    ]);
    const frames = Array.from(
      { length: stdout.length / 3 },
      (_, k) => [...stdout.subarray(3 * k, 3 * k + 3)],
    );
    // 45 frames, green from the first (the AVI demuxer gives two more at the start, green too).
    const exact = frames.length >= 45 && frames.length <= 47 &&
      frames.every(([r, g, b]) => r! < 40 && g! > 90 && b! < 40);
    const head = (await Deno.readFile(file)).subarray(0, 16);
    found.push(
      `${extension}: ${seeksByIndex(head) ? "index" : "decode"}, -ss ${exact ? "exact" : "lost pictures"}`,
    );
  }
  assert.deepEqual(found, [
    "mp4: index, -ss exact",
    "mov: index, -ss exact",
    "mkv: index, -ss exact",
    "webm: index, -ss exact",
    "avi: index, -ss exact",
    "flv: index, -ss exact",
    "nut: index, -ss exact",
    "mxf: index, -ss exact",
    "wmv: index, -ss exact",
    "ts: decode, -ss lost pictures",
    "m2ts: decode, -ss lost pictures",
    "mpg: decode, -ss lost pictures",
    "h264: decode, -ss lost pictures",
    "ogv: decode, -ss lost pictures",
  ]);
});

Deno.test("notAsNamed() takes what ffmpeg reads under a name as that format: padded or Layer II MP3s, a tagged FLAC", () => {
  const bytes = (...values: number[]) =>
    new Uint8Array([...values, ...new Array(16 - values.length).fill(1)]);
  // rv32: a damaged file of these kinds would have been called misnamed.
  assert.equal(notAsNamed("a.mp3", bytes(0, 0, 0, 0xff, 0xfb, 0x90)), null, "zeros, then a Layer III frame");
  assert.equal(notAsNamed("a.mp3", bytes(0xff, 0xfd, 0x90)), null, "a Layer II frame");
  assert.equal(notAsNamed("a.mp3", new Uint8Array(16)), null, "zeros alone tell nothing");
  assert.equal(notAsNamed("a.flac", bytes(0x49, 0x44, 0x33, 4)), null, "an ID3v2 tag before the FLAC");
  assert.equal(
    notAsNamed("a.wav", new TextEncoder().encode("RF64\xff\xff\xff\xffWAVEds64")),
    null,
    "an RF64 WAV",
  );
  // Not: text named as audio.
  assert.equal(notAsNamed("a.mp3", new TextEncoder().encode("<html><body>404")), "an MP3");
  assert.equal(notAsNamed("a.flac", new TextEncoder().encode("<html><body>404")), "a FLAC file");
});
