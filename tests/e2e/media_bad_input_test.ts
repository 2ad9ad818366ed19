/**
 * Media files a workflow names that cannot serve (a PNG cut short, a text file named like an image, a clip with no
 * pictures, a soundtrack with no sound): a clear message naming the field, exit 2, before any step, nothing written.
 */
import assert from "node:assert/strict";
import { type CliResult, listFolder, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { makeColourImage } from "../_support/test_video.ts";

function assertCleanInputError(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.ok(result.stderr.trimStart().startsWith("✖"), result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, "no stack trace");
}

/** Renders `value` written as `workflow.json` in `dir` into `dir/out`. */
async function render(dir: string, value: unknown): Promise<CliResult> {
  await Deno.writeTextFile(`${dir}/workflow.json`, JSON.stringify(value));
  return await runCli(["render", `${dir}/workflow.json`, "--out", `${dir}/out`]);
}

Deno.test("bad input: a picture or background image cut short is named at its field before any step, exit 2, nothing written", async () => {
  const dir = await tempDir();
  await makeColourImage(`${dir}/whole.png`, { colour: "#3050e0", width: 64, height: 64 });
  const whole = await Deno.readFile(`${dir}/whole.png`);
  await Deno.writeFile(`${dir}/cut.png`, whole.subarray(0, Math.floor(whole.length / 2)));
  const section = { title: "T", narration: "Hi." };
  for (
    const [fields, where] of [
      [{ picture: { file: "cut.png" } }, "videos[0].sections[0].picture.file"],
      [{ background: { image: "cut.png" } }, "videos[0].sections[0].background.image"],
    ] as const
  ) {
    const result = await render(dir, {
      formats: ["160x90"],
      videos: [{ id: "a", sections: [{ ...section, ...fields }] }],
    });
    assertCleanInputError(result, /✖ Cannot use .*\/cut\.png as an image: the PNG is truncated\n/);
    assert.ok(result.stderr.includes(`→ at ${where}`), result.stderr);
    assert.equal(await listFolder(`${dir}/out`), null);
  }
});
