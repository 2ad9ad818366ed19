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

Deno.test({
  name: "assertEspeakVoice() reads each voice list once a process, and again when the program file changes",
  ignore: espeak === null,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "reel-espeak-voices-" });
    try {
      const log = `${dir}/calls.log`;
      const program = `${dir}/espeak-ng`;
      const script = (comment: string) =>
        `#!/bin/sh\n# ${comment}\necho "$*" >> '${log}'\nexec '${espeak}' "$@"\n`;
      await Deno.writeTextFile(program, script("first"), { mode: 0o755 });
      const calls = async () => (await Deno.readTextFile(log)).trim().split("\n");
      await Promise.all([
        assertEspeakVoice(program, "en-us", {}),
        assertEspeakVoice(program, "en-gb+f3", {}),
      ]);
      await assertEspeakVoice(program, "en-us+m3", {});
      await assert.rejects(assertEspeakVoice(program, "no-such-voice", {}), InputError);
      assert.deepEqual(await calls(), ["--voices", "--voices=variant"]);
      // An upgrade: the same path, another file.
      await Deno.writeTextFile(program, script("second, a little longer"), { mode: 0o755 });
      await assertEspeakVoice(program, "en-us", {});
      assert.deepEqual(await calls(), ["--voices", "--voices=variant", "--voices"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
