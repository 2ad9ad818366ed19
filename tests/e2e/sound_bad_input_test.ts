/** Bad sound fields: a clear message naming the field, exit 2, nothing written. */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { type CliResult, listFolder, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";

function assertCleanInputError(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.ok(result.stderr.trimStart().startsWith("✖"), result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, "no stack trace");
}

/** Renders a lesson with `fields` from a workflow file in a new folder; returns the result and the folder. */
async function renderWith(fields: Record<string, unknown>, files: Record<string, string> = {}) {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
  const lesson = {
    formats: ["320x180"],
    videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }] }],
  };
  await Deno.writeTextFile(`${dir}/lesson.json`, JSON.stringify({ ...lesson, ...fields }));
  const result = await runCli(["render", `${dir}/lesson.json`, "--out", `${dir}/out`]);
  return { result, dir };
}

Deno.test("bad input: a music file that is missing, not audio or a folder is named at music.file, exit 2, nothing written", async () => {
  const missing = await renderWith({ music: { file: "gone.mp3" } });
  assertCleanInputError(missing.result, /✖ Music file not found: .*\/gone\.mp3\n {2}→ at music\.file[ ,]/);
  assert.equal(await listFolder(`${missing.dir}/out`), null);

  const text = await renderWith({ music: { file: "notes.mp3" } }, { "notes.mp3": "<html>not music</html>" });
  assertCleanInputError(
    text.result,
    /✖ Not an audio file \(WAV, MP3, Ogg, FLAC, AAC or M4A\): .*\/notes\.mp3/,
  );
  assert.match(text.result.stderr, /→ at music\.file[ ,]/);
  assert.equal(await listFolder(`${text.dir}/out`), null);

  const folder = await renderWith({
    videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }], music: { file: "." } }],
  });
  assertCleanInputError(
    folder.result,
    /✖ Expected a music file, got a folder: .*\n {2}→ at videos\[0\]\.music\.file/,
  );
  assert.equal(await listFolder(`${folder.dir}/out`), null);

  const none = await renderWith({ music: { volume: 0.5 } });
  assertCleanInputError(none.result, /✖ Music needs a file\n {2}→ at music\.file[ ,]/);
});

Deno.test("bad input: music with no audio stream (a silent video) is named at its music.file before any step, exit 2, nothing written", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    "testsrc=s=64x36:d=1",
    "-pix_fmt",
    "yuv420p",
    `${dir}/silent.mp4`,
  ]);
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=1", `${dir}/song.wav`]);
  const lesson = (fields: Record<string, unknown>) => ({
    formats: ["320x180"],
    videos: [
      { id: "a", sections: [{ title: "T", narration: "Hi." }] },
      { id: "b", sections: [{ title: "T", narration: "Hi." }], music: { file: "song.wav" } },
    ],
    ...fields,
  });
  for (
    const [fields, where] of [
      [{ music: "silent.mp4" }, /→ at music\.file[ ,]/],
      [
        { music: "song.wav", videos: [{ ...lesson({}).videos[0], music: "silent.mp4" }] },
        /→ at videos\[0\]\.music\.file/,
      ],
    ] as const
  ) {
    await Deno.writeTextFile(`${dir}/lesson.json`, JSON.stringify(lesson(fields)));
    const result = await runCli(["render", `${dir}/lesson.json`, "--out", `${dir}/out`]);
    assertCleanInputError(result, /✖ No audio stream in .*\/silent\.mp4\n/);
    assert.match(result.stderr, where);
    assert.equal(await listFolder(`${dir}/out`), null);
  }
});

Deno.test("bad input: music none of whose sound decodes is named at music.file before any step, exit 2, nothing written", async () => {
  // Before: it probed well, and looped under the narration it gave no sound ever: the narration's ffmpeg spun at full
  // CPU until the step's timeout.
  const dir = await tempDir();
  await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", `${dir}/song.m4a`]);
  const song = (await Deno.readFile(`${dir}/song.m4a`)).slice();
  const mdat = new TextDecoder("latin1").decode(song).indexOf("mdat");
  const end = mdat - 4 + new DataView(song.buffer).getUint32(mdat - 4);
  for (let k = mdat + 4; k < end; k++) song[k]! ^= 0x55;
  await Deno.writeFile(`${dir}/damaged.m4a`, song);
  await Deno.writeTextFile(
    `${dir}/lesson.json`,
    JSON.stringify({
      formats: ["320x180"],
      music: "damaged.m4a",
      videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }] }],
    }),
  );
  const result = await runCli(["render", `${dir}/lesson.json`, "--out", `${dir}/out`]);
  assertCleanInputError(
    result,
    /✖ ffmpeg decodes no sound of .*\/damaged\.m4a: it is damaged, or of a kind this ffmpeg does not decode/,
  );
  assert.match(result.stderr, /→ at music\.file[ ,]/);
  assert.equal(await listFolder(`${dir}/out`), null);
});

