/**
 * Programs that are there but broken: an ffmpeg, ffprobe or espeak-ng that exits with an error, cannot be executed,
 * or lists nothing, and a versions memo that is not reel's. Each stops the command before any step with one clear
 * message naming the program (or the variable), exit 2, nothing written.
 */
import assert from "node:assert/strict";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { type CliResult, listFolder, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { HAS_POCKETSPHINX } from "../_support/transcription.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

const LESSON = {
  formats: ["160x90"],
  voice: { provider: "espeak", voice: "en-us" },
  videos: [{ id: "v", sections: [{ title: "A", narration: "Hello there." }] }],
};

function assertStopped(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /Uncaught|\n\s+at .*:\d+:\d+/, "no stack trace");
}

async function programs(): Promise<{ failing: string; notProgram: string }> {
  const dir = await tempDir("reel-broken-");
  const failing = `${dir}/failing`;
  await Deno.writeTextFile(failing, "#!/bin/sh\necho 'something went wrong' >&2\nexit 1\n", { mode: 0o755 });
  const notProgram = `${dir}/not-a-program`;
  await Deno.writeTextFile(notProgram, "just some text\n", { mode: 0o755 });
  return { failing, notProgram };
}

Deno.test("a broken ffmpeg, ffprobe or espeak-ng stops render, plan and doctor with exit 2, naming the program", async () => {
  const { failing, notProgram } = await programs();
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const env = (name: string, path: string) => ({ [name]: path, REEL_PROGRAM_VERSIONS: "off" });
  assertStopped(
    await runCli(["render", file, "--out", out], { env: env("REEL_FFMPEG", failing) }),
    new RegExp(
      `✖ ffmpeg at ${failing} does not run: \`${failing} -version\` exited with code 1: something went wrong\n.*REEL_FFMPEG`,
    ),
  );
  assertStopped(
    await runCli(["plan", file], { env: env("REEL_FFPROBE", notProgram) }),
    new RegExp(`✖ ffprobe at ${notProgram} does not run: it cannot be executed .*\n.*REEL_FFPROBE`),
  );
  assertStopped(
    await runCli(["doctor"], { env: env("REEL_FFMPEG", failing) }),
    new RegExp(`✖ ffmpeg at ${failing} does not run`),
  );
  // A program that runs but is not ffmpeg (before: the render ran, and its narration failed without naming ffmpeg).
  assertStopped(
    await runCli(["render", file, "--out", out], { env: env("REEL_FFMPEG", "/bin/true") }),
    /✖ ffmpeg at \/bin\/true is not ffmpeg: `\/bin\/true -version` printed nothing\n.*REEL_FFMPEG/,
  );
  assertStopped(
    await runCli(["render", file, "--out", out], { env: env("REEL_ESPEAK", "/bin/true") }),
    /✖ espeak-ng at \/bin\/true is not espeak-ng: `\/bin\/true --version` printed "true .*\n.*REEL_ESPEAK/,
  );
  // An espeak-ng that answers its version and lists no voices is broken, not asked for a wrong voice.
  const voiceless = `${file.slice(0, file.lastIndexOf("/"))}/espeak-ng`;
  await Deno.writeTextFile(
    voiceless,
    `#!/bin/sh\n[ "$1" = --version ] && echo "eSpeak NG text-to-speech: 1.51  Data at: /nowhere"\nexit 0\n`,
    { mode: 0o755 },
  );
  assertStopped(
    await runCli(["render", file, "--out", out], { env: env("REEL_ESPEAK", voiceless) }),
    /✖ espeak-ng at .*\/espeak-ng lists no voices: it is broken, or not espeak-ng\n.*REEL_ESPEAK/,
  );
  assert.equal(await listFolder(out), null);
});

