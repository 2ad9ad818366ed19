import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import { findOnPath } from "../../../../../lib/media/find_binary.ts";
import { assertEspeakVoice } from "../../../../../lib/providers/local/speech/_espeak_voices.ts";

const espeak = await findOnPath("espeak-ng");

Deno.test({
  name: "assertEspeakVoice() accepts languages, files, names and variants in any case",
  ignore: espeak === null,
  fn: async () => {
    for (
      const voice of [
        "en-us",
        "EN-US",
        "en",
        "gmw/en-US",
        "afrikaans",
        "zh",
        "en-us+f3",
        "en+Alex",
        "en-gb+m3",
      ]
    ) {
      await assertEspeakVoice(espeak ?? "", voice, {});
    }
  },
});

Deno.test({
  name: "assertEspeakVoice() rejects a voice espeak-ng would silently replace by another language",
  ignore: espeak === null,
  fn: async () => {
    for (const voice of ["no-such-voice", "en-zz", "english", "en-us+nosuch"]) {
      await assert.rejects(
        assertEspeakVoice(espeak ?? "", voice, {}),
        (error) => error instanceof InputError && error.message.includes(`"${voice}"`),
        voice,
      );
    }
  },
});
