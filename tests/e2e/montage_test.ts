/**
 * Montages end to end: a grid and scrolling strips have the right size and duration, a soundtrack, and their cells
 * where they belong (pixel colours sampled at given times, positions computed here from the geometry).
 */
import assert from "node:assert/strict";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import {
  colourDistance,
  deliveryFacts,
  frameAt,
  hexToRgb,
  inkStartAtEnds,
  pixelAt,
  probe,
} from "../_support/media.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { makeColourImage } from "../_support/test_video.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { runProcess } from "../../lib/media/run_process.ts";
import { decodeMono, deepestDip } from "../_support/sound.ts";

/** The H.264 profile of a file's video stream, as ffprobe names it. */
async function videoProfile(file: string): Promise<string> {
  const { ffprobe } = await findFfmpeg();
  const args = [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=profile",
    "-of",
    "csv=p=0",
    file,
  ];
  return new TextDecoder().decode((await runProcess(ffprobe, args)).stdout).trim();
}

const COLOURS = ["#e03030", "#30c040", "#3050e0", "#e0c020"];
const BACKGROUND = "#202020";

async function render(montages: unknown[]): Promise<string> {
  const dir = await tempDir("reel-montage-");
  for (const [i, colour] of COLOURS.entries()) {
    await makeColourImage(`${dir}/item${i}.png`, { colour, width: 160, height: 120 });
  }
  await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=f=330:d=1.5", `${dir}/music.wav`]);
  // Half a second of tone in an M4A (AAC): looped, its encoder's delay and padding showed as a gap at each loop.
  await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=f=1000:d=0.5:r=48000", `${dir}/tone.m4a`]);
  return await renderIn(dir, montages);
}

