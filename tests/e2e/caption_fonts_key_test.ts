/**
 * Burned captions are drawn by libass through fontconfig, which reads every font file in the font folders and the
 * folders under them: a font added in a subfolder changes the pictures, so it must change their keys.
 */
import assert from "node:assert/strict";
import { PRIMARY_FILES } from "../../lib/providers/local/slides/_fonts.ts";
import { SYSTEM_FONT_DIRS } from "../../lib/media/font_dirs.ts";
import { runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { makeBandsVideo } from "../_support/test_video.ts";
import { MOD_URL } from "../_support/workflows.ts";

const CJK = `${SYSTEM_FONT_DIRS.fallbacks[1]}/NotoSansCJK-Regular.ttc`;

/** The steps a `--json` render ran and those it took from the store. */
function stepsOf(stdout: string): { ran: string[]; cached: string[] } {
  const finished = stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line))
    .filter((event) => event.type === "step:finished");
  return {
    ran: finished.filter((event) => !event.cached).map((event) => event.step).sort(),
    cached: finished.filter((event) => event.cached).map((event) => event.step).sort(),
  };
}

Deno.test({
  name: "burned captions: a font added in a subfolder of the font folder re-runs the pictures that draw it",
  ignore: !(await Deno.stat(CJK).then(() => true, () => false)),
  fn: async () => {
    const dir = await tempDir("reel-caption-fonts-");
    await Deno.mkdir(`${dir}/fonts`);
    for (const file of PRIMARY_FILES) {
      await Deno.copyFile(`${SYSTEM_FONT_DIRS.primary}/${file}`, `${dir}/fonts/${file}`);
    }
    await Deno.writeTextFile(
      `${dir}/lesson.ts`,
      `import { workflow } from "${MOD_URL}";
export default workflow({
  formats: ["160x90"],
  fps: 24,
  captions: { burn: true },
  videos: [{ id: "v", sections: [{ title: "Water", narration: "Hello 水 world." }] }],
});`,
    );
    const env = { REEL_FONT_DIR: `${dir}/fonts` };
    const render = (out: string) =>
      runCli(["render", `${dir}/lesson.ts`, "--out", `${dir}/${out}`, "--cache", `${dir}/cache`, "--json"], {
        env,
      });
    const first = await render("out1");
    assert.equal(first.code, 0, first.stderr);
    // DejaVu has no 水; the Noto CJK font, in a folder under the font folder, has.
    await Deno.mkdir(`${dir}/fonts/extra`);
    await Deno.symlink(CJK, `${dir}/fonts/extra/NotoSansCJK-Regular.ttc`);
    const second = await render("out2");
    assert.equal(second.code, 0, second.stderr);
    const { ran, cached } = stepsOf(second.stdout);
    // Before: every step came from the store, and the video kept the caption drawn without 水.
    assert.ok(ran.some((step) => /stills|clips/.test(step)), `ran: ${ran.join(", ")}`);
    assert.ok(ran.includes("v/video@160x90"), `ran: ${ran.join(", ")}`);
    assert.ok(cached.some((step) => step.includes("speech")), `cached: ${cached.join(", ")}`);
    const [before, after] = await Promise.all(
      ["out1", "out2"].map((out) => Deno.readFile(`${dir}/${out}/v.160x90.mp4`)),
    );
    assert.notDeepEqual(after, before);
  },
});

Deno.test({
  name: "variants: overlay text drawn in a fallback font re-runs its variant when that font's file changes",
  ignore: !(await Deno.stat(CJK).then(() => true, () => false)),
  fn: async () => {
    const dir = await tempDir("reel-overlay-fonts-");
    await Deno.mkdir(`${dir}/fonts`);
    for (const file of PRIMARY_FILES) {
      await Deno.copyFile(`${SYSTEM_FONT_DIRS.primary}/${file}`, `${dir}/fonts/${file}`);
    }
    // DejaVu has no 水: the overlay is drawn in the one font of the folder that has it.
    const fallback = `${dir}/fonts/NotoSansCJK-Regular.ttc`;
    await Deno.symlink(CJK, fallback);
    await makeBandsVideo(`${dir}/grey.mp4`, { seconds: 1, height: 90, bands: [["#808080", 160]] });
    await Deno.writeTextFile(
      `${dir}/variants.ts`,
      `import { workflow } from "${MOD_URL}";
export default workflow({
  variants: [{ inputs: ["grey.mp4"], recipes: [{ name: "water", overlay: { text: "水", size: 0.5 } }] }],
});`,
    );
    const render = (out: string) =>
      runCli(
        ["render", `${dir}/variants.ts`, "--out", `${dir}/${out}`, "--cache", `${dir}/cache`, "--json"],
        {
          env: { REEL_FONT_DIR: `${dir}/fonts` },
        },
      );
    const first = await render("out1");
    assert.equal(first.code, 0, first.stderr);
    const again = await render("out2");
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(stepsOf(again.stdout).ran, [], "nothing changed: nothing ran");
    // The same file name, other glyphs (the serif face).
    await Deno.remove(fallback);
    await Deno.symlink(CJK.replace("NotoSansCJK", "NotoSerifCJK"), fallback);
    const changed = await render("out3");
    assert.equal(changed.code, 0, changed.stderr);
    const { ran } = stepsOf(changed.stdout);
    assert.ok(ran.some((step) => step.includes("water")), `ran: ${ran.join(", ")}`);
    const [before, after] = await Promise.all(
      ["out1", "out3"].map((out) => Deno.readFile(`${dir}/${out}/grey.water.mp4`)),
    );
    assert.notDeepEqual(after, before);
  },
});
