/** A video's music file is found by its exact name beside the workflow, whatever characters the name holds. */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { resolveMusic } from "../../../../lib/jobs/lesson/resolve_music.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

Deno.test("resolveMusic() reads the file of the exact name: %, %25, #, ?, a space, a tab, a newline", async () => {
  const dir = await tempDir();
  const ffmpeg = await findFfmpeg();
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "sine=d=0.2", `${dir}/made.wav`]);
  const names = ["100%.wav", "50%25.wav", "song #2.wav", "what?.wav", "my song.wav", "t\tab.wav", "n\nl.wav"];
  for (const name of names) await Deno.copyFile(`${dir}/made.wav`, `${dir}/${name}`);
  // Files a URL would have made of some of those names: not audio, so reading one would be an issue.
  for (const decoy of ["50%.wav", "song ", "what", "nl.wav"]) {
    await Deno.writeTextFile(`${dir}/${decoy}`, "decoy");
  }
  const context = { moduleUrl: `file://${dir}/lesson.ts`, issues: [], read: new Map() };
  for (const name of names) {
    const music = await resolveMusic({ file: name }, { music: undefined, index: 0 }, context);
    assert.equal(music?.path, `${dir}/${name}`, JSON.stringify(name));
  }
  assert.deepEqual(context.issues, []);
});

Deno.test("resolveMusic(): the lesson's music: false is none, and a video may still name its own", async () => {
  // Before: the lesson's false was taken for music without a file, "Music needs a file", exit 2.
  const dir = await tempDir();
  await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=d=0.2", `${dir}/own.wav`]);
  const context = { moduleUrl: `file://${dir}/lesson.ts`, issues: [], read: new Map() };
  assert.equal(await resolveMusic(false, { music: undefined, index: 0 }, context), null);
  const own = await resolveMusic(false, { music: "own.wav", index: 1 }, context);
  assert.equal(own?.path, `${dir}/own.wav`);
  assert.equal(own?.field, "videos[1].music.file");
  assert.deepEqual(context.issues, []);
});