/** Renders `montages` as a workflow written in `dir`, whose files they name; returns the output folder. */
async function renderIn(dir: string, montages: unknown[]): Promise<string> {
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${JSON.stringify({ montages })});\n`,
  );
  const { run } = await renderWorkflows([`${dir}/workflow.ts`], { outDir: `${dir}/out` });
  assert.ok(run.ok, [...run.errors].join("\n"));
  return `${dir}/out`;
}

async function assertColour(file: string, at: number, [x, y]: readonly [number, number], colour: string) {
  const pixel = await pixelAt(file, at, x, y);
  assert.ok(
    colourDistance(pixel, hexToRgb(colour)) <= 30,
    `${file} @${at}s (${x}, ${y}): ${pixel}, expected ${colour}`,
  );
}

Deno.test("e2e: a 2×2 grid has its size, duration, soundtrack, and each item in its cell", async () => {
  const out = await render([{
    id: "wall",
    layout: "grid",
    items: ["item0.png", "item1.png", "item2.png", { file: "item3.png", caption: "Yellow" }],
    size: "320x180",
    fps: 10,
    duration: 2,
    gap: 10,
    fit: "cover",
    background: BACKGROUND,
    audio: "music.wav",
  }]);
  const file = `${out}/wall.mp4`;
  const info = await probe(file);
  const video = info.streams.find((stream) => stream.type === "video")!;
  assert.deepEqual([video.width, video.height], [320, 180]);
  assert.ok(Math.abs(info.duration - 2) < 0.1, `duration ${info.duration}`);
  // The soundtrack (1.5 s) loops to the montage's length.
  const audio = info.streams.find((stream) => stream.type === "audio");
  assert.ok(audio !== undefined && Math.abs((audio.duration ?? 0) - 2) < 0.1, `audio ${audio?.duration}`);
  // Every frame of its length, at a constant rate, and the soundtrack within a frame of the picture.
  const facts = await deliveryFacts(file);
  assert.equal(facts.frames, 20);
  assert.ok(Math.abs(facts.videoDuration - 2) < 1e-3, `video ${facts.videoDuration} s`);
  assert.deepEqual([facts.rFrameRate, facts.avgFrameRate], ["10/1", "10/1"]);
  assert.ok(Math.abs(facts.audioDuration - facts.videoDuration) < 1 / 10, `audio ${facts.audioDuration} s`);
  // High, as every H.264 reel writes; x264's ultrafast alone wrote Constrained Baseline.
  assert.equal(facts.profile, "High");
  // Cells: two columns of (320 - 3·10) / 2 ≈ 144 px and two rows of ≈ 74 px, 10 px apart, centred.
  for (const at of [0.2, 1.8]) {
    await assertColour(file, at, [82, 46], COLOURS[0]!);
    await assertColour(file, at, [238, 46], COLOURS[1]!);
    await assertColour(file, at, [82, 120], COLOURS[2]!);
    await assertColour(file, at, [238, 112], COLOURS[3]!);
    // The gap between the cells, and the margin around them, are the background.
    await assertColour(file, at, [160, 90], BACKGROUND);
    await assertColour(file, at, [2, 2], BACKGROUND);
  }
});

Deno.test("e2e: a montage's soundtrack in M4A loops without a gap at each loop", async () => {
  // Before: ffmpeg's -stream_loop decoded the file again at each loop: 16 ms of silence every half second.
  const out = await render([{
    id: "tone",
    layout: "grid",
    items: ["item0.png"],
    size: "160x90",
    fps: 10,
    duration: 3,
    audio: "tone.m4a",
  }]);
  const sound = await decodeMono(`${out}/tone.mp4`);
  // Before the last second's fade: three loops' joins.
  const dip = deepestDip(sound, 0.1, 1.9);
  assert.ok(dip.db < 6, `${dip.db.toFixed(1)} dB under the tone at ${dip.at.toFixed(3)} s`);
});

Deno.test("e2e: a scrolling strip has its size and duration, and its items where the speed puts them, across chunks", async () => {
  const out = await render([{
    id: "strip",
    layout: "scroll",
    items: ["item0.png", "item1.png", "item2.png"],
    size: "320x180",
    fps: 10,
    cell: { width: 100, height: 80 },
    gap: 10,
    speed: 100,
    fit: "cover",
    background: BACKGROUND,
  }, {
    id: "rise",
    layout: "scroll",
    direction: "up",
    items: ["item0.png", "item1.png"],
    size: "180x320",
    fps: 10,
    cell: { width: 80, height: 100 },
    gap: 20,
    duration: 4.4,
    fit: "cover",
    background: BACKGROUND,
  }]);
  // Travel: 3 cells of 100 px, 2 gaps of 10 px and the frame's 320 px = 640 px at 100 px/s: 6.4 s, two chunks.
  const strip = `${out}/strip.mp4`;
  const info = await probe(strip);
  assert.deepEqual([info.streams[0]?.width, info.streams[0]?.height], [320, 180]);
  assert.ok(Math.abs(info.duration - 6.4) < 0.1, `duration ${info.duration}`);
  assert.equal(await videoProfile(strip), "High");
  // A keyframe every 2 s in each chunk, the second from 5 s (fi12: one at each chunk's start alone).
  assert.deepEqual((await deliveryFacts(strip)).keyframes, [0, 2, 4, 5]);
  // Item i's left edge at time t: 320 − 100·t + 110·i; the strip is centred vertically (y 50 to 130).
  const x = (i: number, t: number) => 320 - 100 * t + 110 * i;
  await assertColour(strip, 0.2, [300, 90], COLOURS[0]!);
  await assertColour(strip, 0.2, [100, 90], BACKGROUND);
  await assertColour(strip, 2, [x(0, 2) + 50, 90], COLOURS[0]!);
  await assertColour(strip, 2, [x(1, 2) + 40, 90], COLOURS[1]!);
  await assertColour(strip, 2, [x(0, 2) - 30, 90], BACKGROUND);
  await assertColour(strip, 2, [x(0, 2) + 50, 20], BACKGROUND);
  // In the second chunk (from 5 s) only the last item is left.
  await assertColour(strip, 5.5, [x(2, 5.5) + 50, 90], COLOURS[2]!);
  await assertColour(strip, 5.5, [200, 90], BACKGROUND);

  // Upwards: item i's top edge at time t is 320 − 200·t + 120·i (travel 2·100 + 20 + 320 = 540 px in 4.4 s).
  const rise = `${out}/rise.mp4`;
  const tall = await probe(rise);
  assert.deepEqual([tall.streams[0]?.width, tall.streams[0]?.height], [180, 320]);
  assert.ok(Math.abs(tall.duration - 4.4) < 0.1, `duration ${tall.duration}`);
  const y = (i: number, t: number) => 320 - (540 / 4.4) * t + 120 * i;
  await assertColour(rise, 2, [90, Math.round(y(0, 2) + 50)], COLOURS[0]!);
  await assertColour(rise, 2, [90, Math.round(y(1, 2) + 50)], COLOURS[1]!);
  await assertColour(rise, 2, [10, Math.round(y(0, 2) + 50)], BACKGROUND);
});

Deno.test("e2e: an image named with a % is drawn as itself, not as the frame-numbered file a pattern names", async () => {
  // Before: ffmpeg read frame%d.png as the sequence frame1.png…, and drew frame1.png's blue, exit 0.
  const dir = await tempDir("reel-montage-pct-");
  // Made under plain names (ffmpeg, which makes them, reads names as patterns too), then named.
  for (const [name, colour] of [["frame%d.png", 0], ["frame1.png", 2], ["%{pts}.png", 1]] as const) {
    await makeColourImage(`${dir}/made.png`, { colour: COLOURS[colour]!, width: 160, height: 120 });
    await Deno.rename(`${dir}/made.png`, `${dir}/${name}`);
  }
  // A picture played as a clip (BMP), probed by ffprobe before the run: its name as written too.
  await makeColourImage(`${dir}/made.png`, { colour: COLOURS[3]!, width: 160, height: 120 });
  await runFfmpeg(await findFfmpeg(), ["-i", `${dir}/made.png`, `${dir}/made.bmp`]);
  await Deno.rename(`${dir}/made.bmp`, `${dir}/tile%d.bmp`);
  const montages = [
    { id: "grid", layout: "grid", items: ["frame%d.png", "%{pts}.png"], size: "320x180", duration: 1 },
    { id: "strip", layout: "scroll", items: ["frame%d.png"], size: "160x120", duration: 1 },
    { id: "bmp", layout: "grid", items: ["tile%d.bmp"], size: "160x120", duration: 1, gap: 0 },
    // Cells that fill the frame (no gap): they start at its edge (before, 2 px in, and ffmpeg refused the grid).
    {
      id: "flush",
      layout: "grid",
      items: ["frame%d.png", "%{pts}.png"],
      size: "320x120",
      duration: 1,
      gap: 0,
    },
  ];
  await renderIn(dir, montages);
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [80, 90], COLOURS[0]!);
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [240, 90], COLOURS[1]!);
  await assertColour(`${dir}/out/strip.mp4`, 0.5, [80, 60], COLOURS[0]!);
  await assertColour(`${dir}/out/bmp.mp4`, 0.5, [80, 60], COLOURS[3]!);
  for (const [x, colour] of [[1, 0], [158, 0], [161, 1], [318, 1]] as const) {
    await assertColour(`${dir}/out/flush.mp4`, 0.5, [x, 60], COLOURS[colour]!);
  }
});

Deno.test("e2e: a transparent picture shows the background, a picture 1 px wide keeps its colour, a 2:1 clip its shape", async () => {
  // fi12: 4:2:0 first turned transparent pixels black and halved a 1-px picture's colour; a clip's aspect was lost.
  const dir = await tempDir("reel-montage-alpha-");
  const ffmpeg = await findFfmpeg();
  await runFfmpeg(ffmpeg, [
    ...["-f", "lavfi", "-i", "color=c=0x00000000:s=64x64,format=rgba"],
    ...["-f", "lavfi", "-i", "color=c=0xe03030:s=32x32,format=rgba"],
    ...["-filter_complex", "[0][1]overlay=16:16,format=rgba", "-frames:v", "1", `${dir}/logo.png`],
  ]);
  await runFfmpeg(ffmpeg, [
    ...["-f", "lavfi", "-i", "color=c=0x3050e0:s=4x4", "-vf", "format=rgb24,crop=1:1:0:0"],
    ...["-frames:v", "1", `${dir}/dot.png`],
  ]);
  await runFfmpeg(ffmpeg, [
    ...["-f", "lavfi", "-i", "color=c=0xe0c020:s=32x32:r=20:d=1", "-vf", "setsar=2"],
    ...["-c:v", "libx264", "-pix_fmt", "yuv420p", `${dir}/wide.mp4`],
  ]);
  const montages = [
    { id: "grid", layout: "grid", items: ["logo.png", "dot.png"], size: "320x180", duration: 1, gap: 10 },
    { id: "clip", layout: "grid", items: ["wide.mp4"], size: "160x160", duration: 5, fps: 10, gap: 0 },
  ];
  await renderIn(dir, montages.map((montage) => ({ ...montage, background: COLOURS[1] })));
  // The logo's cell (10..155 × 10..170): its transparent corner shows the background, its middle its red.
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [16, 24], COLOURS[1]!);
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [82, 90], COLOURS[0]!);
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [237, 90], COLOURS[2]!);
  // 160 × 80 in its 160 × 160 cell, between bands of the background.
  await assertColour(`${dir}/out/clip.mp4`, 0.5, [80, 20], COLOURS[1]!);
  await assertColour(`${dir}/out/clip.mp4`, 0.5, [80, 80], COLOURS[3]!);
  await assertColour(`${dir}/out/clip.mp4`, 0.5, [80, 140], COLOURS[1]!);
  // Seekable as a lesson's video: a keyframe every 2 s (fi12: x264's default, every 250 frames).
  assert.deepEqual((await deliveryFacts(`${dir}/out/clip.mp4`)).keyframes, [0, 2, 4]);
});

Deno.test("e2e: a montage is BT.709 and tagged so; a BT.709 clip and a picture of one green show one green", async () => {
  // fi12: untagged BT.601, and a BT.709 clip's values taken for BT.601 (its green read (0, 213, 0)).
  const dir = await tempDir("reel-montage-bt709-");
  const ffmpeg = await findFfmpeg();
  await makeColourImage(`${dir}/green.png`, { colour: "#00ff00", width: 64, height: 64 });
  await runFfmpeg(ffmpeg, [
    ...["-f", "lavfi", "-i", "color=c=0x00ff00:s=64x64:r=10:d=1"],
    ...["-vf", "scale=out_color_matrix=bt709,format=yuv420p", "-colorspace", "bt709", "-c:v", "libx264"],
    `${dir}/green.mp4`,
  ]);
  const montages = [
    { id: "grid", layout: "grid", items: ["green.png", "green.mp4"], size: "320x180", duration: 1, gap: 10 },
    { id: "strip", layout: "scroll", items: ["green.png"], size: "320x180", speed: 400 },
  ];
  await renderIn(dir, montages);
  const { ffprobe } = ffmpeg;
  for (const name of ["grid", "strip"]) {
    const tags = await runProcess(ffprobe, [
      ...["-v", "error", "-select_streams", "v:0", "-show_entries"],
      ...[
        "stream=color_space,color_primaries,color_transfer,color_range",
        "-of",
        "csv=p=0",
        `${dir}/out/${name}.mp4`,
      ],
    ]);
    assert.equal(new TextDecoder().decode(tags.stdout).trim(), "tv,bt709,bt709,bt709", name);
  }
  // Each cell's middle, decoded as its tags say.
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [82, 90], "#00ff00");
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [237, 90], "#00ff00");
  await assertColour(`${dir}/out/grid.mp4`, 0.5, [3, 3], "#000000");
});

Deno.test("e2e: an item named twice is shown twice, in its own cell; before, the second was dropped", async () => {
  const out = await render([{
    id: "twice",
    layout: "grid",
    items: ["item0.png", "item1.png", "item0.png", { file: "item1.png", caption: "Again" }],
    size: "320x180",
    duration: 1,
    gap: 10,
    fit: "cover",
    background: BACKGROUND,
  }]);
  await assertColour(`${out}/twice.mp4`, 0.5, [82, 46], COLOURS[0]!);
  await assertColour(`${out}/twice.mp4`, 0.5, [238, 46], COLOURS[1]!);
  await assertColour(`${out}/twice.mp4`, 0.5, [82, 120], COLOURS[0]!);
  await assertColour(`${out}/twice.mp4`, 0.5, [238, 112], COLOURS[1]!);
});

Deno.test("e2e: a 1-s MPEG-TS clip loops in a grid and in a strip; before, ffmpeg spun until the step's timeout", async () => {
  const dir = await tempDir("reel-montage-ts-");
  // Red for its first half second, blue for its second, with sound and B-frames (x264's default preset), as a
  // camera's or a recorder's .ts is: a transport stream without B-frames looped even before.
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `color=c=${COLOURS[0]!.replace("#", "0x")}:s=64x48:r=25:d=1,` +
    `drawbox=c=${COLOURS[2]!.replace("#", "0x")}:t=fill:enable='gte(t,0.5)'`,
    "-f",
    "lavfi",
    "-i",
    "sine=f=440:d=1",
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-f",
    "mpegts",
    `${dir}/clip.ts`,
  ]);
  const montages = [
    {
      id: "grid",
      layout: "grid",
      items: ["clip.ts"],
      size: "160x90",
      fps: 10,
      duration: 2.5,
      gap: 0,
      fit: "cover",
    },
    // One cell of 80 px crossing 160 px at 100 px/s: its left edge at 160 − 100·t, 2.4 s.
    {
      id: "strip",
      layout: "scroll",
      items: ["clip.ts"],
      size: "160x90",
      fps: 10,
      cell: { width: 80, height: 60 },
      speed: 100,
      easing: "linear",
      fit: "cover",
      background: BACKGROUND,
    },
  ];
  // The old code's steps fail at this timeout (plus 5 s a second of video) instead of the default 5 minutes.
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({ timeout: 15_000, montages })
    });\n`,
  );
  const { run } = await renderWorkflows([`${dir}/workflow.ts`], { outDir: `${dir}/out` });
  assert.ok(run.ok, [...run.errors].join("\n"));
  const grid = `${dir}/out/grid.mp4`;
  const video = (await probe(grid)).streams.find((stream) => stream.type === "video");
  assert.ok(Math.abs((video?.duration ?? 0) - 2.5) < 0.05, `grid ${video?.duration} s`);
  // Its first play, then its second and third: red in each first half second, blue in each second.
  for (const [at, colour] of [[0.2, 0], [0.7, 2], [1.2, 0], [1.7, 2], [2.2, 0]] as const) {
    await assertColour(grid, at, [80, 45], COLOURS[colour]!);
  }
  const strip = `${dir}/out/strip.mp4`;
  const { duration } = await probe(strip);
  assert.ok(Math.abs(duration - 2.4) < 0.05, `strip ${duration} s`);
  // The cell's centre at 200 − 100·t.
  await assertColour(strip, 0.7, [130, 45], COLOURS[2]!);
  await assertColour(strip, 1.2, [80, 45], COLOURS[0]!);
  await assertColour(strip, 1.7, [30, 45], COLOURS[2]!);
});