Deno.test("a program that hangs, or fails past its version, stops render, variants and transcribe with exit 2, naming it", async () => {
  // Before: one that hung (a wrapper whose child holds its output) held the command silently for good; an ffmpeg
  // whose -filters or -encoders failed, and a pocketsphinx without its model, ended in a stack trace, exit 1.
  const dir = await tempDir("reel-hung-");
  const script = async (name: string, body: string) => {
    await Deno.writeTextFile(`${dir}/${name}`, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return `${dir}/${name}`;
  };
  // Its child outlives it when it is killed, and holds its output: the wait must end at the time all the same. The
  // time is 5 s, not 1: a real ffmpeg's or espeak-ng's answer took over a second in a loaded test run (review).
  const hangs = await script("hangs", "sleep 30");
  const version = 'case "$*" in *-version*) exec ffmpeg "$@";; esac';
  const filtersFail = await script("filters-fail", `${version}\necho 'no filters here' >&2\nexit 1`);
  const encodersHang = await script(
    "encoders-hang",
    `${version}\ncase "$*" in *-encoders*) sleep 30;; esac\nexec ffmpeg "$@"`,
  );
  const noModel = await script("no-model", 'exec pocketsphinx_continuous -hmm /nonexistent/model "$@"');
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const out = `${dir}/out`;
  const env = (name: string, path: string) => ({
    [name]: path,
    REEL_PROGRAM_VERSIONS: "off",
    REEL_PROBE_TIMEOUT: "5",
  });
  assertStopped(
    await runCli(["render", file, "--out", out], { env: env("REEL_FFMPEG", hangs) }),
    new RegExp(`✖ ffmpeg at ${hangs} did not answer \`${hangs} -version\` in 5 s: it hangs\n.*REEL_FFMPEG`),
  );
  // The flite voice is looked for among ffmpeg's filters.
  const flite = await writeWorkflowFile(
    `export default workflow(${JSON.stringify({ ...LESSON, voice: { provider: "flite", voice: "slt" } })});`,
  );
  assertStopped(
    await runCli(["render", flite, "--out", out], { env: env("REEL_FFMPEG", filtersFail) }),
    new RegExp(
      `✖ ffmpeg at ${filtersFail} does not run: \`${filtersFail} -hide_banner -filters\` exited with code 1`,
    ),
  );
  await Deno.copyFile("workflows/media/sample.mp4", `${dir}/clip.mp4`);
  assertStopped(
    await runCli(["variants", `${dir}/clip.mp4`, "--recipe", "web", "--out", out], {
      env: env("REEL_FFMPEG", encodersHang),
    }),
    new RegExp(
      `✖ ffmpeg at ${encodersHang} did not answer \`${encodersHang} -hide_banner -encoders\` in 5 s`,
    ),
  );
  if (HAS_POCKETSPHINX) {
    await Deno.copyFile("workflows/media/sample.mp4", `${dir}/talk.mp4`);
    // transcribe asked ffprobe of its recordings before anything else, and waited on it for good (review).
    assertStopped(
      await runCli(["transcribe", `${dir}/talk.mp4`, "--out", out], { env: env("REEL_FFPROBE", hangs) }),
      new RegExp(`✖ ffprobe at ${hangs} did not answer \`${hangs} -version\` in 5 s: it hangs`),
    );
    assertStopped(
      await runCli(["transcribe", `${dir}/talk.mp4`, "--out", out], {
        env: env("REEL_POCKETSPHINX", noModel),
      }),
      /✖ pocketsphinx at .*no-model does not run: .*does not contain acoustic model definition[^\n]*\n.*REEL_POCKETSPHINX/,
    );
    // fi4: a program that prints anything and exits 0 was taken for pocketsphinx, and its silence blamed on the
    // recording ("no words were heard"), exit 0.
    const garbage = await script("garbage", "echo garbage");
    assertStopped(
      await runCli(["transcribe", `${dir}/talk.mp4`, "--out", out], {
        env: env("REEL_POCKETSPHINX", garbage),
      }),
      /✖ pocketsphinx at .*garbage is not pocketsphinx: .* printed "garbage"\n.*REEL_POCKETSPHINX/,
    );
  }
  assert.equal(await listFolder(out), null);
});

Deno.test("an ffprobe that prints what is not JSON stops render and transcribe with exit 2, naming it", async () => {
  // fi10: JSON's SyntaxError and its stack, exit 1, from the music's check, a montage's and transcribe's.
  const dir = await tempDir("reel-not-json-");
  const wrapper = `${dir}/ffprobe`;
  const { ffprobe } = await findFfmpeg();
  await Deno.writeTextFile(
    wrapper,
    `#!/bin/sh\ncase "$*" in *-version*) exec ${ffprobe} "$@";; esac\necho '<html>not json</html>'\n`,
    { mode: 0o755 },
  );
  const { ffmpeg } = await findFfmpeg();
  await new Deno.Command(ffmpeg, {
    args: ["-v", "error", "-f", "lavfi", "-i", "sine=d=1", `${dir}/tone.wav`],
  })
    .output();
  const file = await writeWorkflowFile(
    `export default workflow(${JSON.stringify({ ...LESSON, music: `${dir}/tone.wav` })});`,
  );
  const out = `${dir}/out`;
  const env = { REEL_FFPROBE: wrapper, REEL_PROGRAM_VERSIONS: "off" };
  const said = new RegExp(
    `✖ ffprobe at ${wrapper} is not ffprobe: .* printed "<html>not json</html>"\n.*REEL_FFPROBE`,
  );
  assertStopped(await runCli(["render", file, "--out", out], { env }), said);
  if (HAS_POCKETSPHINX) {
    assertStopped(await runCli(["transcribe", `${dir}/tone.wav`, "--out", out], { env }), said);
  }
  assert.equal(await listFolder(out), null);
});

Deno.test("REEL_LIBX264 naming no file or a file that is no libx264 stops the render and plan, exit 2; off is honoured", async () => {
  // Before: passed over for ffmpeg's encoder without a word, exit 0.
  const { notProgram } = await programs();
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  for (const library of ["/no/such/libx264.so.164", notProgram]) {
    for (const args of [["render", file, "--out", out], ["plan", file]]) {
      assertStopped(
        await runCli(args, { env: { REEL_LIBX264: library } }),
        new RegExp(`✖ REEL_LIBX264 names ${library}, which cannot encode the stills: .*\n.*set it to off`),
      );
    }
  }
  assert.equal(await listFolder(out), null);
  const off = await runCli(["plan", file], { env: { REEL_LIBX264: "off" } });
  assert.equal(off.code, 0, off.stderr);
});

Deno.test("REEL_PROGRAM_VERSIONS naming a file that is not reel's memo stops the render, the file untouched", async () => {
  const dir = await tempDir("reel-memo-");
  const notes = `${dir}/notes.txt`;
  await Deno.writeTextFile(notes, "my notes\n");
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(LESSON)});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  const result = await runCli(["render", file, "--out", out], { env: { REEL_PROGRAM_VERSIONS: notes } });
  assertStopped(result, new RegExp(`✖ REEL_PROGRAM_VERSIONS names ${notes}, which reel will not overwrite`));
  assert.equal(await Deno.readTextFile(notes), "my notes\n");
  assert.equal(await listFolder(out), null);
});

