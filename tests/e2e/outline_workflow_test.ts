/**
 * The example workflow `workflows/outline.ts`: a lesson read from a markdown outline, and a custom step that
 * writes YouTube chapter markers from the video's narration.
 */
import assert from "node:assert/strict";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { runProcess } from "../../lib/media/run_process.ts";
import { listFolder, runCli } from "../_support/cli.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { MOD_URL } from "../_support/workflows.ts";

const workflows = new URL("../../workflows/", import.meta.url).pathname;

/**
 * The times at which the video's picture changes, from a hash of every decoded frame: a lesson's slide is the
 * same picture for the whole of its section, so each change is a section's first frame.
 */
async function pictureChanges(file: string): Promise<number[]> {
  const { ffmpeg } = await findFfmpeg();
  const args = ["-v", "error", "-i", file, "-map", "0:v", "-vf", "scale=160:90", "-f", "framemd5", "-"];
  const { stdout } = await runProcess(ffmpeg, args);
  const changes: number[] = [];
  let previous: string | null = null;
  let timeBase = 0;
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const base = /^#tb 0: (\d+)\/(\d+)/.exec(line);
    if (base !== null) timeBase = Number(base[1]) / Number(base[2]);
    if (line.startsWith("#") || line.trim() === "") continue;
    const [, , pts, , , hash] = line.split(",").map((field) => field.trim());
    if (hash !== previous) changes.push(Number(pts) * timeBase);
    previous = hash!;
  }
  return changes;
}

/** `m:ss` or `h:mm:ss` in seconds. */
function seconds(stamp: string): number {
  return stamp.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

Deno.test("e2e: workflows/outline.ts renders the outline's sections and writes chapters where they start", async () => {
  const dir = await tempDir("reel-outline-");
  const run = await runCli([
    "render",
    `${workflows}outline.ts`,
    "--out",
    `${dir}/out`,
    "--cache",
    `${dir}/cache`,
    "--format",
    "16:9",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const outline = await Deno.readTextFile(`${workflows}outline.md`);
  const titles = [...outline.matchAll(/^##? (.+)$/gm)].map((match) => match[1]!.trim());
  assert.equal(titles.length, 4);
  const chapters = (await Deno.readTextFile(`${dir}/out/how-the-moon-makes-tides.chapters.txt`))
    .trimEnd()
    .split("\n")
    .map((line) => /^(\d+(?::\d\d){1,2}) (.+)$/.exec(line)!)
    .map(([, stamp, title]) => ({ at: seconds(stamp!), title }));
  assert.deepEqual(chapters.map((chapter) => chapter.title), titles);
  // The title card, then each section: each chapter is its section's first frame in the rendered video, rounded
  // down to the second; the first chapter holds the title card and starts at 0:00.
  const changes = await pictureChanges(`${dir}/out/how-the-moon-makes-tides.16x9.mp4`);
  assert.equal(changes.length, titles.length + 1, `picture changes at ${changes.join(", ")}`);
  assert.equal(changes[0], 0);
  const starts = [0, ...changes.slice(2)];
  for (const [i, chapter] of chapters.entries()) {
    assert.equal(
      chapter.at,
      Math.floor(starts[i]! + 1e-9),
      `${chapter.title}: ${chapter.at} s, starts ${starts[i]} s`,
    );
  }
  // YouTube shows chapters when the first is at 0:00 and each lasts 10 s or more.
  for (let i = 1; i < chapters.length; i++) assert.ok(chapters[i]!.at - chapters[i - 1]!.at >= 10);
});

Deno.test("e2e: a broken outline is named by its file and line, exit 2, nothing written", async () => {
  // Before: "Importing the file threw: The outline has no "# " title → at line 66 of markdown_outline.ts", and an
  // empty "##" heading was narrated as a paragraph.
  const dir = await tempDir("reel-outline-bad-");
  const text = await Deno.readTextFile(`${workflows}outline.ts`);
  await Deno.writeTextFile(`${dir}/outline.ts`, text.replace(`from "../mod.ts"`, `from "${MOD_URL}"`));
  const cases: [string, RegExp][] = [
    [
      "Just text.\n",
      /✖ Importing the file threw: outline\.md line 1: the outline must start with a "# " title/,
    ],
    [
      "# Tides\n\nIntro.\n\n##\n\nText.\n",
      /✖ Importing the file threw: outline\.md line 5: a heading with no title: ##/,
    ],
    [
      "# Tides\n\nIntro.\n\n## Pull\n- A bullet\n",
      /outline\.md line 5: section "Pull" has no paragraph to narrate/,
    ],
    [
      "# Tides\n\n## Pull\n\nText.\n",
      /outline\.md line 1: the title "Tides" has no introduction to narrate: write a paragraph under it/,
    ],
    [
      "# Tides\n\nIntro.\n\n### Deeper\n\nText.\n",
      /outline\.md line 5: only one "# " title and "## " sections/,
    ],
  ];
  for (const [outline, message] of cases) {
    await Deno.writeTextFile(`${dir}/outline.md`, outline);
    const run = await runCli(["render", `${dir}/outline.ts`, "--out", `${dir}/out`]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(await listFolder(`${dir}/out`), null);
  }
});