Deno.test("e2e: a clip in a strip plays on, looped, in the chunks after the first; before, it stuck on one colour", async () => {
  const dir = await tempDir("reel-montage-loop-");
  // Red for its first second, blue for its second.
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `color=c=${COLOURS[0]!.replace("#", "0x")}:s=64x48:r=10:d=2,` +
    `drawbox=c=${COLOURS[2]!.replace("#", "0x")}:t=fill:enable='gte(t,1)'`,
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    `${dir}/clip.mp4`,
  ]);
  // The same pictures in a Matroska with 3 s of sound, which says no length of its pictures (rv: a loop taken to
  // last as long as the file, the sound's 3 s, where ffmpeg loops the pictures' 2 s).
  await runFfmpeg(await findFfmpeg(), [
    ...["-i", `${dir}/clip.mp4`, "-f", "lavfi", "-i", "sine=d=3", "-map", "0:v", "-map", "1:a"],
    ...["-c:v", "copy", "-c:a", "aac", `${dir}/clip.mkv`],
  ]);
  // One cell of 120 px crossing 160 px in 7 s: its right edge at 280 − 40·t; chunks of 5 s, so the second shows
  // the clip from 5 s into its play (its third loop, half way).
  const montages = ["clip.mp4", "clip.mkv"].map((item) => ({
    id: item.replace(".", "-"),
    layout: "scroll",
    items: [item],
    size: "160x90",
    fps: 10,
    cell: { width: 120, height: 60 },
    duration: 7,
    easing: "linear",
    fit: "cover",
    background: BACKGROUND,
  }));
  await renderIn(dir, montages);
  for (const strip of [`${dir}/out/clip-mp4.mp4`, `${dir}/out/clip-mkv.mp4`]) {
    for (
      const [at, colour] of [[0.5, 0], [1.5, 2], [4.5, 0], [5.3, 2], [5.7, 2], [6.3, 0], [6.6, 0]] as const
    ) {
      await assertColour(strip, at, [Math.min(155, Math.round(270 - 40 * at)), 45], COLOURS[colour]!);
    }
  }
});

