import assert from "node:assert/strict";
import { findFfmpeg } from "../../../../../lib/media/ffmpeg.ts";
import { fliteEngine } from "../../../../../lib/providers/local/speech/flite_engine.ts";
import { findPocketsphinx } from "../../../../../lib/media/pocketsphinx.ts";
import { recognizeSpeech } from "../../../../../lib/providers/local/speech/recognize_speech.ts";
import { normalizeWords } from "../../../../../lib/providers/local/speech/word_error_rate.ts";
import { makeTempFolder } from "../../../../_support/temp_dir.ts";

const pocketsphinx = await findPocketsphinx();

Deno.test({
  name: "recognizeSpeech() hears the key words of a sentence spoken by flite (slt)",
  ignore: pocketsphinx === null,
  fn: async () => {
    await using folder = await makeTempFolder();
    const ffmpeg = await findFfmpeg();
    const outPath = `${folder.path}/sentence.wav`;
    const text = "In the next section, we will compare the speed of sound in air and water.";
    await fliteEngine.synthesize({ text, voice: "rms", rate: 165 }, { ffmpeg, outPath });
    const heard = new Set(normalizeWords(await recognizeSpeech(outPath, { ffmpeg })));
    const keyWords = ["next", "section", "compare", "speed", "sound", "water"];
    const recognized = keyWords.filter((word) => heard.has(word));
    assert.ok(recognized.length >= 3, `heard only ${JSON.stringify([...heard])}`);
  },
});
