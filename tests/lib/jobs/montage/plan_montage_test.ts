/**
 * Montages planned: a grid is one step, a strip a step per chunk (each with only the items in view) and a join; keys
 * change when, and only when, what a step shows does; mistakes are named with their path.
 */
import assert from "node:assert/strict";
import { WorkflowError } from "../../../../lib/core/errors.ts";
import { stripChunks } from "../../../../lib/jobs/montage/scroll_layout.ts";
import { planWorkflows } from "../../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../../_support/toolchain.ts";
import { TEXT_SEGMENTATION } from "../../../../lib/core/segmenters.ts";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function itemsDir(count: number): Promise<string> {
  const dir = await tempDir();
  for (let i = 0; i < count; i++) {
    await Deno.writeFile(`${dir}/img${String(i).padStart(3, "0")}.png`, new Uint8Array([...PNG, i]));
  }
  return dir;
}

async function planOf(dir: string, montages: unknown, env: Record<string, string> = {}) {
  const workflow = await resolveWorkflow({ montages } as WorkflowInput, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
    env: (name) => env[name],
  });
  return planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
}

const strip = {
  id: "strip",
  layout: "scroll",
  items: ["*.png"],
  size: "320x180",
  fps: 10,
  cell: { width: 100, height: 80 },
  gap: 10,
  speed: 100,
};

Deno.test("a strip is planned as chunks of at most 5 s, each with the items it shows, and a join", async () => {
  const dir = await itemsDir(6);
  const plan = await planOf(dir, [strip]);
  // Travel 6·100 + 5·10 + 320 = 970 px at 100 px/s: 9.7 s, so chunks of 5 and 4.7 s.
  assert.deepEqual(plan.steps.map((step) => step.id), [
    "montage/strip/chunk-1",
    "montage/strip/chunk-2",
    "montage/strip",
  ]);
  const shown = plan.steps.slice(0, 2).map((step) =>
    (step.params as { items: { index: number }[] }).items.map((item) => item.index)
  );
  // In 5 s the strip moves 500 px: items 0 to 4 enter (item 4 at 440 px); from 500 px items 1 to 5 are in view.
  assert.deepEqual(shown, [[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]]);
  assert.deepEqual(plan.steps[2]?.deps, ["montage/strip/chunk-1", "montage/strip/chunk-2"]);
  assert.equal(plan.steps[2]?.output, "strip.mp4");
});

Deno.test("a changed item re-runs only the chunks that show it, and the join", async () => {
  const dir = await itemsDir(6);
  const before = await planOf(dir, [strip]);
  await Deno.writeFile(`${dir}/img000.png`, new Uint8Array([...PNG, 99]));
  const after = await planOf(dir, [strip]);
  const changed = after.steps.filter((step, i) => step.key !== before.steps[i]?.key).map((step) => step.id);
  assert.deepEqual(changed, ["montage/strip/chunk-1", "montage/strip"]);
});

Deno.test("another encoder re-runs every montage step that encodes", async () => {
  const dir = await itemsDir(2);
  const grid = { id: "wall", layout: "grid", items: ["*.png"], size: "320x180" };
  const before = await planOf(dir, [grid, strip]);
  const workflow = await resolveWorkflow({ montages: [grid, strip] } as WorkflowInput, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
  });
  const nvenc = { name: "h264_nvenc", codec: "h264" as const, hardware: true };
  const after = planWorkflows([workflow], {
    toolchain: { ...TEST_TOOLCHAIN, encoders: { h264: nvenc, hevc: null, cores: 2 } },
  });
  const same = after.steps.filter((step, i) => step.key === before.steps[i]?.key).map((step) => step.id);
  assert.deepEqual(same, []);
});