/** A 320×120 grid of two cells captioned in white on black (a band of 36 px): its first frame, RGB. */
async function captionedPair(captions: readonly [string, string]): Promise<Uint8Array> {
  const out = await render([{
    id: "wall",
    layout: "grid",
    items: [{ file: "item0.png", caption: captions[0] }, { file: "item2.png", caption: captions[1] }],
    size: "320x120",
    rows: 1,
    cols: 2,
    fps: 10,
    duration: 1,
    gap: 0,
    background: "#000000",
    caption: { color: "#ffffff", size: 0.3 },
  }]);
  return await frameAt(`${out}/wall.mp4`, 0);
}

/** White ink at (x, y) of a {@linkcode captionedPair} frame: its green is high, the items' and the black's low. */
function inked(frame: Uint8Array, x: number, y: number): boolean {
  return frame[(y * 320 + x) * 3 + 1]! > 160;
}

/** The lowest inked row of the first glyph of the caption in the cell from column `left` (its band: rows 80–120). */
function firstGlyphBottom(frame: Uint8Array, left: number): number {
  let first = -1;
  for (let x = left; x < left + 160 && first < 0; x++) {
    for (let y = 80; y < 120; y++) if (inked(frame, x, y)) first = x;
  }
  assert.ok(first >= 0, `no caption in the cell at ${left}`);
  let lowest = -1;
  for (let x = first; x < first + 3; x++) {
    for (let y = 80; y < 120; y++) if (inked(frame, x, y)) lowest = Math.max(lowest, y);
  }
  return lowest;
}