Deno.test("an ffmpeg without a filter the workflow needs stops render and transcribe before any step, naming the field; exit 2, nothing written", async () => {
  // Before: a lesson's burned captions or fades, or a transcription's split, failed mid-run at the step that used
  // the filter ("No such filter: 'subtitles'"), after the steps before it had run.
  const dir = await tempDir("reel-filters-");
  const { ffmpeg, ffprobe } = await findFfmpeg();
  const lacking = `${dir}/ffmpeg`;
  await Deno.writeTextFile(
    lacking,
    `#!/bin/sh\nif [ "$*" = "-hide_banner -filters" ]; then\n` +
      `  '${ffmpeg}' "$@" | grep -v -E ' (subtitles|xfade|silencedetect) '; exit 0\nfi\nexec '${ffmpeg}' "$@"\n`,
    { mode: 0o755 },
  );
  const env = { REEL_FFMPEG: lacking, REEL_FFPROBE: ffprobe };
  const captions = await writeWorkflowFile(
    `export default workflow(${JSON.stringify({ ...LESSON, captions: { burn: true } })});`,
  );
  const burned = await runCli(["render", captions, "--out", `${dir}/out`], { env });
  assertStopped(burned, /✖ This ffmpeg has no "subtitles" filter, which captions\.burn needs \(.*\.ts\)/);
  const faded = await writeWorkflowFile(
    `export default workflow(${JSON.stringify({ ...LESSON, transition: "fade" })});`,
  );
  assertStopped(
    await runCli(["render", faded, "--out", `${dir}/out`], { env }),
    /✖ This ffmpeg has no "xfade" filter, which transition needs/,
  );
  if (HAS_POCKETSPHINX) {
    const tone = new Deno.Command(ffmpeg, {
      args: ["-v", "error", "-f", "lavfi", "-i", "sine=d=1", `${dir}/tone.wav`],
    });
    assert.equal((await tone.output()).code, 0);
    assertStopped(
      await runCli(["transcribe", `${dir}/tone.wav`, "--out", `${dir}/out`], { env }),
      /✖ This ffmpeg has no "silencedetect" filter, which transcribe needs/,
    );
  }
  assert.deepEqual((await listFolder(`${dir}/out`)) ?? [], []);
});
