/**
 * Resolving variants: inputs found by globs and folders, recipes by name or written out, random sets drawn
 * distinct and the same for the same seed, and every mistake named with its path.
 */
import assert from "node:assert/strict";
import { encodePng } from "../../../../lib/media/png_encoder.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import { variantsFields } from "../../../../lib/jobs/variants/variants_schema.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

async function resolve(dir: string, variants: unknown) {
  return await resolveWorkflow({ variants } as WorkflowInput, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
  });
}

Deno.test("inputs come from paths, globs and folders, each once, in the order given", async () => {
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/clips/deep`, { recursive: true });
  for (const name of ["clips/b.mp4", "clips/a.mp4", "clips/deep/c.mov", "clips/.hidden.mp4", "talk.mp4"]) {
    await Deno.writeTextFile(`${dir}/${name}`, name);
  }
  const workflow = await resolve(dir, [{
    inputs: ["talk.mp4", "clips/*.mp4", "clips/**/*.mov", "clips"],
    recipes: ["web"],
  }]);
  const inputs = workflow.jobs.variants?.jobs[0]?.inputs ?? [];
  assert.deepEqual(inputs.map((input) => input.name), [
    "talk.mp4",
    "clips/a.mp4",
    "clips/b.mp4",
    "clips/deep/c.mov",
  ]);
  assert.ok(inputs.every((input) => /^sha256:[0-9a-f]{64}$/.test(input.identity)));
});

Deno.test("a folder gives its videos only: a README or a thumbnail beside them is left out, as written paths are not", async () => {
  // Before: README.txt and thumb.png became inputs whose probes failed, exit 1.
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/clips`);
  for (const name of ["clips/a.MOV", "clips/README.txt", "clips/thumb.png", "clips/b.webm", "notes.txt"]) {
    await Deno.writeTextFile(`${dir}/${name}`, name);
  }
  const workflow = await resolve(dir, [{ inputs: ["clips", "notes.txt"], recipes: ["web"] }]);
  const inputs = workflow.jobs.variants?.jobs[0]?.inputs ?? [];
  assert.deepEqual(inputs.map((input) => input.name), ["clips/a.MOV", "clips/b.webm", "notes.txt"]);
  await Deno.mkdir(`${dir}/docs`);
  await Deno.writeTextFile(`${dir}/docs/README.txt`, "no videos here");
  await assert.rejects(
    resolve(dir, [{ inputs: ["docs"], recipes: ["web"] }]),
    /variants\[0\]\.inputs\[0\]: The folder "docs" holds no video files \(\.mp4, \.mov/,
  );
});

Deno.test("a folder's .ts files are inputs when they are transport streams, not when they are TypeScript; its name ends in one slash", async () => {
  // Before: a workflow's .ts beside the clips was a video whose probe failed, and `clips/` named `clips//a.ts`.
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/clips`);
  const packet = new Uint8Array(376);
  packet[0] = packet[188] = 0x47;
  await Deno.writeFile(`${dir}/clips/stream.ts`, packet);
  await Deno.writeTextFile(`${dir}/clips/workflow.ts`, 'import { workflow } from "reel";\n');
  const workflow = await resolve(dir, [{ inputs: ["clips/"], recipes: ["web"] }]);
  const inputs = workflow.jobs.variants?.jobs[0]?.inputs ?? [];
  assert.deepEqual(inputs.map((input) => input.name), ["clips/stream.ts"]);
  assert.deepEqual(inputs.map((input) => input.path), [`${dir}/clips/stream.ts`]);
});

Deno.test("a named pipe is an input with an identity of its own each time (nothing made from it is reused)", async () => {
  const dir = await tempDir();
  assert.ok((await new Deno.Command("mkfifo", { args: [`${dir}/live.mp4`] }).output()).success);
  const first = await resolve(dir, [{ inputs: ["live.mp4"], recipes: ["web"] }]);
  const second = await resolve(dir, [{ inputs: ["live.mp4"], recipes: ["web"] }]);
  const identity = (workflow: typeof first) => workflow.jobs.variants?.jobs[0]?.inputs[0]?.identity;
  assert.match(identity(first) ?? "", /^stream:/);
  assert.notEqual(identity(first), identity(second));
});

Deno.test("random sets are distinct, and the same for the same seed", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/a.mp4`, "a");
  const sets = async (seed: number) =>
    (await resolve(dir, [{ inputs: ["a.mp4"], recipes: ["shuffle"], count: 8, seed }])).jobs.variants?.jobs[0]
      ?.recipes[0]?.sets;
  const first = await sets(3);
  assert.equal(new Set(first?.map((set) => JSON.stringify(set))).size, 8);
  assert.deepEqual(await sets(3), first);
  assert.notDeepEqual(await sets(4), first);
});

