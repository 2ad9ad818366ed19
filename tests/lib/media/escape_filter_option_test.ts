import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { escapeFilterOption } from "../../../lib/media/escape_filter_option.ts";
import { makeTempFolder } from "../../_support/temp_dir.ts";

Deno.test("escapeFilterOption() leaves plain paths alone", () => {
  assert.equal(escapeFilterOption("/tmp/reel-flite-1a2b/text.txt"), "/tmp/reel-flite-1a2b/text.txt");
});

Deno.test("escapeFilterOption() lets ffmpeg open a path with quotes, colons, brackets and spaces", async () => {
  await using folder = await makeTempFolder();
  const odd = `${folder.path}/it's: [odd], dir; \\ é`;
  await Deno.mkdir(odd);
  const textFile = `${odd}/text.txt`;
  await Deno.writeTextFile(textFile, "Hello.");
  const outPath = `${folder.path}/out.wav`;
  await runFfmpeg(await findFfmpeg(), [
    "-f",
    "lavfi",
    "-i",
    `flite=textfile=${escapeFilterOption(textFile)}:voice=kal`,
    outPath,
  ]);
  assert.ok((await Deno.stat(outPath)).size > 1000);
});
