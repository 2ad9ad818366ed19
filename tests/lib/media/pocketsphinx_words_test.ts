/** What pocketsphinx prints, read: its word times, its silence, and what another program prints in its place. */
import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { recognizeWords } from "../../../lib/media/pocketsphinx.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** A program that prints `text` whatever it is asked, as a wrapper standing in for pocketsphinx might. */
async function printing(text: string): Promise<string> {
  const program = `${await tempDir("reel-sphinx-words-")}/pocketsphinx`;
  await Deno.writeTextFile(program, `#!/bin/sh\nprintf '%s' '${text}'\n`, { mode: 0o755 });
  return program;
}

Deno.test("recognizeWords() reads word times, takes nothing and an unheard utterance as silence, and refuses the rest", async () => {
  const heard =
    "the sun\n<s> 0.000 0.020 0.999900\nthe(2) 0.030 0.220 0.5\nsun 0.230 0.500 0.9\n</s> 0.51 0.6 1\n";
  assert.deepEqual(
    (await recognizeWords(await printing(heard), "a.wav")).map((word) => [word.text, word.start]),
    [["the", 0.03], ["sun", 0.23]],
  );
  // Silence prints nothing; noise, an utterance of no word.
  assert.deepEqual(await recognizeWords(await printing(""), "a.wav"), []);
  assert.deepEqual(
    await recognizeWords(await printing("\n<s> 0.000 0.720 1.0\n</s> 0.730 0.870 1.0\n"), "a.wav"),
    [],
  );
  // fi10: a wrapper's lines were read as silence, and the transcript written empty, exit 0.
  const garbage = await printing("hello from a wrapper\nnothing here");
  await assert.rejects(recognizeWords(garbage, "a.wav"), (error) => {
    assert.ok(error instanceof InputError);
    assert.match(
      error.message,
      /^pocketsphinx at .* is not pocketsphinx: .* printed "hello from a wrapper"$/,
    );
    return true;
  });
});
