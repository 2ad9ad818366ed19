import assert from "node:assert/strict";
import { listFolder, runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { MOD_URL } from "../_support/workflows.ts";
import { tempDir } from "../_support/temp_dir.ts";

/** A one-section lesson in these formats. */
function lesson(formats: unknown[]): string {
  return `import { workflow } from "${MOD_URL}";
export default workflow({ formats: ${JSON.stringify(formats)}, titleCard: false,
  videos: [{ id: "tiny", sections: [{ title: "Hi", narration: "Hello." }] }] });`;
}

Deno.test("CLI: render --format WxH writes the one format of that size, named as the workflow names it", async () => {
  const dir = await tempDir("reel-format-");
  await Deno.writeTextFile(`${dir}/sized.ts`, lesson([{ name: "wide", width: 320, height: 180 }, "180x320"]));
  // Refused before (no format is named 320x180): the size selects the format "wide".
  const result = await runCli(["render", "sized.ts", "--out", "out", "--quiet", "--format", "320x180"], {
    cwd: dir,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await listFolder(`${dir}/out`), ["report.html", "tiny.srt", "tiny.vtt", "tiny.wide.mp4"]);
  const video = (await probe(`${dir}/out/tiny.wide.mp4`)).streams.find((stream) => stream.type === "video");
  assert.deepEqual([video?.width, video?.height], [320, 180]);
  // A preset is its size, not its shape (nt7: `--format 16:9` was taken for the wide one).
  const preset = await runCli(["render", "sized.ts", "--plan", "--format", "16:9"], { cwd: dir });
  assert.equal(preset.code, 2, preset.stderr);
  assert.match(
    preset.stderr,
    /No format of sized\.ts matches --format 16:9: a preset is its size, 16:9 is 1920x1080\n/,
  );
});

Deno.test("CLI: --format takes a preset's size or its aspect; a size of no format or of two is refused, listing the formats", async () => {
  const dir = await tempDir("reel-format-");
  await Deno.writeTextFile(`${dir}/presets.ts`, lesson(["16:9", "9:16", "1:1"]));
  for (const wanted of ["1920x1080", "1920 × 1080", "16:9", "16x9"]) {
    const plan = await runCli(["render", "presets.ts", "--plan", "--format", wanted], { cwd: dir });
    assert.equal(plan.code, 0, `${wanted}: ${plan.stderr}`);
    assert.match(plan.stdout, /formats: 16x9 \(1920x1080\)\n/, wanted);
  }
  const none = await runCli(["render", "presets.ts", "--out", "out", "--format", "1280x720"], { cwd: dir });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /✖ No format of presets\.ts matches --format 1280x720\n/);
  assert.match(none.stderr, /Formats: 16x9 \(1920x1080\), 9x16 \(1080x1920\), 1x1 \(1080x1080\)/);
  assert.equal(await listFolder(`${dir}/out`), null);
  // An entry that names nothing is refused beside one that does (before: left out without a word, exit 0).
  const partly = await runCli(["render", "presets.ts", "--plan", "--format", "16x9,1280x720"], { cwd: dir });
  assert.equal(partly.code, 2, partly.stderr);
  assert.match(partly.stderr, /✖ No format of presets\.ts matches --format 1280x720\n/);

  await Deno.writeTextFile(
    `${dir}/twice.ts`,
    lesson([{ name: "web", width: 320, height: 180 }, { name: "tv", width: 320, height: 180 }]),
  );
  const ambiguous = await runCli(["render", "twice.ts", "--out", "out", "--format", "320x180"], { cwd: dir });
  assert.equal(ambiguous.code, 2, ambiguous.stderr);
  assert.match(
    ambiguous.stderr,
    /✖ --format 320x180 is the size of 2 formats \(web, tv\): name one \(twice\.ts\)/,
  );
  assert.match(ambiguous.stderr, /Formats: web \(320x180\), tv \(320x180\)/);
  assert.equal(await listFolder(`${dir}/out`), null);
  // Its name still selects it.
  const named = await runCli(["render", "twice.ts", "--plan", "--format", "tv"], { cwd: dir });
  assert.equal(named.code, 0, named.stderr);
  assert.match(named.stdout, /formats: tv \(320x180\)\n/);
});