Deno.test("bad input: WAV music cut short (its header claims more sound than it holds) is named at music.file, exit 2", async () => {
  // Before: accepted, its part looped as if whole (a cut MP3 or M4A was refused).
  const dir = await tempDir();
  await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=r=48000:d=5", `${dir}/whole.wav`]);
  await Deno.writeFile(`${dir}/cut.wav`, (await Deno.readFile(`${dir}/whole.wav`)).subarray(0, 200_000));
  const lesson = (music: string) => ({
    formats: ["320x180"],
    music,
    videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }] }],
  });
  await Deno.writeTextFile(`${dir}/lesson.json`, JSON.stringify(lesson("cut.wav")));
  const result = await runCli(["render", `${dir}/lesson.json`, "--out", `${dir}/out`]);
  assertCleanInputError(
    result,
    /✖ .*\/cut\.wav is cut short: its WAV header says 5\.00 s of sound, the file holds 2\.08 s \(a partial download/,
  );
  assert.match(result.stderr, /→ at music\.file[ ,]/);
  assert.equal(await listFolder(`${dir}/out`), null);
  await Deno.writeTextFile(`${dir}/lesson.json`, JSON.stringify(lesson("whole.wav")));
  const whole = await runCli(["render", `${dir}/lesson.json`, "--out", `${dir}/out`]);
  assert.equal(whole.code, 0, whole.stderr);
});

Deno.test("bad input: a music volume or duck, or a loudness target or ceiling out of range, is named at its field, exit 2", async () => {
  for (
    const [fields, message] of [
      [
        { music: { file: "m.wav", volume: 0 } },
        /✖ Expected a volume above 0, at most 4, got 0\n {2}→ at music\.volume/,
      ],
      [{ music: { file: "m.wav", duck: 60 } }, /✖ Expected 0 to 40 dB, got 60\n {2}→ at music\.duck/],
      [
        { loudness: { target: 3 } },
        /✖ Expected a loudness from -50 to -5 LUFS, got 3\n {2}→ at loudness\.target/,
      ],
      // Louder than speech's peaks allow under the ceiling: before, reached -12 LUFS for -5 without a word.
      [
        { loudness: { target: -5, truePeak: -9 } },
        /✖ Expected a target of at most -19 LUFS under a true peak of -9 dBTP: speech's peaks stand 10 dB or more above its loudness\n {2}→ at loudness\.target/,
      ],
      [
        { loudness: { target: -10 } },
        /✖ Expected a target of at most -11\.5 LUFS under a true peak of -1\.5 dBTP/,
      ],
      // The ceiling alone, under the default target (-16).
      [
        { loudness: { truePeak: -9 } },
        /✖ Expected a true peak of at least -6 dBTP for the target of -16 LUFS[^\n]*\n {2}→ at loudness\.truePeak/,
      ],
      [
        { loudness: { truePeak: 2 } },
        /✖ Expected a true peak from -9 to 0 dBTP, got 2\n {2}→ at loudness\.truePeak/,
      ],
      [{ loudness: true }, /✖ Expected false or \{ target, truePeak \}\n {2}→ at loudness[ ,]/],
      // A wrong type inside the object form: before, "Invalid input" at music (the union's other forms failed too).
      [
        { music: { file: "m.wav", volume: "loud" } },
        /✖ Expected a number, got a string\n {2}→ at music\.volume/,
      ],
      [
        { videos: [{ id: "a", sections: [{ title: "T", narration: "Hi." }], music: { duck: "x" } }] },
        /✖ Expected a number, got a string\n {2}→ at videos\[0\]\.music\.duck/,
      ],
    ] as const
  ) {
    const { result, dir } = await renderWith(fields);
    assertCleanInputError(result, message);
    assert.deepEqual(await listFolder(dir), ["lesson.json"]);
  }
});

Deno.test("bad input: music that is a device, pictures that are a pipe or a link loop are named at their fields, exit 2, at once", async () => {
  // /dev/zero read whole filled the memory; a pipe waited for a writer forever; a loop threw a stack trace.
  const device = await renderWith({ music: { file: "/dev/zero" } });
  assertCleanInputError(
    device.result,
    /✖ Expected a music file, got a device, a pipe or a socket: \/dev\/zero\n {2}→ at music\.file[ ,]/,
  );
  assert.equal(await listFolder(`${device.dir}/out`), null);

  const dir = await tempDir();
  const fifo = `${dir}/pipe.png`;
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success, "mkfifo");
  await Deno.symlink(`${dir}/loop-b.png`, `${dir}/loop-a.png`);
  await Deno.symlink(`${dir}/loop-a.png`, `${dir}/loop-b.png`);
  const pictures = await renderWith({
    videos: [{
      id: "a",
      sections: [
        { title: "T", narration: "Hi.", background: { image: fifo } },
        { title: "U", narration: "Ho.", background: { image: `${dir}/loop-a.png` } },
      ],
    }],
  });
  assertCleanInputError(
    pictures.result,
    /✖ Expected an image file, got a device, a pipe or a socket: .*\/pipe\.png\n {2}→ at videos\[0\]\.sections\[0\]\.background\.image/,
  );
  assert.match(
    pictures.result.stderr,
    /✖ Cannot read the image file: its links loop: .*\/loop-a\.png\n {2}→ at videos\[0\]\.sections\[1\]\.background\.image/,
  );
  assert.equal(await listFolder(`${pictures.dir}/out`), null);
});
