/**
 * The behaviour every speech engine shares, as a suite that each engine's test file runs.
 * @module
 */
import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import { findFfmpeg, probeMedia } from "../../../../../lib/media/ffmpeg.ts";
import type { SpeechEngine } from "../../../../../lib/providers/local/speech/speech_engine.ts";
import { findChildren, lessonText, readWavFormat } from "./_speech_test_helpers.ts";
import { makeTempFolder } from "../../../../_support/temp_dir.ts";

/** How to run the shared suite for one engine. */
export interface EngineContractOptions {
  /** A voice the engine knows. */
  voice: string;
  /** How many words keep the engine busy long enough to be aborted mid-synthesis (a second or more). */
  longWords: number;
  /** The program the engine runs (`espeak-ng`, `ffmpeg`), looked for among this process's children. */
  program: string;
}

/**
 * Registers the shared tests for `engine`.
 *
 * @param engine The engine under test.
 * @param options Its voice and how long a text keeps it busy.
 */
export function defineEngineContract(engine: SpeechEngine, options: EngineContractOptions): void {
  const { voice, longWords, program } = options;
  const name = `${engine.id}Engine.synthesize()`;
  const ffmpeg = findFfmpeg();

  Deno.test(`${name} writes a mono PCM WAV whose duration grows with the text`, async () => {
    await using folder = await makeTempFolder();
    const short = `${folder.path}/short.wav`;
    const long = `${folder.path}/long.wav`;
    await engine.synthesize({ text: "Welcome, everyone.", voice, rate: 165 }, {
      ffmpeg: await ffmpeg,
      outPath: short,
    });
    await engine.synthesize({ text: lessonText(30), voice, rate: 165 }, {
      ffmpeg: await ffmpeg,
      outPath: long,
    });
    for (const path of [short, long]) {
      const format = await readWavFormat(path);
      assert.equal(format.audioFormat, 1);
      assert.equal(format.channels, 1);
      assert.equal(format.bitsPerSample, 16);
    }
    const shortProbe = await probeMedia(await ffmpeg, short);
    const longProbe = await probeMedia(await ffmpeg, long);
    assert.deepEqual(shortProbe.streams.map((stream) => [stream.type, stream.codec]), [[
      "audio",
      "pcm_s16le",
    ]]);
    assert.ok(shortProbe.duration > 0.3, `3 words last ${shortProbe.duration} s`);
    assert.ok(
      longProbe.duration > shortProbe.duration * 3,
      `${longProbe.duration} s vs ${shortProbe.duration} s`,
    );
  });

  Deno.test(`${name} writes a shorter file at rate 300 than at rate 120`, async () => {
    await using folder = await makeTempFolder();
    const text = lessonText(20);
    const fast = `${folder.path}/fast.wav`;
    const slow = `${folder.path}/slow.wav`;
    await engine.synthesize({ text, voice, rate: 300 }, { ffmpeg: await ffmpeg, outPath: fast });
    await engine.synthesize({ text, voice, rate: 120 }, { ffmpeg: await ffmpeg, outPath: slow });
    const fastSeconds = (await probeMedia(await ffmpeg, fast)).duration;
    const slowSeconds = (await probeMedia(await ffmpeg, slow)).duration;
    assert.ok(fastSeconds < slowSeconds * 0.7, `rate 300: ${fastSeconds} s, rate 120: ${slowSeconds} s`);
  });

  Deno.test(`${name} writes the same bytes for the same request`, async () => {
    await using folder = await makeTempFolder();
    const request = { text: "Same text, same sound.", voice, rate: 180 };
    await engine.synthesize(request, { ffmpeg: await ffmpeg, outPath: `${folder.path}/a.wav` });
    await engine.synthesize(request, { ffmpeg: await ffmpeg, outPath: `${folder.path}/b.wav` });
    assert.deepEqual(
      await Deno.readFile(`${folder.path}/a.wav`),
      await Deno.readFile(`${folder.path}/b.wav`),
    );
  });

  Deno.test(`${name} rejects an already aborted signal without writing anything`, async () => {
    await using folder = await makeTempFolder();
    const outPath = `${folder.path}/never.wav`;
    const reason = new Error("cancelled before start");
    await assert.rejects(
      engine.synthesize({ text: "Never spoken.", voice, rate: 165 }, {
        ffmpeg: await ffmpeg,
        outPath,
        signal: AbortSignal.abort(reason),
      }),
      (error) => error === reason,
    );
    await assert.rejects(Deno.stat(outPath), Deno.errors.NotFound);
  });

  Deno.test(`${name} kills its child process when the signal aborts mid-synthesis`, async () => {
    await using folder = await makeTempFolder();
    // The output is a named pipe: its reader's open returns when the output is opened to write, by the engine's child
    // or by the engine at its child's first bytes, which is the moment to abort (an event, where this test polled
    // /proc before), and the child then waits on the pipe.
    const outPath = `${folder.path}/aborted.wav`;
    const made = await new Deno.Command("mkfifo", { args: [outPath] }).output();
    assert.ok(made.success, "mkfifo");
    const controller = new AbortController();
    // Its child is told from other tests' by its output path (ffmpeg's) or by a rate no other test speaks at
    // (espeak-ng's, whose output is its stdout).
    const markers = [outPath, "-s 157 "];
    const synthesis = engine.synthesize({ text: lessonText(longWords), voice, rate: 157 }, {
      ffmpeg: await ffmpeg,
      outPath,
      signal: controller.signal,
    });
    const opened = Deno.open(outPath, { read: true });
    // Should the engine end without opening its output, the pipe is opened to write here, so the read ends.
    const settled = await Promise.race([
      opened.then(() => false),
      synthesis.then(() => true, () => true),
    ]);
    if (settled) (await Deno.open(outPath, { write: true })).close();
    const reader = await opened;
    try {
      assert.equal(settled, false, "the synthesis ended before its child opened its output");
      assert.notDeepEqual(await findChildren(program, markers), [], "its child runs");
      const reason = new Error("cancelled mid-synthesis");
      controller.abort(reason);
      // Read to the end, so that a write the engine has under way (its child's bytes, copied) is not left waiting.
      const drained = drain(reader);
      await assert.rejects(synthesis, (error) => error === reason);
      await drained;
      assert.deepEqual(await findChildren(program, markers), []);
    } finally {
      reader.close();
    }
  });

  Deno.test(`${name} names an unknown voice in its error`, async () => {
    await using folder = await makeTempFolder();
    await assert.rejects(
      engine.synthesize({ text: "Hello.", voice: "no-such-voice", rate: 165 }, {
        ffmpeg: await ffmpeg,
        outPath: `${folder.path}/unknown.wav`,
      }),
      (error) => error instanceof InputError && error.message.includes(`"no-such-voice"`),
    );
  });

  Deno.test(`${name} rejects blank text and a non-positive rate with a RangeError`, async () => {
    await using folder = await makeTempFolder();
    const context = { ffmpeg: await ffmpeg, outPath: `${folder.path}/bad.wav` };
    await assert.rejects(engine.synthesize({ text: "  \n", voice, rate: 165 }, context), RangeError);
    await assert.rejects(engine.synthesize({ text: "Hello.", voice, rate: 0 }, context), RangeError);
    await assert.rejects(engine.synthesize({ text: "Hello.", voice, rate: Number.NaN }, context), RangeError);
  });
}

/** Reads a file (a pipe) to its end. */
async function drain(file: Deno.FsFile): Promise<void> {
  const buffer = new Uint8Array(65_536);
  while (await file.read(buffer) !== null);
}