Deno.test("each mistake is named with its path", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/a.mp4`, "a");
  await Deno.mkdir(`${dir}/other`);
  await Deno.writeTextFile(`${dir}/other/a.mov`, "a");
  const png = encodePng(new Uint8Array(4 * 16 * 16).fill(200), 16, 16);
  await Deno.writeFile(`${dir}/cut.png`, png.subarray(0, png.length - 20));
  await Deno.symlink("loop-b.mp4", `${dir}/loop-a.mp4`);
  await Deno.symlink("loop-a.mp4", `${dir}/loop-b.mp4`);
  const cases: [unknown, RegExp][] = [
    // Before: each of these threw Deno's own error (NotADirectory, IsADirectory, FilesystemLoop) with its stack, exit 1.
    [[{ inputs: ["a.mp4/"], recipes: ["web"] }], /variants\[0\]\.inputs\[0\]: No file matches "a\.mp4\/"/],
    [
      [{ inputs: ["a.mp4/b.mp4"], recipes: ["web"] }],
      /variants\[0\]\.inputs\[0\]: No file matches "a\.mp4\/b\.mp4"/,
    ],
    [
      [{ inputs: ["loop-a.mp4"], recipes: ["web"] }],
      /inputs\[0\]: Cannot read the file: its links loop: .*loop-a\.mp4/,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", overlay: { image: "cut.png/" } }] }],
      /overlay\.image: Image not found: cut\.png\//,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", overlay: { image: "other" } }] }],
      /overlay\.image: Expected an image, got a folder: other/,
    ],
    [[{ inputs: ["*.mkv"], recipes: ["web"] }], /variants\[0\]\.inputs\[0\]: No file matches "\*\.mkv"/],
    [
      [{ inputs: ["a.mp4"], recipes: ["sideways"] }],
      /variants\[0\]\.recipes\[0\]: Unknown recipe "sideways" \(built-in recipes: /,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: ["shufle"] }],
      /variants\[0\]\.recipes\[0\]: Unknown recipe "shufle" \(did you mean "shuffle"\?\) \(built-in recipes: /,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: ["vertical"], count: 3 }],
      /variants\[0\]\.count: No recipe here has random ranges \(vertical\): each makes one output per input, not 3/,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", random: { count: 5, mirror: true } }] }],
      /recipes\[0\]\.random: Cannot draw 5 distinct variants/,
    ],
    [[{ inputs: ["a.mp4"], recipes: [{ name: "x", hls: true }] }], /recipes\[0\]\.hls: HLS needs renditions/],
    // rv8: every rendition has a bitrate, which it is encoded to: the crf was dropped, unsaid.
    [
      [{
        inputs: ["a.mp4"],
        recipes: [{ name: "x", video: { crf: 20 }, renditions: [{ height: 360, bitrate: "1M" }] }],
      }],
      /recipes\[0\]\.video\.crf: Every rendition has a bitrate, which it is encoded to: the "crf" applies to none/,
    ],
    // rv9: the video's bitrate likewise.
    [
      [{
        inputs: ["a.mp4"],
        recipes: [{ name: "x", video: { bitrate: "4M" }, renditions: [{ height: 360, bitrate: "1M" }] }],
      }],
      /recipes\[0\]\.video\.bitrate: Every rendition has a bitrate, which it is encoded to: the "bitrate" applies/,
    ],
    // nt5: both were taken and the crf dropped, unsaid.
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", video: { crf: 20, bitrate: "1M" } }] }],
      /recipes\[0\]\.video: Give "crf" \(a quality\) or "bitrate" \(a size\), not both/,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", format: "91x160" }] }],
      /format: Width and height must be even/,
    ],
    // A preset written as its outputs are named, said as a lesson's format is (not "16 to 7680 pixels a side").
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", format: "16x9" }] }],
      /format: Expected "16:9", "9:16", "1:1" or a size like "1280x720" \(did you mean "16:9"\?\)/,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", format: "00x160" }] }],
      /format: Expected 16 to 7680 pixels a side/,
    ],
    [[{ inputs: ["a.mp4"], recipes: [{ name: "x", speed: 9 }] }], /recipes\[0\]\.speed/],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", overlay: { image: "logo.png" } }] }],
      /overlay\.image: Image not found: logo\.png/,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", overlay: { image: "cut.png" } }] }],
      /overlay\.image: Cannot use cut\.png: the PNG is truncated/,
    ],
    [
      [{ inputs: ["a.mp4"], recipes: [{ name: "x", renditions: [{ height: 720 }, { height: 17 }] }] }],
      /renditions\[1\]\.height: Expected an even height/,
    ],
    // Before: "Steps "…/h@90p" and "…/h@90p" would both write …", at the file.
    [
      [{
        inputs: ["a.mp4"],
        recipes: [{ name: "h", hls: true, renditions: [{ height: 90 }, { height: 90 }] }],
      }],
      /recipes\[0\]\.renditions\[1\]\.height: Two renditions are 90 px high \(renditions\[0\] too\)/,
    ],
    [
      [{ inputs: ["a.mp4", "other/a.mov"], recipes: ["web"] }],
      /would write outputs of the same names \(a\.\*\)/,
    ],
    // Before: "Steps "c/a/remix-1" and "c/a/remix-1" would both write a.remix-1.mp4", at the file.
    [
      [{
        inputs: ["a.mp4"],
        recipes: [{ name: "remix-1", format: "1:1" }, { name: "remix", random: { count: 2, mirror: true } }],
      }],
      /recipes\[1\]: Its variant "remix-1" and variants\[0\]\.recipes\[0\] \("remix-1"\) would write the same files/,
    ],
  ];
  for (const [variants, message] of cases) await assert.rejects(resolve(dir, variants), message);
});

Deno.test("a pipe named twice in a montage is refused: it gives its bytes once", async () => {
  const dir = await tempDir();
  assert.ok((await new Deno.Command("mkfifo", { args: [`${dir}/live.mp4`] }).output()).success);
  await assert.rejects(
    resolveWorkflow(
      { montages: [{ id: "m", layout: "grid", items: ["live.mp4", "live.mp4"] }] } as WorkflowInput,
      {
        file: "w.ts",
        moduleUrl: `file://${dir}/w.ts`,
      },
    ),
    /montages\[0\]\.items\[1\]: .*live\.mp4 is a stream \(a pipe\), read once: name it once/,
  );
});

