import assert from "node:assert/strict";
import { wavAnswerProblem } from "../../../lib/media/wav_answer_problem.ts";
import { wavDuration } from "../../../lib/media/wav_duration.ts";
import { pcmWav, wavChunks, wavLayout } from "../../../lib/media/wav_pcm.ts";

/**
 * A WAV whose format chunk is `WAVE_FORMAT_EXTENSIBLE` (40 bytes, its sub-format `tag`), after a `LIST` chunk of
 * odd size (padded to even), holding `pcm`.
 */
function extensibleWav(pcm: Uint8Array, tag: number, bitsPerSample: number): Uint8Array {
  const list = new TextEncoder().encode("abc");
  const bytes = new Uint8Array(12 + 8 + list.length + 1 + 8 + 40 + 8 + pcm.length);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => bytes.set(new TextEncoder().encode(text), offset);
  ascii(0, "RIFF");
  view.setUint32(4, bytes.length - 8, true);
  ascii(8, "WAVE");
  let at = 12;
  ascii(at, "LIST");
  view.setUint32(at + 4, list.length, true);
  bytes.set(list, at + 8);
  at += 8 + list.length + 1;
  ascii(at, "fmt ");
  view.setUint32(at + 4, 40, true);
  view.setUint16(at + 8, 0xfffe, true);
  view.setUint16(at + 10, 1, true);
  view.setUint32(at + 12, 24_000, true);
  view.setUint32(at + 16, 24_000 * bitsPerSample / 8, true);
  view.setUint16(at + 20, bitsPerSample / 8, true);
  view.setUint16(at + 22, bitsPerSample, true);
  view.setUint16(at + 24, 22, true);
  view.setUint16(at + 32, tag, true);
  at += 8 + 40;
  ascii(at, "data");
  view.setUint32(at + 4, pcm.length, true);
  bytes.set(pcm, at + 8);
  return bytes;
}

Deno.test("wavChunks: the format of an extensible WAV is its sub-format, found past an odd-sized chunk's padding", () => {
  const wav = extensibleWav(new Uint8Array(480), 1, 16);
  const chunks = wavChunks(wav);
  assert.deepEqual(chunks?.format, {
    tag: 1,
    channels: 1,
    sampleRate: 24_000,
    byteRate: 48_000,
    bitsPerSample: 16,
  });
  assert.deepEqual(chunks?.data, { offset: wav.length - 480, size: 480 });
  // The three readers agree on it: integer PCM, 10 ms, nothing wrong.
  assert.equal(wavLayout(wav, wav.length).dataBytes, 480);
  assert.equal(wavDuration(wav, wav.length), 0.01);
  assert.equal(wavAnswerProblem(wav), null);
});

Deno.test("wavChunks: an extensible float WAV with a NaN sample is told; the layout refuses floats as not PCM", () => {
  const samples = new Float32Array([0, 0.5, Number.NaN, 0]);
  const wav = extensibleWav(new Uint8Array(samples.buffer), 3, 32);
  assert.match(wavAnswerProblem(wav)!, /not numbers/);
  assert.throws(() => wavLayout(wav, wav.length), /not PCM/);
  assert.equal(
    wavAnswerProblem(pcmWav(new Uint8Array(new Float32Array([0, 1]).buffer), {
      sampleRate: 24_000,
      bitsPerSample: 32,
      float: true,
    })),
    null,
  );
});

Deno.test("wavChunks: a data chunk claiming more than the file holds is cut to the file; a header with no data is refused", () => {
  const wav = pcmWav(new Uint8Array(320), { sampleRate: 16_000 });
  const cut = wav.subarray(0, 44 + 160);
  assert.equal(wavLayout(cut, cut.length).dataBytes, 160);
  assert.equal(wavDuration(cut, cut.length), 0.005);
  const header = wav.subarray(0, 36);
  assert.equal(wavChunks(header)?.data, null);
  assert.throws(() => wavLayout(header, header.length), /no data chunk/);
  assert.throws(() => wavDuration(header, header.length), /no data chunk/);
  assert.equal(wavChunks(new Uint8Array(8)), null);
  assert.throws(() => wavDuration(new Uint8Array(8), 8), /Not a WAV file/);
});
