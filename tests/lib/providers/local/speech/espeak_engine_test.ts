import assert from "node:assert/strict";
import { MissingBinaryError } from "../../../../../lib/core/errors.ts";
import { findFfmpeg } from "../../../../../lib/media/ffmpeg.ts";
import { espeakEngine } from "../../../../../lib/providers/local/speech/espeak_engine.ts";
import { defineEngineContract } from "./_engine_contract.ts";
import { makeTempFolder } from "../../../../_support/temp_dir.ts";

defineEngineContract(espeakEngine, { voice: "en-us", longWords: 4000 });

Deno.test("espeakEngine.synthesize() reads text with quotes, dashes and newlines from stdin", async () => {
  await using folder = await makeTempFolder();
  const outPath = `${folder.path}/quoted.wav`;
  const text = `-v "it's" $HOME; \`echo\` --help\nSecond line: 'done'.`;
  await espeakEngine.synthesize({ text, voice: "en-us", rate: 165 }, { ffmpeg: await findFfmpeg(), outPath });
  assert.ok((await Deno.stat(outPath)).size > 10_000);
});

Deno.test("espeakEngine.synthesize() throws MissingBinaryError when REEL_ESPEAK names no program", async () => {
  await using folder = await makeTempFolder();
  const previous = Deno.env.get("REEL_ESPEAK");
  Deno.env.set("REEL_ESPEAK", `${folder.path}/no-espeak`);
  try {
    await assert.rejects(
      espeakEngine.synthesize({ text: "Hello.", voice: "en-us", rate: 165 }, {
        ffmpeg: await findFfmpeg(),
        outPath: `${folder.path}/missing.wav`,
      }),
      (error) =>
        error instanceof MissingBinaryError && error.hint?.includes("apt-get install espeak-ng") === true,
    );
  } finally {
    if (previous === undefined) Deno.env.delete("REEL_ESPEAK");
    else Deno.env.set("REEL_ESPEAK", previous);
  }
});
