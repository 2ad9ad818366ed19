/** `transcribe` on bad input: a clear message naming the recording or the option, exit 2, nothing written. */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { listFolder, runCli } from "../_support/cli.ts";
import { garbleMp4 } from "../_support/garbled_mp4.ts";
import { probe } from "../_support/media.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { HAS_POCKETSPHINX } from "../_support/transcription.ts";

const dir = await tempDir("reel-transcribe-bad-");
await runFfmpeg(await findFfmpeg(), [
  "-f",
  "lavfi",
  "-i",
  "color=c=red:s=32x32:r=1",
  "-t",
  "1",
  `${dir}/silent.mp4`,
]);
await Deno.writeTextFile(`${dir}/notes.mp3`, "not audio at all");
await Deno.writeTextFile(`${dir}/zero.mp3`, "");
await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=d=1", `${dir}/tone.wav`]);

async function refused(args: string[], message: RegExp): Promise<void> {
  const out = `${dir}/out-${crypto.randomUUID()}`;
  const run = await runCli(["transcribe", ...args, "--out", out, "--cache", `${out}-cache`], { cwd: dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  assert.equal(await listFolder(out), null, "nothing written");
  assert.equal(await listFolder(`${out}-cache`), null, "no store made");
}

Deno.test("transcribe refuses a recording that is not there, naming it", async () => {
  await refused(
    ["missing.mp3"],
    /✖ Recording not found: .*missing\.mp3\n {2}→ at missing\.mp3 \(the command line\)/,
  );
  // nt8: with --json, nothing on stdout (render writes its refusal as a line of its events).
  const json = await runCli(["transcribe", "missing.mp3", "--json", "--out", `${dir}/out-json`], {
    cwd: dir,
  });
  assert.equal(json.code, 2);
  const refusal = JSON.parse(json.stdout);
  assert.match(refusal.issues[0].message, /^Recording not found: .*missing\.mp3$/);
  // rv13: "Invalid workflow the command line: …".
  assert.match(refusal.message, /^Invalid arguments: missing\.mp3: Recording not found: /);
  // fi10: links that loop stopped the command with Deno's FilesystemLoop and its stack, exit 1.
  await Deno.symlink("loop-b.wav", `${dir}/loop-a.wav`);
  await Deno.symlink("loop-a.wav", `${dir}/loop-b.wav`);
  await refused(
    ["loop-a.wav"],
    /✖ Cannot read the recording: its links loop: .*loop-a\.wav\n {2}→ at loop-a\.wav/,
  );
  // fi22: a name too long stopped it with Deno's words and its trace, exit 1.
  await refused(
    [`${"a".repeat(300)}.wav`],
    /✖ Cannot read the recording: its name is too long: .*a{300}\.wav\n/,
  );
});

Deno.test("transcribe refuses a folder this user may not list, naming it (before: Deno's trace)", async () => {
  const folder = `${dir}/locked-${crypto.randomUUID()}`;
  await Deno.mkdir(folder);
  await Deno.copyFile(`${dir}/tone.wav`, `${folder}/tone.wav`);
  await Deno.chmod(folder, 0o000);
  const out = `${dir}/out-${crypto.randomUUID()}`;
  const run = await runCli(["transcribe", folder, "--out", out, "--cache", `${out}-cache`], {
    cwd: dir,
    withoutRootRights: true,
  });
  await Deno.chmod(folder, 0o755);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^✖ Cannot list the folder .*locked-[^:]*: permission denied\n/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  assert.equal(await listFolder(out), null, "nothing written");
});

Deno.test({
  name: "transcribe refuses a file that is not media, and a video without sound",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    // Its place is said too (before, only the file): the argument (before, the field of reel's own workflow for
    // the command line, `transcribe[0].input`).
    // Text named as a recording is said as text, as variants and montages say it (before: ffprobe's words; for an
    // .mp4, "it has no index (its moov box): it is cut short").
    await refused(
      ["notes.mp3"],
      /✖ .*notes\.mp3 holds text, not media\n {2}→ at \S*notes\.mp3 \(the command line\)\n/,
    );
    await Deno.writeFile(`${dir}/junk.mp3`, new Uint8Array(4096).map((_, i) => (i * 151 + 7) & 255));
    await refused(
      ["junk.mp3"],
      /✖ Cannot read .*junk\.mp3 as audio or video[^\n]*\n {2}→ at \S*junk\.mp3 \(the command line\)\n/,
    );
    await refused(
      ["tone.wav", "silent.mp4"],
      /✖ No audio stream in .*silent\.mp4\n {2}→ at \S*silent\.mp4 \(the command line\)\n {2}Give a recording with sound/,
    );
    // Before: ffprobe's "Failed to read frame size: Could not seek to 1026".
    await refused(["zero.mp3"], /✖ .*zero\.mp3 is empty \(0 bytes\)\n/);
    // nt8: "Cannot read red.png as audio or video: ffprobe found no duration"; a BMP was still told in ffprobe's
    // words, where a montage's audio said "a still image".
    for (const format of ["png", "bmp"]) {
      const picture = `${dir}/red.${format}`;
      await runFfmpeg(await findFfmpeg(), [
        "-f",
        "lavfi",
        "-i",
        "color=c=red:s=16x16",
        "-frames:v",
        "1",
        picture,
      ]);
      await refused(
        [`red.${format}`],
        new RegExp(
          String
            .raw`✖ .*red\.${format} is a still image \(${format}\), not a recording\n {2}→ at \S*red\.${format}`,
        ),
      );
    }
    // The recordings are checked a few at once: each that fails is said, in the order given, though the empty file
    // after the first fails sooner (fi10: the first alone).
    await refused(
      ["silent.mp4", "tone.wav", "zero.mp3", "notes.mp3"],
      new RegExp([
        String.raw`✖ No audio stream in [^\n]*silent\.mp4\n {2}→ at \S*silent\.mp4 \(the command line\)\n`,
        String.raw`✖ [^\n]*zero\.mp3 is empty[^]*→ at \S*zero\.mp3`,
        String.raw`✖ [^\n]*notes\.mp3 holds text, not media\n {2}→ at \S*notes\.mp3`,
      ].join("[^]*")),
    );
  },
});

Deno.test("transcribe refuses options it cannot honour, naming them", async () => {
  await refused(["tone.wav", "--engine", "whisper"], /✖ --engine whisper needs --base-url/);
  // nt14: a misspelt engine was sent off to set up a server.
  await refused(
    ["tone.wav", "--engine", "pocketsphynx"],
    /✖ --engine pocketsphynx is no engine of reel's \(did you mean "pocketsphinx"\?\)/,
  );
  // A server's key variable named and not set: said in the options' words (rv11: "providers.whisper.keyEnv").
  await refused(
    [
      "tone.wav",
      "--engine",
      "whisper",
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--key-env",
      "REEL_TEST_UNSET_KEY",
    ],
    new RegExp(
      String.raw`REEL_TEST_UNSET_KEY \(its --key-env\) and REEL_TEST_UNSET_KEY is not set\n {2}` +
        String.raw`→ at --key-env \(the command line\)\n.*leave out the --key-env`,
    ),
  );
  // Before: "→ at providers.whisper.baseUrl (the command line)", a field the user never wrote.
  await refused(
    ["tone.wav", "--engine", "whisper", "--base-url", "ftp://x"],
    /✖ Expected an http:\/\/ or https:\/\/ URL[^\n]*\n {2}→ at --base-url \(the command line\)/,
  );
  // Before: accepted and dropped, exit 0.
  for (
    const option of [["--rpm", "10"], ["--concurrency", "3"], ["--key-env", "FOO"], [
      "--base-url",
      "http://x/v1",
    ]]
  ) {
    await refused(
      ["tone.wav", ...option],
      new RegExp(
        `✖ ${option[0]} is for a server's engine; pocketsphinx runs on this machine\n`,
      ),
    );
  }
  await refused(["tone.wav", "--language", "de"], /pocketsphinx knows English only.*\n {2}→ at --language/);
  await refused(
    ["tone.wav", "--chunk", "10", "--context", "5"],
    /The context \(5 s\) must be under half a chunk/,
  );
  await refused(
    ["tone.wav", "--chunk", "ten"],
    /✖ Option '--chunk <seconds>' argument 'ten' is invalid/,
  );
  // A negative number is told by the option's bounds (before: "Expected a number of seconds", which -5 is).
  await refused(
    ["tone.wav", "--chunk", "-5"],
    /✖ A chunk must be at least 5 seconds, got -5\n {2}→ at --chunk/,
  );
  // An overlap of 0 lost a word a hard cut split, without a word said.
  for (const overlap of ["-1", "0", "0.5"]) {
    await refused(
      ["tone.wav", "--overlap", overlap],
      new RegExp(
        `✖ A word a cut splits can be lost: an overlap must be at least 1 second, got ${overlap}\\n {2}→ at --overlap`,
      ),
    );
  }
});

Deno.test({
  name:
    "transcribe refuses a cut WAV before it runs, and a cut MP4 whose index says more than decodes, or one none of whose sound decodes",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    // Before: transcripts of the part that was there, or empty ones, exit 0.
    const tone = await Deno.readFile(`${dir}/tone.wav`);
    await Deno.writeFile(`${dir}/cut.wav`, tone.subarray(0, Math.floor(tone.length * 0.3)));
    await refused(
      ["cut.wav"],
      /✖ .*cut\.wav is cut short: its WAV header says 1\.00 s of sound, the file holds 0\.\d\d s \(a partial download/,
    );
    // An MP4 with its index first: ffprobe reads the whole length from it, ffmpeg decodes what is there.
    await runFfmpeg(await findFfmpeg(), [
      "-f",
      "lavfi",
      "-i",
      "sine=f=440:d=3",
      "-c:a",
      "aac",
      "-movflags",
      "+faststart",
      `${dir}/whole.mp4`,
    ]);
    const whole = await Deno.readFile(`${dir}/whole.mp4`);
    await Deno.writeFile(`${dir}/cut.mp4`, whole.subarray(0, Math.floor(whole.length * 0.5)));
    const out = `${dir}/out-cut-mp4`;
    const run = await runCli(["transcribe", "cut.mp4", "--out", out, "--cache", `${out}-cache`], {
      cwd: dir,
    });
    // Refused before any step (before: its decode failed, exit 1, a report written).
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /cut\.mp4 is cut short: its data ends before its index says \(a partial download/,
    );
    assert.equal(await listFolder(out), null, "no transcript of a part");
    // A WebM's too (before: a transcript of its first half, exit 0).
    await runFfmpeg(await findFfmpeg(), [
      "-f",
      "lavfi",
      "-i",
      "sine=f=440:d=3:sample_rate=48000",
      "-c:a",
      "libopus",
      `${dir}/whole.webm`,
    ]);
    const webm = await Deno.readFile(`${dir}/whole.webm`);
    await Deno.writeFile(`${dir}/cut.webm`, webm.subarray(0, Math.floor(webm.length * 0.5)));
    await refused(["cut.webm"], /✖ .*cut\.webm is cut short: its data ends before its header says/);
    // An MP3's, whose Xing header says its bytes (tx: before, half of one was transcribed, exit 0).
    await runFfmpeg(await findFfmpeg(), [
      "-f",
      "lavfi",
      "-i",
      "sine=d=3",
      "-c:a",
      "libmp3lame",
      `${dir}/whole.mp3`,
    ]);
    const mp3 = await Deno.readFile(`${dir}/whole.mp3`);
    await Deno.writeFile(`${dir}/cut.mp3`, mp3.subarray(0, Math.floor(mp3.length * 0.5)));
    await refused(
      ["cut.mp3"],
      /✖ .*cut\.mp3 is cut short: its MP3 header says \d+ bytes, the file holds/,
    );
    // Whole, its every AAC frame garbled: ffprobe reads it, nothing decodes (before: its decode step failed in
    // ffmpeg's words, exit 1, a report written).
    const garbled = whole.slice();
    const mdat = new TextDecoder("latin1").decode(garbled).indexOf("mdat");
    const end = mdat - 4 + new DataView(garbled.buffer).getUint32(mdat - 4);
    for (let k = mdat + 4; k < end; k++) garbled[k]! ^= 0x55;
    await Deno.writeFile(`${dir}/garbled.mp4`, garbled);
    await refused(
      ["garbled.mp4"],
      /✖ ffmpeg decodes no sound of .*garbled\.mp4: it is damaged, or of a kind this ffmpeg does not decode/,
    );
  },
});

Deno.test({
  name:
    "a folder where an output will be written stops the run before any step, naming it; before, the others were written, exit 1",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    const out = `${dir}/out-${crypto.randomUUID()}`;
    await Deno.mkdir(`${out}/tone.srt`, { recursive: true });
    const run = await runCli(["transcribe", "tone.wav", "--out", out, "--cache", `${out}-cache`], {
      cwd: dir,
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /✖ A folder is in the way of the output .*\/tone\.srt \(step tone\/srt\)\n.*--out/,
    );
    assert.deepEqual(await listFolder(out), ["tone.srt"], "nothing written beside it");
    assert.deepEqual(await listFolder(`${out}/tone.srt`), []);
  },
});

Deno.test({
  name: "a silent recording is transcribed to empty transcripts, and the run says no words were heard",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    // Before: empty transcripts, exit 0, nothing said (a silent file, or the wrong one, looked like a transcript).
    await runFfmpeg(await findFfmpeg(), [
      "-f",
      "lavfi",
      "-i",
      "anullsrc=r=16000:cl=mono",
      "-t",
      "2",
      `${dir}/hush.wav`,
    ]);
    const out = `${dir}/out-${crypto.randomUUID()}`;
    const run = await runCli(["transcribe", "hush.wav", "--out", out, "--cache", `${out}-cache`], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /⚠ hush\/merge: no words were heard \(is the recording silent\?\)/);
    assert.equal((await Deno.readTextFile(`${out}/hush.txt`)).trim(), "");
    // A recording with words says nothing of the kind.
    await new Deno.Command("espeak-ng", {
      args: ["-w", `${dir}/said.wav`, "the rain falls on the green hills"],
    })
      .output();
    const said = await runCli(["transcribe", "said.wav", "--out", out, "--cache", `${out}-cache`], {
      cwd: dir,
    });
    assert.equal(said.code, 0, said.stderr);
    assert.notEqual((await Deno.readTextFile(`${out}/said.txt`)).trim(), "");
    assert.doesNotMatch(said.stderr, /no words were heard/);
  },
});

