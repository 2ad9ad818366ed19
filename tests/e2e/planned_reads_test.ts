/**
 * A file a step reads by path, replaced after the render planned and before the step read it (kr2: a picture swapped
 * while a 25-section render ran): the step made its artifact from the new bytes and stored it under the key of the
 * old ones, which every later render of the old file was served. Now the step fails, naming the file, nothing is
 * stored, and the old file renders as itself. Cases: a picture slide, a variant's input video and a custom step's
 * declared file.
 */
import assert from "node:assert/strict";
import { MOD_URL } from "../_support/workflows.ts";
import { renderWorkflows } from "../../lib/run/render_workflows.ts";
import { findFfmpeg, runFfmpeg } from "../../lib/media/ffmpeg.ts";
import { pixelAt, solidPngs } from "../_support/media.ts";
import { tempDir } from "../_support/temp_dir.ts";

/**
 * Renders `workflow` (written in `dir`) twice: the first time `file` is replaced by `replacement` once the run has
 * started, and the step `step` must fail naming it; then, `file` as it was, into a fresh output folder, which must
 * pass. Returns that second output folder.
 */
async function replacedMidRun(
  dir: string,
  workflow: unknown,
  change: { file: string; replacement: string; step: string },
): Promise<string> {
  await Deno.writeTextFile(
    `${dir}/workflow.ts`,
    `import { workflow, step } from "${MOD_URL}";\nvoid step;\nexport default workflow(${workflow});\n`,
  );
  const original = `${dir}/original`;
  await Deno.copyFile(change.file, original);
  const { run } = await renderWorkflows([`${dir}/workflow.ts`], {
    outDir: `${dir}/out`,
    onEvent: (event) => {
      // After the plan read the file, before any step did: replaced by a rename, as an editor saves.
      if (event.type === "run:started") Deno.renameSync(change.replacement, change.file);
    },
  });
  assert.equal(run.ok, false);
  const escaped = change.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  assert.match(
    [...run.errors].join("\n"),
    new RegExp(
      `${escaped} changed after the render planned step "${change.step}" \\(its key holds the bytes`,
    ),
  );
  await Deno.rename(original, change.file);
  const again = await renderWorkflows([`${dir}/workflow.ts`], { outDir: `${dir}/again` });
  assert.ok(again.run.ok, [...again.run.errors].join("\n"));
  return `${dir}/again`;
}

Deno.test("e2e: a picture replaced after the plan fails its slide, and the old picture is not stored as the new one", async () => {
  const dir = await tempDir("reel-reads-");
  const [red, blue] = await solidPngs(dir, ["#c00000", "#0000c0"], { width: 64, height: 36 });
  const workflow = JSON.stringify({
    formats: ["160x90"],
    titleCard: false,
    videos: [{
      id: "v",
      sections: [{ id: "s", title: "T", narration: "Red.", picture: { file: "slide0.png" } }],
    }],
  });
  const out = await replacedMidRun(dir, workflow, {
    file: red!,
    replacement: blue!,
    step: "v/s/slide@160x90",
  });
  const [r, g, b] = await pixelAt(`${out}/v.160x90.mp4`, 0.5, 80, 45);
  assert.ok(r > 150 && g < 60 && b < 60, `not red: ${[r, g, b]}`);
});

Deno.test("e2e: a variant's input replaced after the plan fails the variant", async () => {
  const dir = await tempDir("reel-reads-");
  const ffmpeg = await findFfmpeg();
  for (const [name, colour] of [["in.mp4", "red"], ["other.mp4", "blue"]]) {
    await runFfmpeg(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      `color=c=${colour}:s=64x36:d=1`,
      "-pix_fmt",
      "yuv420p",
      `${dir}/${name}`,
    ]);
  }
  const workflow = JSON.stringify({
    variants: [{ inputs: ["in.mp4"], recipes: [{ name: "small", format: "32x18" }] }],
  });
  const out = await replacedMidRun(dir, workflow, {
    file: `${dir}/in.mp4`,
    replacement: `${dir}/other.mp4`,
    step: "variants/in/probe",
  });
  const [r, g, b] = await pixelAt(`${out}/in.small.mp4`, 0.5, 16, 9);
  assert.ok(r > 150 && g < 60 && b < 60, `not red: ${[r, g, b]}`);
});

Deno.test("e2e: a custom step's declared file replaced after the plan fails the step", async () => {
  const dir = await tempDir("reel-reads-");
  await Deno.writeTextFile(`${dir}/data.txt`, "1");
  await Deno.writeTextFile(`${dir}/next.txt`, "2");
  const workflow = `{ steps: [step({ id: "read", files: ["data.txt"], output: "read.txt",
    run: async (_inputs, { outputPath }) => {
      await Deno.writeTextFile(outputPath, await Deno.readTextFile(new URL("./data.txt", import.meta.url)));
    } })] }`;
  const out = await replacedMidRun(dir, workflow, {
    file: `${dir}/data.txt`,
    replacement: `${dir}/next.txt`,
    step: "read",
  });
  assert.equal(await Deno.readTextFile(`${out}/read.txt`), "1");
});

Deno.test("e2e: a step that fails on a file changed under it is told the file changed, its own failure too", async () => {
  // fi6: a variant's input overwritten in place mid-encode was said to be "cut short: a partial download or copy?".
  const dir = await tempDir("reel-reads-");
  await Deno.writeTextFile(`${dir}/data.txt`, "1");
  await Deno.writeTextFile(`${dir}/folder.txt`, "1");
  const workflow = `import { step, workflow } from "${MOD_URL}";
export default workflow({ steps: [
  step({ id: "read", files: ["data.txt"], run: async () => {
    const data = new URL("./data.txt", import.meta.url);
    // Overwritten in place while the step reads it, as another program would.
    await Deno.writeTextFile(data, "garbage");
    throw new Error("cannot parse " + await Deno.readTextFile(data));
  } }),
  step({ id: "folder", files: ["folder.txt"], run: async () => {
    // A folder where the file was: the check cannot read it (rv9: the step's outcome was sent nowhere, and the
    // render waited for ever).
    const data = new URL("./folder.txt", import.meta.url);
    await Deno.remove(data);
    await Deno.mkdir(data);
    throw new Error("cannot parse it");
  } }),
] });
`;
  await Deno.writeTextFile(`${dir}/workflow.ts`, workflow);
  const { run } = await renderWorkflows([`${dir}/workflow.ts`], { outDir: `${dir}/out` });
  assert.equal(run.ok, false);
  const escaped = `${dir}/data.txt`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  assert.match(
    run.errors.get("read") ?? "",
    new RegExp(
      `^${escaped} changed after the render planned step "read" \\(its key holds the bytes it had then\\); ` +
        "the step failed: cannot parse garbage\\. Nothing was stored; render again$",
    ),
  );
  assert.match(
    run.errors.get("folder") ?? "",
    /^cannot parse it \(at line \d+, column \d+ of \S+workflow\.ts\)$/,
  );
});