Deno.test("e2e: captions share a baseline, with or without descenders", async () => {
  // Before: each caption was centred by its own ink, and "xy" (a descender) rose above "xx".
  const frame = await captionedPair(["xx", "xy"]);
  assert.equal(firstGlyphBottom(frame, 160), firstGlyphBottom(frame, 0));
});

Deno.test("e2e: a Hebrew caption is drawn right to left, its closing dots at the left end", async () => {
  // Before: drawtext set it as left-to-right text, the dots at the right end. Its letters do not reach below it.
  const frame = await captionedPair(["אוויר חם....", "Ab"]);
  const ends = inkStartAtEnds((x, y) => inked(frame, x, y), { x: 0, y: 80, width: 160, height: 40 });
  assert.ok(ends.left > 0.6 && ends.right < 0.4, JSON.stringify(ends));
});

Deno.test("e2e: a caption too wide for its cell is drawn smaller, whole inside the cell", async () => {
  // Before: drawn at the band's size and cut at both edges of its cell ("on that cannot possibl"), exit 0.
  // "A longer caption here": about 290 px wide at the band's size (25 px), 12 px high to fit in 148 (the cell less
  // its margins).
  const frame = await captionedPair(["A longer caption here", "Ab"]);
  const columns: number[] = [];
  for (let y = 80; y < 120; y++) for (let x = 0; x < 160; x++) if (inked(frame, x, y)) columns.push(x);
  assert.ok(columns.length > 0, "the caption is drawn");
  const [left, right] = [Math.min(...columns), Math.max(...columns)];
  assert.ok(left >= 2 && right <= 157, `caption from x=${left} to x=${right} of a 160-px cell`);
  // On the baseline of the captions drawn at the band's size (the first glyph: an "A" in both). Before, the smaller
  // caption sat higher, on a baseline of its own.
  const [small, full] = [firstGlyphBottom(frame, 0), firstGlyphBottom(frame, 160)];
  assert.ok(Math.abs(small - full) <= 1, `${small}, ${full}`);
  // Too long even at 6 px: drawn cut, and said in the step's value (the reporter prints it).
  const dir = await tempDir("reel-montage-long-");
  await makeColourImage(`${dir}/item.png`, { colour: "#e03030", width: 160, height: 120 });
  const long = "A caption that cannot possibly fit in one cell of this grid, however small it is drawn";
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({
        montages: [{
          id: "w",
          layout: "grid",
          items: [{ file: "item.png", caption: long }],
          size: "160x120",
        }],
      })
    });\n`,
  );
  const { run } = await renderWorkflows([`${dir}/workflow.ts`], { outDir: `${dir}/out` });
  assert.ok(run.ok, [...run.errors].join("\n"));
  const value = run.artifacts.get("montage/w")?.value as { warnings?: string[] };
  assert.deepEqual(value.warnings, [
    `the caption "${long}" is too long for its cell even at 6 px: it is cut at the edges`,
  ]);
});

Deno.test("e2e: a grid and a strip of two chunks at 29.97 fps are written at NTSC's 30000/1001, every frame there", async () => {
  // nt17: written 2997/100, where a variant at 29.97 is 30000/1001.
  const out = await render([
    { id: "wall", layout: "grid", items: ["item0.png"], size: "64x36", fps: 29.97, duration: 1 },
    {
      id: "strip",
      layout: "scroll",
      items: ["item0.png", "item1.png"],
      size: "64x36",
      fps: 29.97,
      cell: { width: 30, height: 24 },
      duration: 6,
    },
  ]);
  for (const [name, seconds] of [["wall", 1], ["strip", 6]] as const) {
    const facts = await deliveryFacts(`${out}/${name}.mp4`);
    assert.deepEqual([facts.rFrameRate, facts.avgFrameRate], ["30000/1001", "30000/1001"], name);
    assert.equal(facts.frames, Math.round((seconds * 30000) / 1001), name);
  }
});
