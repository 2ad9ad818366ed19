import assert from "node:assert/strict";
import { findFfmpeg } from "../../../../../lib/media/ffmpeg.ts";
import { espeakEngine } from "../../../../../lib/providers/local/speech/espeak_engine.ts";
import { runProcess } from "../../../../../lib/media/run_process.ts";
import { defineEngineContract } from "./_engine_contract.ts";
import { findChildren, lessonText } from "./_speech_test_helpers.ts";
import { makeTempFolder } from "../../../../_support/temp_dir.ts";
import { speakWithEspeak } from "../../../../_support/espeak_speech_run.ts";

defineEngineContract(espeakEngine, { voice: "en-us", longWords: 4000, program: "espeak-ng" });

Deno.test("espeakEngine.synthesize() reads text with quotes, dashes and newlines from stdin", async () => {
  await using folder = await makeTempFolder();
  const outPath = `${folder.path}/quoted.wav`;
  const text = `-v "it's" $HOME; \`echo\` --help\nSecond line: 'done'.`;
  await espeakEngine.synthesize({ text, voice: "en-us", rate: 165 }, { ffmpeg: await findFfmpeg(), outPath });
  assert.ok((await Deno.stat(outPath)).size > 10_000);
});

Deno.test("espeakEngine.synthesize() throws MissingBinaryError when REEL_ESPEAK names no program", async () => {
  await using folder = await makeTempFolder();
  const { value, error } = await speakWithEspeak(`${folder.path}/no-espeak`, folder.path);
  assert.equal(value, null);
  assert.equal(error?.name, "MissingBinaryError");
  assert.match(error?.hint ?? "", /apt-get install espeak-ng/);
  await assert.rejects(Deno.stat(`${folder.path}/speech.wav`), Deno.errors.NotFound);
});

Deno.test("espeakEngine.synthesize() stops espeak-ng at a voice it does not know, leaving no file", async () => {
  // rv22: the voice is checked while espeak-ng speaks; a long text was spoken whole and its WAV left behind. This
  // espeak-ng lists the real voices, and speaks for 30 s before it says it has finished: stopped, it never says so.
  await using folder = await makeTempFolder();
  const said = `${folder.path}/spoke`;
  const program = `${folder.path}/espeak-ng`;
  // It waits by a bash builtin (a read from a FIFO nobody writes), with no child of its own to hold its output open.
  await Deno.writeTextFile(
    program,
    `#!/bin/bash\ncase "$*" in *--voices*) exec espeak-ng "$@";; esac\n` +
      `mkfifo "${folder.path}/never"\nexec 3<>"${folder.path}/never"\nread -t 30 -u 3\necho spoke > "${said}"\n`,
  );
  await Deno.chmod(program, 0o755);
  const { error } = await speakWithEspeak(program, folder.path, { voice: "en-us+nosuchvariant" });
  assert.equal(error?.name, "UnknownVoiceError");
  assert.match(error?.message ?? "", /no variant "nosuchvariant"/);
  await assert.rejects(Deno.stat(`${folder.path}/speech.wav`), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(said), Deno.errors.NotFound);
});

Deno.test("espeakEngine.synthesize() leaves a file it never wrote to, at a voice it does not know", async () => {
  // The first clean clone: `bench:voices` tries each voice into one temporary file it removes at the end, and the
  // engine had removed it.
  await using folder = await makeTempFolder();
  const outPath = `${folder.path}/mine.wav`;
  await Deno.writeTextFile(outPath, "mine");
  await assert.rejects(
    espeakEngine.synthesize({ text: "Hello.", voice: "xx-nosuchvoice", rate: 165 }, {
      ffmpeg: await findFfmpeg(),
      outPath,
    }),
    (error: Error) => error.name === "UnknownVoiceError",
  );
  assert.equal(await Deno.readTextFile(outPath), "mine");
});

Deno.test("espeakEngine.synthesize() fails naming the file when the disk is full, where espeak-ng's -w exits 0", async () => {
  // /dev/full answers every write "No space left on device": `espeak-ng -w /dev/full` says nothing and exits 0,
  // and on a full disk its file, cut short, failed later as "Not a WAV file" or a narration of 0.09 s.
  await assert.rejects(
    espeakEngine.synthesize({ text: "Hello and welcome.", voice: "en-us", rate: 159 }, {
      ffmpeg: await findFfmpeg(),
      outPath: "/dev/full",
    }),
    (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.message, "Cannot write /dev/full: No space left on device (os error 28)");
      assert.equal((error.cause as { code?: string }).code, "ENOSPC");
      return true;
    },
  );
  // Told from other tests' espeak-ng by its rate.
  assert.deepEqual(await findChildren("espeak-ng", ["-s 159 "]), []);
});

Deno.test("espeakEngine.synthesize() writes the bytes espeak-ng -w writes, so stored speech keeps its keys", async () => {
  await using folder = await makeTempFolder();
  const ffmpeg = await findFfmpeg();
  const requests = [
    { text: "A", voice: "en-us", rate: 165 },
    { text: "...", voice: "en-us", rate: 165 },
    { text: "The sun warms the surface of seas, lakes and rivers.", voice: "en-gb", rate: 120 },
    { text: "Numbers 1, 2 and 1999!\nSecond line: 'quoted'.", voice: "en-us+f3", rate: 300 },
    { text: lessonText(300), voice: "fr", rate: 180 },
  ];
  for (const [index, request] of requests.entries()) {
    const ours = `${folder.path}/${index}.wav`;
    const theirs = `${folder.path}/${index}-w.wav`;
    await espeakEngine.synthesize(request, { ffmpeg, outPath: ours });
    await runProcess(
      "espeak-ng",
      ["-b", "1", "-v", request.voice, "-s", String(request.rate), "-w", theirs],
      {
        stdin: new TextEncoder().encode(request.text),
      },
    );
    const [made, written] = [await Deno.readFile(ours), await Deno.readFile(theirs)];
    assert.ok(written.length > 10_000, `${index}: ${written.length} bytes`);
    assert.equal(new DataView(made.buffer).getUint32(40, true), made.length - 44, `${index}: data size`);
    assert.ok(made.length === written.length && made.every((byte, at) => byte === written[at]), `${index}`);
  }
});