Deno.test({
  name:
    "a recording damaged in its middle is transcribed, and the run warns, naming it; before, nothing was said",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    await new Deno.Command("espeak-ng", {
      args: [
        "-w",
        `${dir}/story.wav`,
        "the rain falls on the green hills and the river runs down to the sea",
      ],
    }).output();
    await runFfmpeg(await findFfmpeg(), [
      "-i",
      `${dir}/story.wav`,
      "-c:a",
      "aac",
      "-b:a",
      "64k",
      `${dir}/story.m4a`,
    ]);
    // Its middle third garbled: ffmpeg drops the packets there, goes on and exits 0.
    await garbleMp4(`${dir}/story.m4a`, { output: `${dir}/torn.m4a`, share: [1 / 3, 2 / 3] });
    const out = `${dir}/out-${crypto.randomUUID()}`;
    const run = await runCli(
      ["transcribe", "torn.m4a", "story.m4a", "--out", out, "--cache", `${out}-cache`],
      {
        cwd: dir,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stderr.split("\n").filter((line) => line.startsWith("⚠"));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(
      warnings[0]!,
      /^⚠ torn\/decode: \S*torn\.m4a is damaged: ffmpeg could not decode \d+ of its packets \(a broken download or copy\?\), and the transcript misses what they held$/,
    );
    assert.notEqual((await Deno.readTextFile(`${out}/torn.txt`)).trim(), "");
    assert.notEqual((await Deno.readTextFile(`${out}/story.txt`)).trim(), "");
  },
});

Deno.test({
  name: "a recording named twice is transcribed once",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    // Before: tone.* and tone-2.* from the same file.
    const out = `${dir}/out-${crypto.randomUUID()}`;
    const args = [
      "transcribe",
      "tone.wav",
      "./tone.wav",
      `${dir}/tone.wav`,
      "--out",
      out,
      "--cache",
      `${out}-cache`,
    ];
    const run = await runCli(args, { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await listFolder(out), ["report.html", "tone.json", "tone.srt", "tone.txt", "tone.vtt"]);
  },
});

Deno.test("an empty --out or --cache is refused before anything, exit 2; before, --out '' wrote into /", async () => {
  const here = await tempDir("reel-empty-out-");
  for (
    const args of [
      ["transcribe", `${dir}/tone.wav`, "--out", ""],
      ["transcribe", `${dir}/tone.wav`, "--cache", " "],
      ["render", "missing.ts", "--out", ""],
      ["variants", `${dir}/tone.wav`, "--out", ""],
    ]
  ) {
    const run = await runCli(args, { cwd: here });
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /✖ Option '(-o, --out|--cache) <dir>' argument '\s*' is invalid\. Expected a folder, not an empty name/,
    );
    assert.deepEqual(await listFolder(here), [], args.join(" "));
  }
});

Deno.test({
  name: "transcribe reads a recording whose container says no length (a WebM streamed, as browsers record)",
  ignore: !HAS_POCKETSPHINX,
  fn: async () => {
    // Before: refused, exit 2, "ffprobe found no duration" (tx). Written to a pipe, the WebM has no duration.
    const ffmpeg = await findFfmpeg();
    const spoken = `${dir}/spoken.wav`;
    await runFfmpeg(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      "flite=text='The tall doctor found the garden':voice=slt",
      spoken,
    ]);
    const streamed = await new Deno.Command(ffmpeg.ffmpeg, {
      args: ["-v", "error", "-i", spoken, "-c:a", "libopus", "-f", "webm", "-"],
      stdout: "piped",
    }).output();
    await Deno.writeFile(`${dir}/streamed.webm`, streamed.stdout);
    const out = `${dir}/out-webm`;
    const run = await runCli(["transcribe", "streamed.webm", "--out", out, "--cache", `${out}-cache`], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    const transcript = JSON.parse(await Deno.readTextFile(`${out}/streamed.json`)) as { duration: number };
    const { duration } = await probe(spoken);
    assert.ok(Math.abs(transcript.duration - duration) < 0.05, `${transcript.duration} s of ${duration} s`);
  },
});
