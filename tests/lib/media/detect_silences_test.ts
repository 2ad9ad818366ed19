/**
 * detectSilences() scans a 16-bit PCM WAV itself and finds exactly what ffmpeg's `silencedetect` finds: on real
 * speech (espeak-ng and flite, with the cue and the transcription settings) and on signals made to sit on every
 * edge of its rules (a run one sample short of the shortest silence and one exactly that long, samples at the
 * threshold and one under it, silence at the start and running to the end, stereo with one channel still
 * sounding, an odd sample rate). Any other file still goes to ffmpeg.
 */
import assert from "node:assert/strict";
import { detectSilences, ffmpegSilences, loudestStretchDb } from "../../../lib/media/detect_silences.ts";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { pcmWav } from "../../../lib/media/wav_pcm.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const ffmpeg = await findFfmpeg();
const dir = await tempDir("reel-silences-");

/** Binaries that do not exist: a scan that fell back to ffmpeg would fail. */
const noFfmpeg = { ffmpeg: "/nonexistent/ffmpeg", ffprobe: "/nonexistent/ffprobe" };

/** Both ways on one file: the scan here and ffmpeg's filter give the same silences. */
async function assertSameAsFfmpeg(
  file: string,
  options: { noise: number; minDuration: number; duration: number },
) {
  const scanned = await detectSilences(noFfmpeg, file, options);
  const filtered = await ffmpegSilences(ffmpeg, file, options);
  // ffmpeg 5.1 prints times to 6 significant digits, as the scan gives them; ffmpeg 7 prints microseconds.
  const printed = (silences: { start: number; end: number }[]) =>
    silences.map(({ start, end }) => [Number(start.toPrecision(6)), Number(end.toPrecision(6))]);
  assert.deepEqual(printed(scanned), printed(filtered));
  return scanned;
}

/** Writes interleaved 16-bit samples as a WAV. */
async function wav(name: string, samples: Int16Array, sampleRate: number, channels = 1): Promise<string> {
  const path = `${dir}/${name}.wav`;
  await Deno.writeFile(path, pcmWav(new Uint8Array(samples.buffer), { sampleRate, channels }));
  return path;
}

Deno.test("detectSilences: speech from espeak-ng and flite gives ffmpeg's silences, at cue and transcription settings", async () => {
  const text =
    "Rivers carry water to the sea. Clouds, in turn, bring rain back to the hills; and so the cycle goes on.";
  const espeak = `${dir}/espeak.wav`;
  const espeakRun = await new Deno.Command("espeak-ng", { args: ["-w", espeak, text] }).output();
  assert.ok(espeakRun.success, new TextDecoder().decode(espeakRun.stderr));
  const flite = `${dir}/flite.wav`;
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", `flite=text='${text.replaceAll(/[,;]/g, "")}'`, flite]);
  const resampled = `${dir}/speech-16k.wav`;
  await runFfmpeg(ffmpeg, ["-i", espeak, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", resampled]);
  let found = 0;
  for (const file of [espeak, flite, resampled]) {
    for (const settings of [{ noise: -40, minDuration: 0.06 }, { noise: -35, minDuration: 0.3 }]) {
      found += (await assertSameAsFfmpeg(file, { ...settings, duration: 60 })).length;
    }
  }
  assert.ok(found >= 6, `only ${found} silences in six scans of three recordings`);
});

Deno.test("detectSilences: every edge of silencedetect's rules, as ffmpeg decides it", async () => {
  const rate = 22_050;
  const threshold = Math.trunc(0.01 * 32767); // -40 dB
  const min = Math.round(0.06 * rate); // 1323 samples
  const samples = new Int16Array(rate * 2).fill(9000);
  samples.fill(0, 0, 2000); // silence at the start
  samples.fill(threshold - 1, 4000, 4000 + min - 1); // one sample short of a silence: not one
  samples.fill(-(threshold - 1), 8000, 8000 + min); // exactly the shortest silence, negative samples
  samples.fill(threshold, 12_000, 16_000); // at the threshold: not silent
  samples.fill(0, 20_000, 26_000);
  samples[23_000] = threshold; // one loud sample splits it in two (two silences, each long enough)
  samples.fill(0, rate * 2 - 3000); // silence running to the end
  const mono = await wav("edges", samples, rate);
  const silences = await assertSameAsFfmpeg(mono, { noise: -40, minDuration: 0.06, duration: 2 });
  assert.equal(silences.length, 5);
  assert.equal(silences.at(-1)!.end, 2);

  // Stereo: silent only where both channels are (the left one sounds in the middle of a silence).
  const stereo = new Int16Array(samples.length * 2);
  for (const [i, sample] of samples.entries()) {
    stereo[2 * i] = i >= 21_000 && i < 22_500 ? 9000 : sample;
    stereo[2 * i + 1] = sample;
  }
  await assertSameAsFfmpeg(await wav("stereo", stereo, rate, 2), {
    noise: -40,
    minDuration: 0.06,
    duration: 2,
  });

  // A silence from the second sample on: ffmpeg prints its start as 6.25e-05.
  const early = new Int16Array(16_000).fill(0);
  early[0] = 9000;
  early.fill(9000, 12_000);
  const [first] = await assertSameAsFfmpeg(await wav("early", early, 16_000), {
    noise: -35,
    minDuration: 0.3,
    duration: 1,
  });
  assert.deepEqual(first, { start: 6.25e-5, end: 0.75 });

  // An odd sample rate and a threshold that is not a round number of samples.
  await assertSameAsFfmpeg(await wav("odd-rate", samples.subarray(0, 33_333), 11_025), {
    noise: -33.3,
    minDuration: 0.0777,
    duration: 33_333 / 11_025,
  });
});

Deno.test("detectSilences: a file that is not 16-bit PCM WAV goes to ffmpeg", async () => {
  const float = `${dir}/float.wav`;
  await runFfmpeg(ffmpeg, [
    "-f",
    "lavfi",
    "-i",
    "sine=f=300:d=1,apad=pad_dur=1",
    "-c:a",
    "pcm_f32le",
    float,
  ]);
  const mp3 = `${dir}/tone.mp3`;
  await runFfmpeg(ffmpeg, ["-i", float, mp3]);
  for (const file of [float, mp3]) {
    const [silence, ...rest] = await detectSilences(ffmpeg, file, {
      noise: -40,
      minDuration: 0.3,
      duration: 2,
    });
    assert.equal(rest.length, 0);
    assert.ok(Math.abs(silence!.start - 1) < 0.06 && silence!.end === 2, JSON.stringify(silence));
  }
  await assert.rejects(
    detectSilences(ffmpeg, `${dir}/missing.wav`, { noise: -40, minDuration: 0.3, duration: 2 }),
    /missing\.wav/,
  );
});

Deno.test("loudestStretchDb() hears a recording's loudest 50 ms, not a click in its last few samples", async () => {
  const dir = await tempDir();
  // A second of a quiet square wave (100 of 32768: -50 dB), then 10 samples of a full-scale click (rv15: the short
  // last stretch was measured as a whole one, about 0 dB).
  const samples = new Int16Array(16_010).map((_, i) => i >= 16_000 ? 32767 : i % 2 === 0 ? 100 : -100);
  await Deno.writeFile(`${dir}/quiet.wav`, pcmWav(new Uint8Array(samples.buffer), { sampleRate: 16_000 }));
  assert.equal(Math.round(await loudestStretchDb(`${dir}/quiet.wav`) ?? 0), -50);
});
