import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import { findFfmpeg, probeMedia } from "../../../../../lib/media/ffmpeg.ts";
import { FLITE_VOICES, fliteEngine } from "../../../../../lib/providers/local/speech/flite_engine.ts";
import { defineEngineContract } from "./_engine_contract.ts";
import { readWavFormat } from "./_speech_test_helpers.ts";
import { makeTempFolder } from "../../../../_support/temp_dir.ts";

defineEngineContract(fliteEngine, { voice: "slt", longWords: 600, program: "ffmpeg" });

Deno.test("fliteEngine.synthesize() speaks with every listed voice", async () => {
  await using folder = await makeTempFolder();
  const ffmpeg = await findFfmpeg();
  for (const voice of FLITE_VOICES) {
    const outPath = `${folder.path}/${voice}.wav`;
    await fliteEngine.synthesize({ text: "Hello there.", voice, rate: 165 }, { ffmpeg, outPath });
    assert.equal((await readWavFormat(outPath)).channels, 1, voice);
    assert.ok((await probeMedia(ffmpeg, outPath)).duration > 0.3, voice);
  }
});

Deno.test("fliteEngine.synthesize() lists the valid voices when the voice is unknown", async () => {
  await using folder = await makeTempFolder();
  await assert.rejects(
    fliteEngine.synthesize({ text: "Hello.", voice: "Slt", rate: 165 }, {
      ffmpeg: await findFfmpeg(),
      outPath: `${folder.path}/unknown.wav`,
    }),
    (error) =>
      error instanceof InputError && error.message.includes(`"Slt"`) &&
      error.message.includes(FLITE_VOICES.join(", ")),
  );
});

Deno.test("fliteEngine.synthesize() clamps the tempo to half and double speed", async () => {
  await using folder = await makeTempFolder();
  const ffmpeg = await findFfmpeg();
  const text = "One two three four five six seven eight.";
  const seconds: Record<number, number> = {};
  for (const rate of [40, 82.5, 330, 900]) {
    const outPath = `${folder.path}/${rate}.wav`;
    await fliteEngine.synthesize({ text, voice: "slt", rate }, { ffmpeg, outPath });
    seconds[rate] = (await probeMedia(ffmpeg, outPath)).duration;
  }
  assert.ok(Math.abs((seconds[40] ?? 0) - (seconds[82.5] ?? 0)) < 0.05, JSON.stringify(seconds));
  assert.ok(Math.abs((seconds[330] ?? 0) - (seconds[900] ?? 0)) < 0.05, JSON.stringify(seconds));
  assert.ok((seconds[330] ?? 0) < (seconds[82.5] ?? 0) / 3, JSON.stringify(seconds));
});
