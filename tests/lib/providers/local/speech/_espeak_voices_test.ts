import assert from "node:assert/strict";
import { InputError } from "../../../../../lib/core/errors.ts";
import { findOnPath } from "../../../../../lib/media/find_binary.ts";
import { assertEspeakVoice } from "../../../../../lib/providers/local/speech/_espeak_voices.ts";

const espeak = await findOnPath("espeak-ng");

Deno.test({
  name:
    "assertEspeakVoice() accepts languages, files and names in any case, and variants by their files' names",
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
        "EN-GB+Mike",
        "en+Mr serious",
        "en+!v/adam",
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
  name:
    "assertEspeakVoice() rejects a variant in another case (espeak-ng speaks plain English) and names the right one",
  ignore: espeak === null,
  fn: async () => {
    // espeak-ng finds a variant by its file's name: `en+mike` and `en+Adam` (the file is `adam`) drop it.
    for (const [voice, right] of [["en+mike", "en+Mike"], ["en-US+Adam", "en-US+adam"], ["en+M1", "en+m1"]]) {
      await assert.rejects(
        assertEspeakVoice(espeak ?? "", voice!, {}),
        (error) =>
          error instanceof InputError && error.message.includes(`"${voice}"`) &&
          error.hint?.includes(`"${right}"`) === true,
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
      assert.deepEqual(await calls(), ["--voices", "--voices=variant"]);
      // An unknown voice is looked for once more in a fresh read before it is refused.
      await assert.rejects(assertEspeakVoice(program, "no-such-voice", {}), InputError);
      assert.deepEqual(await calls(), ["--voices", "--voices=variant", "--voices"]);
      // An upgrade: the same path, another file.
      await Deno.writeTextFile(program, script("second, a little longer"), { mode: 0o755 });
      await assertEspeakVoice(program, "en-us", {});
      assert.deepEqual(await calls(), ["--voices", "--voices=variant", "--voices", "--voices"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("assertEspeakVoice() looks again for a voice installed since the list was read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reel-espeak-voices-" });
  try {
    const listing = (voices: string[]) =>
      ["Pty Language       Age/Gender VoiceName          File                 Other Languages"]
        .concat(voices.map((voice) => ` 5  ${voice}           --/M      ${voice}_voice  gmw/${voice}`))
        .join("\n") + "\n";
    await Deno.writeTextFile(`${dir}/voices.txt`, listing(["en-us"]));
    const program = `${dir}/espeak-ng`;
    await Deno.writeTextFile(
      program,
      `#!/bin/sh\necho "$*" >> '${dir}/calls.log'\ncat '${dir}/voices.txt'\n`,
      {
        mode: 0o755,
      },
    );
    await assertEspeakVoice(program, "en-us", {});
    await Deno.writeTextFile(`${dir}/voices.txt`, listing(["en-us", "en-zz"]));
    await assertEspeakVoice(program, "en-zz", {});
    await assertEspeakVoice(program, "en-zz", {});
    await assertEspeakVoice(program, "en-us", {});
    assert.equal((await Deno.readTextFile(`${dir}/calls.log`)).trim().split("\n").length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("assertEspeakVoice() stops waiting when its signal aborts, and the next check reads the list anew", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reel-espeak-voices-" });
  try {
    const fifo = `${dir}/started`;
    await new Deno.Command("mkfifo", { args: [fifo] }).output();
    const program = `${dir}/espeak-ng`;
    // The first read hangs (after saying so through the FIFO); later ones list one voice.
    await Deno.writeTextFile(
      program,
      `#!/bin/sh\nif [ ! -e '${dir}/hung' ]; then touch '${dir}/hung'; echo started > '${fifo}'; exec sleep 600; fi\n` +
        `printf 'Pty Language Age/Gender VoiceName File\\n 5 en-us --/M English gmw/en-US\\n'\n`,
      { mode: 0o755 },
    );
    const controller = new AbortController();
    const checking = assertEspeakVoice(program, "en-us", { signal: controller.signal });
    const reader = await Deno.open(fifo, { read: true });
    await reader.read(new Uint8Array(16)); // the hanging read has started
    reader.close();
    controller.abort(new DOMException("Cancelled", "AbortError"));
    await assert.rejects(checking, (error) => error instanceof DOMException && error.name === "AbortError");
    await assertEspeakVoice(program, "en-us", {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
