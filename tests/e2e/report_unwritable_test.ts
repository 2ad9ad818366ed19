/** A report that cannot be written is a warning: the videos are written and the run succeeds. */
import assert from "node:assert/strict";
import { runCli } from "../_support/cli.ts";
import { probe } from "../_support/media.ts";
import { writeWorkflowFile } from "../_support/workflows.ts";

Deno.test("a report that cannot be written is told as a warning; the video is written and the exit code is 0", async () => {
  const lesson = {
    formats: ["160x90"],
    voice: { provider: "espeak", voice: "en-us" },
    videos: [{ id: "v", sections: [{ title: "A", narration: "Hello there." }] }],
  };
  const file = await writeWorkflowFile(`export default workflow(${JSON.stringify(lesson)});`);
  const out = `${file.slice(0, file.lastIndexOf("/"))}/out`;
  // A folder where the report goes: it cannot be written.
  await Deno.mkdir(`${out}/report.html`, { recursive: true });
  const result = await runCli(["render", file, "--out", out]);
  assert.equal(result.code, 0, result.stderr);
  // In reel's words (before: "Is a directory (os error 21)").
  assert.match(result.stderr, new RegExp(`⚠ Cannot write the report ${out}/report\\.html: it is a folder\n`));
  assert.doesNotMatch(result.stderr, /✖/);
  assert.ok((await probe(`${out}/v.160x90.mp4`)).duration > 0.5);
});
