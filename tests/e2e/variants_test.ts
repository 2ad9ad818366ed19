/**
 * Variants end to end: seeded random variants through the CLI (valid, pairwise different, the same from the store on
 * a re-run), a batch with a corrupt input and one that hangs, and crops, pads and mirrors checked by pixel colours.
 */
import assert from "node:assert/strict";
import { sha256File } from "../../lib/core/sha256.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import type { RunEvent } from "../../lib/run/run_events.ts";
import { listFolder, runCli } from "../_support/cli.ts";
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
import { makeBandsVideo, makeTestVideo } from "../_support/test_video.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { decodeMono, levelDb } from "../_support/sound.ts";

Deno.test("e2e: 5 seeded random variants of a 20-s video are valid, pairwise different, and come from the store on a re-run", async () => {
  const dir = await tempDir("reel-variants-");
  await makeTestVideo(`${dir}/clip.mp4`, { seconds: 20 });
  const args = [
    "variants",
    "clip.mp4",
    "--recipe",
    "shuffle",
    "--count",
    "5",
    "--seed",
    "7",
    "--out",
    "out",
    "--json",
  ];
  const first = await runCli(args, { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const events = first.stdout.trim().split("\n").map((line) => JSON.parse(line) as RunEvent);

  const digests = new Set<string>();
  const transforms = new Set<string>();
  for (let n = 1; n <= 5; n++) {
    const file = `${dir}/out/clip.shuffle-${n}.mp4`;
    const info = await probe(file);
    assert.deepEqual(info.streams.map((stream) => stream.codec).sort(), ["aac", "h264"]);
    const video = info.streams.find((stream) => stream.type === "video")!;
    assert.deepEqual([video.width, video.height], [160, 90]);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/out/clip.shuffle-${n}.json`));
    assert.equal(manifest.seed, 7);
    assert.equal(manifest.variant, n);
    assert.equal(manifest.input, "clip.mp4");
    // The encoder that made it: the H.264 one the plan chose (libx264 with its threads, or a hardware one).
    assert.equal(manifest.encoder.codec, "h264");
    assert.match(manifest.encoder.name, /264/);
    assert.equal(manifest.encoder.threads === null, manifest.encoder.hardware);
    // And how: the recipe's quality and preset (nt5: the manifest said neither).
    assert.deepEqual([manifest.encoder.preset, manifest.encoder.crf, manifest.encoder.bitrate], [
      "fast",
      23,
      null,
    ]);
    const { speed, trim } = manifest.transforms;
    const expected = (20 - trim.start) / speed;
    assert.ok(
      Math.abs(info.duration - expected) < 0.15,
      `${file}: ${info.duration} s, expected ${expected} s`,
    );
    assert.ok(Math.abs(manifest.output.duration - info.duration) < 0.01);
    digests.add(await sha256File(file));
    transforms.add(JSON.stringify(manifest.transforms));
    // Progress came from ffmpeg's -progress, up to the whole output.
    const fractions = events.flatMap((event) =>
      event.type === "step:progress" && event.step === `variants/clip/shuffle-${n}` ? [event.fraction] : []
    );
    assert.equal(fractions.at(-1), 1);
  }
  assert.equal(digests.size, 5, "the five variants are pairwise different files");
  assert.equal(transforms.size, 5, "drawn from five different transform sets");

  const second = await runCli(args, { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  const finished = second.stdout.trim().split("\n").map((line) => JSON.parse(line) as RunEvent)
    .filter((event) => event.type === "step:finished");
  assert.equal(finished.length, 11);
  assert.ok(
    finished.every((event) => event.type === "step:finished" && event.cached),
    "every step from the store",
  );
  for (let n = 1; n <= 5; n++) {
    assert.ok(digests.has(await sha256File(`${dir}/out/clip.shuffle-${n}.mp4`)), `variant ${n} is the same`);
  }
});

Deno.test("e2e: a batch of 6 inputs, one corrupt and one that hangs, writes the other 4, names both failures and leaves no temporary file", async () => {
  const dir = await tempDir("reel-batch-");
  await Deno.mkdir(`${dir}/in`);
  await Deno.mkdir(`${dir}/tmp`);
  for (const name of ["a", "b", "c", "d"]) await makeTestVideo(`${dir}/in/${name}.mp4`, { seconds: 2 });
  await Deno.writeFile(`${dir}/in/corrupt.mp4`, crypto.getRandomValues(new Uint8Array(4096)));
  // A named pipe that no one writes: opening it never returns.
  const fifo = await new Deno.Command("mkfifo", { args: [`${dir}/in/stuck.mp4`] }).output();
  assert.ok(fifo.success);

  const result = await runCli(
    ["variants", "in", "--recipe", "web", "--timeout", "3000", "--out", "out", "--cache", "store"],
    { cwd: dir, env: { TMPDIR: `${dir}/tmp` } },
  );
  // The corrupt input is bad input: exit 2 though the other failure (a timeout) alone would be 1.
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /variants\/corrupt\/probe[^\n]*Cannot read in\/corrupt\.mp4/);
  assert.match(result.stderr, /variants\/stuck\/probe[^\n]*timed out after 3 s/);
  const written = await listFolder(`${dir}/out`);
  assert.deepEqual(written, [
    "a.web.json",
    "a.web.mp4",
    "b.web.json",
    "b.web.mp4",
    "c.web.json",
    "c.web.mp4",
    "d.web.json",
    "d.web.mp4",
    "report.html",
  ]);
  for (const name of ["a", "b", "c", "d"]) {
    const info = await probe(`${dir}/out/${name}.web.mp4`);
    assert.ok(Math.abs(info.duration - 2) < 0.1, `${name}: ${info.duration}`);
  }
  // Nothing temporary is left: not in the output, not in the store, not in TMPDIR; and no ffprobe still waits.
  assert.deepEqual(await listFolder(`${dir}/store/tmp`) ?? [], []);
  assert.deepEqual(await listFolder(`${dir}/tmp`), []);
  assert.equal(await processesReading(`${dir}/in/stuck.mp4`), 0);
});

Deno.test("e2e: a 9:16 crop keeps the centre, a mirror swaps the sides, a pad fills with the background", async () => {
  const dir = await tempDir("reel-crop-");
  const bands = [["#0000ff", 70], ["#ff0000", 20], ["#00ff00", 70]] as const;
  await makeBandsVideo(`${dir}/bands.mp4`, { seconds: 1, height: 90, bands });
  const recipes = [
    { name: "tall", format: "90x160", fit: "crop" },
    { name: "mirrored", mirror: true },
    { name: "boxed", format: "90x90", fit: "pad", background: "#ffffff" },
    // nt18: a colour change tinted the bars and corners the background fills (brightness 0.3: black drawn grey).
    { name: "bright", format: "90x90", fit: "pad", background: "#000000", color: { brightness: 0.3 } },
    { name: "tilted", rotate: 30, background: "#000000", color: { brightness: 0.3 } },
  ];
  await renderRecipes(dir, "bands.mp4", recipes);
  const [blue, red, green, white] = ["#0000ff", "#ff0000", "#00ff00", "#ffffff"].map(hexToRgb);
  const near = async (file: string, x: number, y: number, colour: readonly number[]) => {
    const pixel = await pixelAt(`${dir}/out/${file}`, 0.5, x, y);
    assert.ok(colourDistance(pixel, colour) <= 40, `${file} (${x}, ${y}): ${pixel} vs ${colour}`);
  };
  const tall = (await probe(`${dir}/out/bands.tall.mp4`)).streams[0]!;
  assert.deepEqual([tall.width, tall.height], [90, 160]);
  // The source's centre (the red band, x 70–90 of 160) is the middle of the tall frame; its sides are blue and green.
  await near("bands.tall.mp4", 45, 80, red!);
  await near("bands.tall.mp4", 8, 80, blue!);
  await near("bands.tall.mp4", 82, 80, green!);
  await near("bands.mirrored.mp4", 10, 45, green!);
  await near("bands.mirrored.mp4", 150, 45, blue!);
  await near("bands.boxed.mp4", 45, 5, white!);
  await near("bands.boxed.mp4", 45, 45, red!);
  const black = hexToRgb("#000000");
  await near("bands.bright.mp4", 45, 5, black);
  await near("bands.tilted.mp4", 1, 1, black);
  // The picture itself is brighter: its blue band no longer pure.
  const lit = await pixelAt(`${dir}/out/bands.bright.mp4`, 0.5, 10, 45);
  assert.ok(lit[0]! > 60 && lit[1]! > 60, `the brightened blue band: ${lit}`);
});

Deno.test("e2e: a phone's video held upright (a quarter turn in its metadata) stays upright and unsqueezed", async () => {
  // Before: stored 160×90 with a display matrix of 90°, decoded 90×160 by ffmpeg, and squeezed into 160×90.
  const dir = await tempDir("reel-upright-");
  const bands = [["#0000ff", 70], ["#ff0000", 20], ["#00ff00", 70]] as const;
  await makeBandsVideo(`${dir}/stored.mp4`, { seconds: 1, height: 90, bands });
  const ffmpeg = await findFfmpeg();
  await runFfmpeg(ffmpeg, [
    "-i",
    `${dir}/stored.mp4`,
    "-c",
    "copy",
    "-metadata:s:v:0",
    "rotate=90",
    `${dir}/phone.mp4`,
  ]);
  const recipes = ["web", { name: "slow", speed: 0.5 }];
  await renderRecipes(dir, "phone.mp4", recipes);
  for (const name of ["phone.web.mp4", "phone.slow.mp4"]) {
    const video = (await probe(`${dir}/out/${name}`)).streams.find((stream) => stream.type === "video")!;
    assert.deepEqual([video.width, video.height], [90, 160], name);
    // The bands lie across the upright frame: its top, middle and bottom as the input's, decoded upright.
    for (const y of [10, 80, 150]) {
      const want = await pixelAt(`${dir}/phone.mp4`, 0.3, 45, y);
      const got = await pixelAt(`${dir}/out/${name}`, 0.3, 45, y);
      assert.ok(colourDistance(got, want) <= 40, `${name} at y ${y}: ${got} vs ${want}`);
    }
  }
});

Deno.test("e2e: inputs with 240-character names get shortened output names, under 255 bytes and apart", async () => {
  const dir = await tempDir("reel-long-names-");
  await Deno.mkdir(`${dir}/in`);
  // Two names that Linux allows (255 bytes) and that differ only at their end.
  const names = ["take-1", "take-2"].map((take) => `${"interview-".repeat(23)}${take}.mp4`);
  assert.equal(names[0]!.length, 240);
  for (const name of names) await makeTestVideo(`${dir}/in/${name}`, { seconds: 1, audio: false });
  // The longest names a recipe adds: a 100-character name, a rendition and HLS playlists.
  const recipe = { name: "r".repeat(100), format: "64x36", renditions: [{ height: 36 }], hls: true };
  await Deno.writeTextFile(`${dir}/long.json`, JSON.stringify(recipe));

  const result = await runCli(["variants", "in", "--recipe", "long.json", "--out", "out", "-q"], {
    cwd: dir,
  });
  assert.equal(result.code, 0, result.stderr);
  const written = (await listFolder(`${dir}/out`))!.filter((name) => name !== "report.html");
  assert.equal(written.length, 8, written.join("\n"));
  for (const name of written) assert.ok(new TextEncoder().encode(name).length <= 255, name);
  // Each output keeps the first 91 characters of its input's name and adds 8 hex digits that tell the two apart.
  const stems = new Set(written.map((name) => name.slice(0, name.indexOf("."))));
  assert.equal(stems.size, 2, [...stems].join("\n"));
  for (const stem of stems) assert.match(stem, new RegExp(`^${"interview-".repeat(9)}i-[0-9a-f]{8}$`));
  for (const stem of stems) {
    assert.deepEqual(
      written.filter((name) => name.startsWith(`${stem}.`)).map((name) => name.slice(stem.length)),
      [
        `.${recipe.name}.36p.json`,
        `.${recipe.name}.36p.m3u8`,
        `.${recipe.name}.36p.mp4`,
        `.${recipe.name}.m3u8`,
      ],
    );
    // The manifest names the input in full.
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/out/${stem}.${recipe.name}.36p.json`));
    assert.ok(names.map((name) => `in/${name}`).includes(manifest.input), manifest.input);
    const video = (await probe(`${dir}/out/${stem}.${recipe.name}.36p.mp4`)).streams[0]!;
    assert.deepEqual([video.width, video.height], [64, 36]);
  }
});