Deno.test("a machine with more cores re-runs the grid (x264 picks its threads from them), not the strip's chunks", async () => {
  const dir = await itemsDir(2);
  const grid = { id: "wall", layout: "grid", items: ["*.png"], size: "320x180" };
  const workflow = await resolveWorkflow({ montages: [grid, strip] } as WorkflowInput, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
  });
  const planOn = (cores: number) =>
    planWorkflows([workflow], {
      toolchain: { ...TEST_TOOLCHAIN, encoders: { ...TEST_TOOLCHAIN.encoders!, cores } },
    });
  const [two, eight] = [planOn(2), planOn(8)];
  const changed = eight.steps.filter((step, i) => step.key !== two.steps[i]?.key).map((step) => step.id);
  // The strip's chunks encode with one thread each, whatever the machine.
  assert.deepEqual(changed, ["montage/wall"]);
});

Deno.test("stripChunks splits a chunk whose strip would be too long, and every frame is in one chunk", () => {
  const shape = {
    count: 100,
    frame: { width: 1920, height: 1080 },
    cell: { width: 720, height: 540 },
    gap: 20,
    direction: "left" as const,
  };
  const chunks = stripChunks(shape, { duration: 20, fps: 30, easing: "ease-in-out" });
  let next = 0;
  for (const chunk of chunks) {
    assert.equal(chunk.start, next);
    next += chunk.frames;
    if (chunk.items !== null) assert.ok((chunk.items.last - chunk.items.first + 1) * 740 <= 12_000);
  }
  assert.equal(next, 600);
  assert.ok(chunks.length > 4, "the fast middle of the ease is cut finer");
});

Deno.test("montage mistakes are named with their path", async () => {
  const dir = await itemsDir(3);
  const cases: [unknown, RegExp, Record<string, string>?][] = [
    [[{ ...strip, duration: 4 }], /montages\[0\]\.duration: Give the speed or the duration, not both/],
    // Before: a speed of 0.001 planned a strip of hundreds of thousands of seconds, tens of thousands of steps.
    [
      [{ ...strip, speed: 0.001 }],
      /montages\[0\]\.speed: At 0\.001 px\/s the strip's \d+ px take \d+ s to cross: a montage lasts 3600 s at most/,
    ],
    // fi4: a strip that crossed in a frame gave one black frame, exit 0.
    [
      [{ ...strip, speed: 20_000 }],
      /montages\[0\]\.speed: At 20000 px\/s the strip's \d+ px take 0\.\d+ s to cross: a montage lasts 1 s at least/,
    ],
    // nt5: said as a grid's duration before, "above 0, at most 3600", which 0.05 is.
    [[{ ...strip, speed: undefined, duration: 0.05 }], /montages\[0\]\.duration: Expected 1 to 3600 seconds/],
    [
      [{ id: "g", layout: "grid", items: ["*.png"], rows: 1, cols: 2 }],
      /montages\[0\]\.rows: 1 × 2 cells cannot hold 3 items/,
    ],
    // fi12: named the montage, not the gap that made its cells too small; and a grid took 0.01 s (one frame).
    [
      [{ id: "g", layout: "grid", items: ["*.png"], size: "320x180", rows: 1, gap: 200 }],
      /montages\[0\]\.gap: 1 × 3 cells with 200 px gaps do not fit in 320×180/,
    ],
    // rv13: 100 rows do not fit 180 px at any gap: the rows are named, not the gap.
    [
      [{ id: "g", layout: "grid", items: ["*.png"], size: "320x180", rows: 100, gap: 1 }],
      /montages\[0\]\.rows: 100 × 1 cells with 1 px gaps do not fit in 320×180/,
    ],
    [
      [{ id: "g", layout: "grid", items: ["*.png"], size: "320x180", cols: 100 }],
      /montages\[0\]\.cols: 1 × 100 cells with 4 px gaps do not fit in 320×180/,
    ],
    // nt17: a captioned grid whose cells were smaller than the captions' band failed in ffmpeg ("s=312x-2").
    [
      [{
        id: "g",
        layout: "grid",
        items: ["*.png"],
        size: "320x180",
        rows: 3,
        cols: 1,
        gap: 37,
        captions: true,
      }],
      /montages\[0\]\.gap: Captions take 8 px at the bottom of each cell, and the 3 × 1 cells are 10 px high, leaving their pictures 2 px \(8 at least\): a smaller gap leaves them room/,
    ],
    [
      [{ id: "g", layout: "grid", items: ["*.png"], size: "320x180", rows: 16, cols: 1, captions: true }],
      /montages\[0\]\.captions: Captions take 8 px .* the 16 × 1 cells are 6 px high, leaving their pictures none \(8 at least\): fewer rows or a larger size leaves them room/,
    ],
    [
      [{ id: "g", layout: "grid", items: ["*.png", { file: "img000.png", caption: "Zero" }], size: "24x24" }],
      /montages\[0\]: Captions take 8 px at the bottom of each cell, and the 2 × 2 cells are 12 px high/,
    ],
    // rv35: the gap's, when the cells leave room without it.
    [
      [{ id: "g", layout: "grid", items: ["*.png"], size: "64x36", rows: 2, gap: 2, captions: true }],
      /montages\[0\]\.gap: Captions take 8 px .* 2 × 2 cells are 14 px high, leaving their pictures 6 px \(8 at least\): a smaller gap leaves them room/,
    ],
    [
      [{ id: "g", layout: "grid", items: ["*.png"], duration: 0.01 }],
      /montages\[0\]\.duration: Expected 1 to 3600 seconds/,
    ],
    [[{ id: "g", layout: "grid", items: ["*.jpg"] }], /montages\[0\]\.items\[0\]: No file matches "\*\.jpg"/],
    // An item written as an object, at its file (rv44: at the item).
    [
      [{ id: "g", layout: "grid", items: ["*.png", { file: "gone.png", caption: "Gone" }] }],
      /montages\[0\]\.items\[1\]\.file: /,
    ],
    [[{ id: "g", layout: "grid", items: ["*.png"], direction: "up" }], /Unknown field "direction"/],
    [[{ id: "g", layout: "fan", items: ["*.png"] }], /montages\[0\]\.layout/],
    [
      [{ id: "g", layout: "grid", items: ["*.png"], captions: true }],
      /montages\[0\]\.captions: No font to draw captions with: REEL_FONT_DIR names .*no-fonts, which holds no DejaVuSans\.ttf: point it at a folder that does/,
      { REEL_FONT_DIR: `${dir}/no-fonts` },
    ],
    [
      [{ id: "g", layout: "grid", items: ["*.png"], audio: "song.mp3" }],
      /montages\[0\]\.audio: No file matches/,
    ],
  ];
  for (const [montages, message, env] of cases) await assert.rejects(planOf(dir, montages, env), message);
});

