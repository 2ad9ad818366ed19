import assert from "node:assert/strict";
import { pcmWav } from "../../../lib/media/wav_pcm.ts";
import { WavStreamFile } from "../../../lib/media/wav_stream_file.ts";
import { makeTempFolder } from "../../_support/temp_dir.ts";

/** A WAV as a program streams it: sizes "unknown" (espeak-ng's `--stdout` writes 0x7ffff024 and 0x7ffff000). */
function streamedWav(samples: Uint8Array): { streamed: Uint8Array; whole: Uint8Array } {
  const whole = pcmWav(samples, { sampleRate: 22_050 });
  const streamed = whole.slice();
  new DataView(streamed.buffer).setUint32(4, 0x7fff_f024, true);
  new DataView(streamed.buffer).setUint32(40, 0x7fff_f000, true);
  return { streamed, whole };
}

Deno.test("WavStreamFile.finish() sets the RIFF and data sizes of a WAV written in chunks, the header split across them", async () => {
  await using folder = await makeTempFolder();
  const samples = new Uint8Array(10_000).map((_, index) => index * 7);
  const { streamed, whole } = streamedWav(samples);
  const path = `${folder.path}/a.wav`;
  {
    await using file = new WavStreamFile(path);
    for (const [from, to] of [[0, 1], [1, 30], [30, 43], [43, 5000], [5000, streamed.length]]) {
      await file.write(streamed.subarray(from, to));
    }
    await file.finish();
  }
  assert.deepEqual(await Deno.readFile(path), whole);
});

Deno.test("WavStreamFile writes no file when it is given no bytes, and leaves bytes that are no WAV as they came", async () => {
  await using folder = await makeTempFolder();
  {
    await using file = new WavStreamFile(`${folder.path}/none.wav`);
    await file.write(new Uint8Array());
    await file.finish();
  }
  await assert.rejects(Deno.stat(`${folder.path}/none.wav`), Deno.errors.NotFound);
  const text = new TextEncoder().encode(
    "not a wav file, though long enough to hold a header of forty-four bytes",
  );
  {
    await using file = new WavStreamFile(`${folder.path}/text.wav`);
    await file.write(text);
    await file.finish();
  }
  assert.deepEqual(await Deno.readFile(`${folder.path}/text.wav`), text);
});

Deno.test("WavStreamFile.write() names the file and the system's reason when the disk is full", async () => {
  // /dev/full answers every write "No space left on device".
  await using file = new WavStreamFile("/dev/full");
  await assert.rejects(file.write(streamedWav(new Uint8Array(100)).streamed), (error) => {
    assert.ok(error instanceof Error);
    assert.equal(error.message, "Cannot write /dev/full: No space left on device (os error 28)");
    assert.equal((error.cause as { code?: string }).code, "ENOSPC");
    return true;
  });
});