/** Renders `recipes` of one input in `dir` (a workflow file written there) into `dir/out`; checks the run is ok. */
async function renderRecipes(
  dir: string,
  input: string,
  recipes: readonly unknown[],
): Promise<void> {
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({ variants: [{ inputs: [input], recipes }] })
    });\n`,
  );
  const { run } = await renderWorkflows([`${dir}/workflow.ts`], { outDir: `${dir}/out` });
  assert.ok(run.ok, [...run.errors].join("\n"));
}

/** How many live processes name `path` in their command line. */
async function processesReading(path: string): Promise<number> {
  let count = 0;
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if ((await Deno.readTextFile(`/proc/${entry.name}/cmdline`)).includes(path)) count++;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return count;
}

Deno.test("e2e: a sped-up variant shows each moment with its sound, at the input's rate, video and audio within a frame", async () => {
  // Before: with no fps of its own, a 2x variant began 0,1,2,3,4,6… and its pictures trailed the sound by two frames.
  const dir = await tempDir("reel-speed-");
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    "color=c=#ff0000:s=160x90:r=30:d=1[a];color=c=#0000ff:s=160x90:r=30:d=1[b];[a][b]concat,format=yuv420p",
    "-f",
    "lavfi",
    "-i",
    "sine=f=440:d=2",
    "-c:v",
    "libx264",
    "-c:a",
    "aac",
    `${dir}/switch.mp4`,
  ]);
  const recipes = [{ name: "fast", speed: 2 }, { name: "bit", speed: 1.1 }, { name: "film", fps: 23.976 }];
  await renderRecipes(dir, "switch.mp4", recipes);
  // An NTSC rate is the fraction it stands for (before: 2997/125).
  const film = await deliveryFacts(`${dir}/out/switch.film.mp4`);
  assert.deepEqual([film.rFrameRate, film.avgFrameRate], ["24000/1001", "24000/1001"]);
  const [red, blue] = ["#ff0000", "#0000ff"].map(hexToRgb);
  for (const [name, speed] of [["fast", 2], ["bit", 1.1]] as const) {
    const file = `${dir}/out/switch.${name}.mp4`;
    const facts = await deliveryFacts(file);
    assert.deepEqual([facts.rFrameRate, facts.avgFrameRate], ["30/1", "30/1"], name);
    assert.ok(
      Math.abs(facts.videoDuration - 2 / speed) <= 1 / 30 + 1e-3,
      `${name}: video ${facts.videoDuration} s`,
    );
    assert.ok(
      Math.abs(facts.videoDuration - facts.audioDuration) <= 1 / 30 + 1e-3,
      `${name}: audio ${facts.audioDuration} s`,
    );
    // The colour changes at 1 s of the input: at 1 / speed s of the output, two frames either side.
    for (const [at, colour] of [[1 / speed - 2 / 30, red], [1 / speed + 2 / 30, blue]] as const) {
      const pixel = await pixelAt(file, at, 80, 45);
      assert.ok(colourDistance(pixel, colour!) <= 40, `${name} @${at.toFixed(3)} s: ${pixel} vs ${colour}`);
    }
  }
});

Deno.test("e2e: sound that starts after the pictures keeps its place, and a trim past the sound's end still has sound", async () => {
  // Before: each stream was moved to start at 0 (a phone's or a screen recorder's late sound played 2 s early and
  // ended 2 s before the pictures), and a trim that starts after the sound ended gave an MP4 without sound whose
  // manifest said it had some.
  const dir = await tempDir("reel-late-sound-");
  await runFfmpeg(await findFfmpeg(), [
    ...["-f", "lavfi", "-i", "testsrc2=s=160x90:r=30:d=4"],
    ...["-itsoffset", "2", "-f", "lavfi", "-i", "sine=f=440:d=1:sample_rate=48000"],
    ...["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
    `${dir}/late.mp4`,
  ]);
  const recipes = [{ name: "web" }, { name: "end", trim: { start: 3.5 } }];
  await renderRecipes(dir, "late.mp4", recipes);
  for (const [name, seconds] of [["web", 4], ["end", 0.5]] as const) {
    const facts = await deliveryFacts(`${dir}/out/late.${name}.mp4`);
    assert.ok(
      Math.abs(facts.videoDuration - seconds) <= 1 / 30 + 1e-3,
      `${name}: video ${facts.videoDuration} s`,
    );
    assert.ok(
      Math.abs(facts.audioDuration - facts.videoDuration) <= 1 / 30 + 1e-3,
      `${name}: audio ${facts.audioDuration} s`,
    );
    assert.equal(facts.sampleRate, 48_000);
  }
  const samples = await decodeMono(`${dir}/out/late.web.mp4`);
  assert.ok(levelDb(samples, 0.1, 1.9) < -50, "silent before the sound starts");
  assert.ok(levelDb(samples, 2.1, 2.9) > -30, "the tone where the input plays it");
  assert.ok(levelDb(samples, 3.1, 3.9) < -50, "silent after it");
});

Deno.test("e2e: pictures that start after the sound keep their place: the first picture is held until they start", async () => {
  // Before: the pictures were moved to start at 0 and showed 1.5 s before the sound they go with (the input's
  // pictures start 1.5 s into the file; its tone starts when they turn from red to blue).
  const dir = await tempDir("reel-late-pictures-");
  const ffmpeg = await findFfmpeg();
  await runFfmpeg(ffmpeg, [
    ...[
      "-f",
      "lavfi",
      "-i",
      "color=c=red:s=160x90:r=30:d=1[a];color=c=blue:s=160x90:r=30:d=1[b];[a][b]concat",
    ],
    ...["-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", `${dir}/pictures.mp4`],
  ]);
  await runFfmpeg(ffmpeg, [
    ...["-f", "lavfi", "-i", "aevalsrc='if(between(t,2.5,3.5),sin(2*PI*440*t),0)':d=4:s=48000"],
    ...["-c:a", "aac", `${dir}/sound.m4a`],
  ]);
  await runFfmpeg(ffmpeg, [
    ...["-itsoffset", "1.5", "-i", `${dir}/pictures.mp4`, "-i", `${dir}/sound.m4a`],
    ...["-map", "0:v", "-map", "1:a", "-c", "copy", `${dir}/late.mp4`],
  ]);
  const recipes = [
    { name: "web" },
    { name: "cut", trim: { start: 1 } },
    { name: "fast", speed: 2 },
    // A trim's end too: its pictures end with it (review: they ran on by the lead, 2.5 s of pictures over 2 s).
    { name: "window", trim: { start: 1, duration: 2 } },
  ];
  await renderRecipes(dir, "late.mp4", recipes);
  const red = hexToRgb("#ff0000");
  const blue = hexToRgb("#0000ff");
  // Where the input's pictures turn blue (and its tone starts), in each output's seconds; the pictures' end.
  const outputs = [["web", 2.5, 3.5], ["cut", 1.5, 2.5], ["fast", 1.25, 1.75], ["window", 1.5, 2]] as const;
  for (const [name, turn, end] of outputs) {
    const file = `${dir}/out/late.${name}.mp4`;
    const facts = await deliveryFacts(file);
    assert.ok(
      Math.abs(facts.videoDuration - end) <= 1 / 30 + 1e-3,
      `${name}: video ${facts.videoDuration} s`,
    );
    assert.deepEqual([facts.rFrameRate, facts.avgFrameRate], ["30/1", "30/1"], name);
    assert.ok(
      Math.abs(facts.audioDuration - facts.videoDuration) <= 1 / 30 + 1e-3,
      `${name}: audio ${facts.audioDuration} s`,
    );
    for (const [at, colour] of [[0.1, red], [turn - 0.1, red], [turn + 0.1, blue]] as const) {
      const pixel = await pixelAt(file, at, 80, 45);
      assert.ok(colourDistance(pixel, colour) <= 40, `${name} @${at.toFixed(2)} s: ${pixel} vs ${colour}`);
    }
    const samples = await decodeMono(file);
    assert.ok(levelDb(samples, 0.05, turn - 0.1) < -50, `${name}: silent while the pictures are red`);
    assert.ok(levelDb(samples, turn + 0.1, end - 0.1) > -30, `${name}: the tone with the blue pictures`);
  }
});

/** Red, blue and green, 2 s each, 160×90 at 30 fps. */
const BANDS_6S = "color=c=red:s=160x90:r=30:d=2,format=yuv420p[a];color=c=blue:s=160x90:r=30:d=2[b];" +
  "color=c=green:s=160x90:r=30:d=2[c];[a][b][c]concat=n=3";

Deno.test("e2e: a trim of a transport stream (no index of keyframes) starts where asked, its pictures with their sound", async () => {
  // Before: `-ss` landed past the keyframe: a trim from 1 s lost the red second (its pictures 1 s ahead of their
  // sound, 4 s of pictures over 5 s of sound), and one from 4.5 s failed, "less than one frame".
  const dir = await tempDir("reel-ts-trim-");
  const ffmpeg = await findFfmpeg();
  await runFfmpeg(ffmpeg, [
    ...["-f", "lavfi", "-i", BANDS_6S],
    ...["-f", "lavfi", "-i", "aevalsrc='if(between(t,2,4),sin(2*PI*440*t),0)':d=6:s=48000"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0"],
    ...["-c:a", "aac", "-f", "mpegts", `${dir}/bands.ts`],
  ]);
  const recipes = [
    { name: "cut", trim: { start: 1 } },
    { name: "window", trim: { start: 2.5, duration: 2 } },
    { name: "late", trim: { start: 4.5 } },
    // A new speed or rate picks its frames before the end (review: 70 frames where 60 were due, at half speed).
    { name: "slow", trim: { start: 3.5, duration: 1 }, speed: 0.5 },
    { name: "rate", trim: { start: 1, duration: 2 }, fps: 24 },
  ];
  await renderRecipes(dir, "bands.ts", recipes);
  const [red, blue, green] = ["#ff0000", "#0000ff", "#008000"].map(hexToRgb);
  // Each output's length and frames, its colours (at seconds), and where its tone sounds and does not. The stream's
  // pictures start and end 21 ms after its sound: an output to its end holds its last picture to there, on the
  // frame grid (151 frames from 1 s, 46 from 4.5 s; 150 and 45 before, that picture shown one frame).
  const outputs = [
    ["cut", 5, 151, [[0.1, red], [0.9, red], [1.1, blue], [2.9, blue], [3.1, green]], [1.1, 2.9], [
      [0.1, 0.9],
      [
        3.1,
        4.9,
      ],
    ]],
    ["window", 2, 60, [[0.1, blue], [1.4, blue], [1.6, green]], [0.1, 1.4], [[1.6, 1.9]]],
    ["late", 1.5, 46, [[0.1, green], [1.4, green]], null, [[0.1, 1.4]]],
    ["slow", 2, 60, [[0.1, blue], [0.9, blue], [1.1, green], [1.9, green]], [0.1, 0.9], [[1.1, 1.9]]],
    ["rate", 2, 48, [[0.1, red], [0.9, red], [1.1, blue], [1.9, blue]], [1.1, 1.9], [[0.1, 0.9]]],
  ] as const;
  for (const [name, length, frames, colours, tone, silences] of outputs) {
    const file = `${dir}/out/bands.${name}.mp4`;
    const facts = await deliveryFacts(file);
    assert.equal(facts.frames, frames, name);
    assert.ok(
      Math.abs(facts.videoDuration - length) <= 1 / 30 + 1e-3,
      `${name}: video ${facts.videoDuration} s`,
    );
    assert.ok(Math.abs(facts.audioDuration - length) <= 0.03, `${name}: audio ${facts.audioDuration} s`);
    for (const [at, colour] of colours) {
      const pixel = await pixelAt(file, at, 80, 45);
      assert.ok(colourDistance(pixel, colour!) <= 40, `${name} @${at} s: ${pixel} vs ${colour}`);
    }
    const samples = await decodeMono(file);
    if (tone !== null) assert.ok(levelDb(samples, tone[0], tone[1]) > -30, `${name}: the tone with the blue`);
    for (const [from, to] of silences) {
      assert.ok(levelDb(samples, from, to) < -50, `${name}: silent ${from}–${to} s`);
    }
  }
});

Deno.test("e2e: overlay text too wide for the frame is drawn smaller, whole inside its margins", async () => {
  // Before: drawn at its size and cut at the frame's edge ("START this overla"), exit 0.
  const dir = await tempDir("reel-overlay-fit-");
  await makeBandsVideo(`${dir}/black.mp4`, { seconds: 1, height: 90, bands: [["#000000", 160]] });
  // About 270 px wide at its size (18 px), 10 px high to fit in 152 (the frame less its margins).
  const text = "This overlay text is too wide";
  await renderRecipes(dir, "black.mp4", [
    { name: "long", overlay: { text, position: "top-left", size: 0.2, color: "#ffffff" } },
  ]);
  const frame = await frameAt(`${dir}/out/black.long.mp4`, 0.5);
  const width = 160;
  const lit = new Set<number>();
  for (let i = 0; i + 2 < frame.length; i += 3) {
    if (frame[i]! + frame[i + 1]! + frame[i + 2]! > 3 * 128) lit.add((i / 3) % width);
  }
  assert.ok(lit.size > 0, "the text is drawn");
  const [left, right] = [Math.min(...lit), Math.max(...lit)];
  // Its margins are 4% of the shorter side: 4 px.
  assert.ok(left >= 3 && right <= width - 4, `text from x=${left} to x=${right} of ${width}`);
  // Too long even at 8 px: drawn, cut, and said.
  await Deno.writeTextFile(
    `${dir}/huge.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({
        variants: [{
          inputs: ["black.mp4"],
          recipes: [{
            name: "huge",
            overlay: { text: "START this overlay text is far too long to fit END" },
          }],
        }],
      })
    });\n`,
  );
  const huge = await runCli(["render", `${dir}/huge.ts`, "--out", `${dir}/out`]);
  assert.equal(huge.code, 0, huge.stderr);
  assert.match(
    huge.stderr,
    /⚠ [^\n]*its overlay text is too long for a frame 160 px wide even at 8 px: it is cut at the edges/,
  );
});

Deno.test("e2e: Hebrew overlay text is drawn right to left, its closing dots at the left end", async () => {
  // Before: drawtext set it as left-to-right text, the dots at the right end.
  const dir = await tempDir("reel-overlay-rtl-");
  await makeBandsVideo(`${dir}/black.mp4`, { seconds: 1, height: 90, bands: [["#000000", 320]] });
  // Letters none of which reach below the line, then dots: where the dots are, the ink starts low.
  const text = "אוויר חם........";
  await renderRecipes(dir, "black.mp4", [
    { name: "he", overlay: { text, position: "center", size: 0.25, color: "#ffffff" } },
  ]);
  const frame = await frameAt(`${dir}/out/black.he.mp4`, 0.5);
  const lit = (x: number, y: number) => frame[(y * 320 + x) * 3 + 1]! > 128;
  const ends = inkStartAtEnds(lit, { x: 0, y: 0, width: 320, height: 90 });
  assert.ok(ends.left > 0.6 && ends.right < 0.4, JSON.stringify(ends));
});

Deno.test("e2e: a format's fit that enlarges the input's pictures more than twice is said; less is not", async () => {
  // nt21: a 160×120 clip made 1080×1080 by `square` without a word.
  const dir = await tempDir("reel-upscaled-fit-");
  await makeBandsVideo(`${dir}/small.mp4`, { seconds: 1, height: 90, bands: [["#336699", 160]] });
  const recipes = [
    { name: "big", format: "540x540", fit: "crop" },
    { name: "pad", format: "540x540", fit: "pad" },
    { name: "near", format: "160x160", fit: "crop" },
  ];
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow } from "${MOD_URL}";\n` +
      `export default workflow(${JSON.stringify({ variants: [{ inputs: ["small.mp4"], recipes }] })});\n`,
  );
  const { code, stderr } = await runCli(["render", `${dir}/workflow.ts`, "--out", `${dir}/out`]);
  assert.equal(code, 0, stderr);
  const warned = stderr.split("\n").filter((line) => line.startsWith("⚠")).sort();
  assert.deepEqual(warned, [
    "⚠ variants/small/big: the input's pictures (160×90) are scaled up 6.0× to fill 540×540: no sharper than " +
    "the input",
    "⚠ variants/small/pad: the input's pictures (160×90) are scaled up 3.4× to fit 540×540: no sharper than " +
    "the input",
  ]);
});