Deno.test("a count and a seed apply to the random recipes of a job that mixes them with fixed ones", async () => {
  // Before: the count was refused at the fixed recipe ("has no random ranges"), while a seed was taken.
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/a.mp4`, "a");
  const workflow = await resolve(dir, [{
    inputs: ["a.mp4"],
    recipes: ["web", "shuffle"],
    count: 2,
    seed: 3,
  }]);
  const recipes = workflow.jobs.variants?.jobs[0]?.recipes ?? [];
  assert.deepEqual(recipes.map((recipe) => [recipe.name, recipe.sets.length, recipe.random]), [
    ["web", 1, null],
    ["shuffle", 2, { count: 2, seed: 3 }],
  ]);
});

Deno.test("overlay text the recipe's font lacks a character of is drawn in a font that has them all; text no one font draws is refused", async () => {
  // Before: 日本語 and emoji were drawn as boxes in DejaVu Sans, exit 0.
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/a.mp4`, "a");
  const recipe = (text: string) => ({ name: "x", overlay: { text } });
  const fontOf = async (text: string) => {
    const workflow = await resolve(dir, [{ inputs: ["a.mp4"], recipes: [recipe(text)] }]);
    return workflow.jobs.variants?.jobs[0]?.recipes[0]?.fontFile ?? "";
  };
  assert.match(await fontOf("Plain"), /DejaVuSans/);
  assert.match(await fontOf("日本語"), /NotoSansCJK/);
  await assert.rejects(
    resolve(dir, [{ inputs: ["a.mp4"], recipes: [recipe("漢字 🎉")] }]),
    /variants\[0\]\.recipes\[0\]\.overlay\.text: No installed font draws every character of the text "漢字 🎉"/,
  );
});

Deno.test("a recipe name is told once: a name that is not one by its pattern, an unknown one with its guess", () => {
  const issues = (recipes: string[]) =>
    variantsFields.variants.safeParse([{ inputs: ["a.mp4"], recipes }]).error?.issues.map((issue) =>
      issue.message
    );
  // rv27: "Vertical" was told twice at one path, by the pattern and as unknown.
  assert.deepEqual(issues(["Vertical"]), ["Expected a recipe name like vertical"]);
  assert.equal(issues(["verticle"])?.length, 1);
  assert.match(issues(["verticle"])![0]!, /^Unknown recipe "verticle" \(did you mean "vertical"\?\)/);
  assert.equal(issues(["vertical"]), undefined);
});
