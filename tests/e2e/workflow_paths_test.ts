/**
 * File names a workflow gives are names, not URLs: a picture called `100%.png`, `50%25.png`, `slide#1.png`,
 * `what?.png`, `my pic.png`, or with a tab or a newline in its name, is that very file on the rendered slide (told
 * by its colour), even where a file of the name a URL would make of it exists too.
 */
import assert from "node:assert/strict";
import { colourDistance, hexToRgb, pixelAt } from "../_support/media.ts";
import { runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { makeColourImage } from "../_support/test_video.ts";

/** Each picture's name, its colour, and the file a URL would have read instead (black), where there is one. */
const PICTURES = [
  { name: "100%.png", colour: "#e03030", decoy: null },
  { name: "50%25.png", colour: "#30c040", decoy: "50%.png" },
  { name: "slide#1.png", colour: "#3050e0", decoy: "slide" },
  { name: "what?.png", colour: "#e0c020", decoy: "what" },
  { name: "my pic.png", colour: "#c030c0", decoy: null },
  { name: "tab\there.png", colour: "#30c0c0", decoy: null },
  { name: "nl\nname.png", colour: "#f08030", decoy: "nlname.png" },
] as const;

Deno.test("e2e: a picture whose name holds %, %25, #, ?, a space, a tab or a newline is that file on the slide", async () => {
  const dir = await tempDir("reel-paths-");
  // Made under a plain name and renamed: ffmpeg reads a % in an output name as an image sequence's pattern.
  const picture = async (name: string, colour: string) => {
    await makeColourImage(`${dir}/made.png`, { colour, width: 64, height: 64 });
    await Deno.rename(`${dir}/made.png`, `${dir}/${name}`);
  };
  for (const { name, colour, decoy } of PICTURES) {
    await picture(name, colour);
    if (decoy !== null) await picture(decoy, "#000000");
  }
  const lesson = {
    formats: ["160x90"],
    titleCard: false,
    voice: { provider: "espeak", voice: "en-us" },
    videos: PICTURES.map(({ name }, i) => ({
      id: `p${i}`,
      sections: [{ title: "T", narration: "Hi.", picture: { file: name, caption: false } }],
    })),
  };
  await Deno.writeTextFile(`${dir}/lesson.json`, JSON.stringify(lesson));
  const result = await runCli(["render", `${dir}/lesson.json`, "--out", `${dir}/out`]);
  assert.equal(result.code, 0, result.stderr);
  for (const [i, { name, colour }] of PICTURES.entries()) {
    const pixel = await pixelAt(`${dir}/out/p${i}.160x90.mp4`, 0.2, 80, 45);
    assert.ok(
      colourDistance(pixel, hexToRgb(colour)) <= 30,
      `${JSON.stringify(name)}: ${pixel}, expected ${colour}`,
    );
  }
});