Deno.test("a caption the montage's font lacks a character of is drawn in a font that has them all, keyed by it; other captions keep their keys", async () => {
  // Before: 日本語 was drawn as boxes in DejaVu Sans.
  const dir = await itemsDir(3);
  const grid = (captions: string[]) => ({
    id: "wall",
    layout: "grid",
    items: captions.map((caption, i) => ({ file: `img00${i}.png`, caption })),
    size: "320x180",
  });
  const plan = await planOf(dir, [grid(["Plain", "日本語", "🎉"])]);
  const step = plan.steps.find((candidate) => candidate.id === "montage/wall")!;
  const fonts = step.runtime.fonts as (string | null)[];
  assert.equal(fonts[0], null, "DejaVu Sans draws it");
  assert.match(fonts[1] ?? "", /NotoSansCJK/);
  assert.match(fonts[2] ?? "", /Symbola/);
  const cells = (step.params as { cells: { font?: string }[] }).cells;
  assert.ok(!("font" in cells[0]!));
  // Captions are keyed by what cuts their text here (ICU's version: kr2); a montage without any is not.
  assert.equal((step.engine as { text?: string }).text, TEXT_SEGMENTATION);
  // The fonts it draws with are read by path, checked by the worker against their digests (rv2).
  const reads = (step.runtime.reads as { path: string; sha256: string }[]).map((read) => read.path);
  for (const font of fonts.filter((font) => font !== null)) assert.ok(reads.includes(font), font);
  const bare = (await planOf(dir, [{ ...grid(["a", "b", "c"]), items: ["*.png"] }])).steps[0]!;
  assert.equal((bare.engine as { text?: string }).text, undefined);
  assert.match(cells[1]!.font ?? "", /^[0-9a-f]{16}$/);
  // A caption no one font draws, or of two lines, is refused at its item.
  await assert.rejects(planOf(dir, [grid(["漢字 🎉", "Two\nlines", "ok"])]), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.deepEqual(error.issues.map((issue) => [issue.path, issue.message.slice(0, 51)]), [
      ["montages[0].items[0]", "No installed font draws every character of the capt"],
      ["montages[0].items[1]", "A caption is drawn on one line: this one has a line"],
    ]);
    // The fonts are installed, none has both: installing is no help (before, it was the advice).
    assert.match(
      error.issues[0]!.message,
      /none has "(漢|🎉)" beside the others\): write the caption without it, or/,
    );
    return true;
  });
  // A character no installed font has (U+0378 is unassigned): installing may help.
  await assert.rejects(planOf(dir, [grid(["A\u0378", "b", "c"])]), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.match(
      error.issues[0]?.message ?? "",
      /\): install fonts-noto-cjk or fonts-symbola, or write the caption/,
    );
    return true;
  });
});