Deno.test("e2e: a rendition taller than the input's pictures is made as asked, and the run says it is scaled up", async () => {
  // Before: a 90-px input's 180p rung was written without a word (a ladder's 1080p of a phone's small clip).
  const dir = await tempDir("reel-upscaled-rendition-");
  await makeBandsVideo(`${dir}/small.mp4`, { seconds: 1, height: 90, bands: [["#336699", 160]] });
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow } from "${MOD_URL}";\nexport default workflow(${
      JSON.stringify({
        variants: [{
          inputs: ["small.mp4"],
          recipes: [{
            name: "rungs",
            renditions: [{ height: 180, bitrate: "300k" }, { height: 90, bitrate: "150k" }],
          }],
        }],
      })
    });\n`,
  );
  const { code, stderr } = await runCli(["render", `${dir}/workflow.ts`, "--out", `${dir}/out`]);
  assert.equal(code, 0, stderr);
  const warned = stderr.split("\n").filter((line) => line.startsWith("⚠"));
  assert.deepEqual(warned, [
    "⚠ variants/small/rungs@180p: its 180p rendition is taller than the input's pictures (90 px high): they are " +
    "scaled up, no sharper than the input",
  ]);
  // Each rung's manifest says its bitrate, and no quality (a bitrate rules it).
  const rung = JSON.parse(await Deno.readTextFile(`${dir}/out/small.rungs.180p.json`));
  assert.deepEqual([rung.encoder.crf, rung.encoder.bitrate], [null, 300_000]);
  const tall = await probe(`${dir}/out/small.rungs.180p.mp4`);
  assert.deepEqual(
    tall.streams.filter((stream) => stream.type === "video").map((s) => [s.width, s.height]),
    [[320, 180]],
  );
});