Deno.test("an item ffmpeg once read as a frame-number pattern is marked in its cell's params; the others keep their keys", async () => {
  const dir = await itemsDir(1);
  await Deno.writeFile(`${dir}/frame%d.png`, new Uint8Array([...PNG, 9]));
  const plan = await planOf(dir, [{ id: "wall", layout: "grid", items: ["img000.png", "frame%d.png"] }]);
  const cells =
    (plan.steps.find((step) => step.id === "montage/wall")!.params as { cells: { literal?: true }[] })
      .cells;
  assert.deepEqual(cells.map((cell) => cell.literal), [undefined, true]);
});

Deno.test("captions on one baseline re-key the grids and strip chunks that show captions, and no other", async () => {
  const dir = await itemsDir(6);
  const line = (plan: Awaited<ReturnType<typeof planOf>>, id: string) =>
    (plan.steps.find((step) => step.id === id)!.params as { captionLine?: string }).captionLine;
  const grid = { id: "wall", layout: "grid", items: ["img000.png", "img001.png"], size: "320x180" };
  const captioned = { ...grid, id: "named", items: [{ file: "img000.png", caption: "One" }, "img001.png"] };
  const grids = await planOf(dir, [grid, captioned]);
  assert.equal(line(grids, "montage/wall"), undefined, "no caption: its key as it was");
  assert.equal(line(grids, "montage/named"), "baseline");
  // A strip whose first item alone has a caption: the chunk that shows it re-keys, the one after it does not.
  const items = ["img001.png", "img002.png", "img003.png", "img004.png", "img005.png"];
  const strips = await planOf(dir, [{
    ...strip,
    items: [{ file: "img000.png", caption: "First" }, ...items],
  }]);
  assert.equal(line(strips, "montage/strip/chunk-1"), "baseline");
  assert.equal(line(strips, "montage/strip/chunk-2"), undefined);
});

Deno.test("a caption colour re-keys the grids and strip chunks that draw a caption, and no other", async () => {
  const dir = await itemsDir(6);
  const grid = { id: "wall", layout: "grid", items: ["img000.png", "img001.png"], size: "320x180" };
  const captioned = { ...grid, id: "named", items: [{ file: "img000.png", caption: "One" }, "img001.png"] };
  const first = { ...strip, items: [{ file: "img000.png", caption: "First" }, "img001.png", "*.png"] };
  const keys = async (color: string) => {
    const caption = { color };
    const plan = await planOf(dir, [{ ...grid, caption }, { ...captioned, caption }, { ...first, caption }]);
    return new Map(plan.steps.map((step) => [step.id, step.key]));
  };
  const [white, red] = [await keys("#ffffff"), await keys("#ff0000")];
  // Before, every one of them was made again, the same bytes for those that draw no caption (rv25).
  assert.deepEqual([...red].filter(([id, key]) => white.get(id) !== key).map(([id]) => id), [
    "montage/named",
    "montage/strip/chunk-1",
    "montage/strip",
  ]);
});
