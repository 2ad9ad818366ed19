/**
 * The lesson planner's slides: card slide steps per video and format, the params of each slide kind, and keys that
 * change when, and only when, something that shapes a slide's bytes does.
 */
import assert from "node:assert/strict";
import type { PlanStep } from "../../../../lib/plan/plan_step.ts";
import { planWorkflows } from "../../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../../_support/toolchain.ts";
import { jpegWithOrientation } from "../../../_support/test_video.ts";

let folder: Promise<string> | null = null;

/** A folder with two different pictures, `a.png` and `b.png`, made once. */
function pictures(): Promise<string> {
  folder ??= (async () => {
    const dir = await tempDir();
    for (const [name, color] of [["a", "red"], ["b", "blue"]]) {
      const ffmpeg = new Deno.Command("ffmpeg", {
        args: [
          "-v",
          "error",
          "-f",
          "lavfi",
          "-i",
          `color=c=${color}:s=16x16`,
          "-frames:v",
          "1",
          `${dir}/${name}.png`,
        ],
      });
      assert.equal((await ffmpeg.output()).code, 0);
    }
    return dir;
  })();
  return folder;
}

async function planOf(input: WorkflowInput): Promise<PlanStep[]> {
  const dir = await pictures();
  const workflow = await resolveWorkflow(input, { file: "lesson.ts", moduleUrl: `file://${dir}/lesson.ts` });
  return planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps;
}

async function keysOf(input: WorkflowInput): Promise<Map<string, string>> {
  return new Map((await planOf(input)).map((step) => [step.id, step.key]));
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([id, key]) => before.get(id) !== key).map(([id]) => id).sort();
}

const base: WorkflowInput = {
  formats: ["16:9", "9:16"],
  videos: [{
    id: "v",
    title: "Rain",
    sections: [
      { id: "intro", title: "Intro", bullets: ["One"], narration: "Hello." },
      { id: "code", title: "Loops", narration: "A loop.", code: { language: "ts", text: "for (;;) {}" } },
      { id: "pic", title: "Clouds", narration: "Look.", picture: { file: "a.png", kenBurns: true } },
    ],
  }],
};

Deno.test("planLesson() plans a title card slide per format, and an end card when asked, shown first and last", async () => {
  const steps = await planOf({ ...base, endCard: { text: "Bye" } });
  const cards = steps.filter((step) => /^v\/(title|end)@/.test(step.id));
  assert.deepEqual(cards.map((step) => step.id), [
    "v/title@16x9",
    "v/title@9x16",
    "v/end@16x9",
    "v/end@9x16",
  ]);
  for (const card of cards) {
    assert.equal(card.kind, "slide");
    assert.deepEqual(card.deps, []);
  }
  // Each format's stills begin with the title card and end with the end card; the narration leaves them silence.
  for (const format of ["16x9", "9x16"]) {
    const stills = steps.find((step) => step.id === `v/stills@${format}`)!;
    assert.equal(stills.deps[0], `v/title@${format}`);
    assert.equal(stills.deps.at(-1), `v/end@${format}`);
  }
  const narration = steps.find((step) => step.id === "v/narration")!.params as Record<string, unknown>;
  assert.deepEqual([narration.lead, narration.tail], [3, 3]);
  const title = cards[0]!.params as Record<string, unknown>;
  assert.equal(title.kind, "title");
  assert.equal(title.title, "Rain");
  assert.equal(title.subtitle, "");
  assert.deepEqual(cards[2]!.params, {
    ...cards[2]!.params as object,
    kind: "end",
    title: "Thanks for watching",
    text: "Bye",
  });
  const none = await planOf({ ...base, titleCard: false });
  assert.ok(!none.some((step) => step.id.startsWith("v/title@")));
});

Deno.test("a workflow's timeout replaces a local narration's minute, not its 20 ms a character", async () => {
  const narration = "word ".repeat(1000).trim();
  const sections = [{ id: "long", title: "Long", narration }];
  const speechOf = async (timeout?: number) => {
    const steps = await planOf({
      ...base,
      ...timeout === undefined ? {} : { timeout },
      videos: [{ id: "v", sections }],
    });
    return steps.find((step) => step.id === "v/long/speech")!.timeout;
  };
  assert.deepEqual(await speechOf(), { ms: 60_000 + 20 * narration.length, perMediaSecond: 0 });
  // Before: 5000 ms in all, for a narration that takes minutes to say.
  assert.deepEqual(await speechOf(5000), { ms: 5000 + 20 * narration.length, perMediaSecond: 0 });
});

Deno.test("step keys: an espeak voice's language is keyed in one case, as espeak-ng reads it; its variant as written", async () => {
  const speechChanged = async (before: string, after: string) =>
    changed(await keysWith(before), await keysWith(after)).filter((id) => id.endsWith("/speech"));
  const keysWith = (voice: string) => keysOf({ ...base, voice: { provider: "espeak", voice } });
  const all = ["v/code/speech", "v/intro/speech", "v/pic/speech"];
  // Before: "EN-GB+f3" keyed every narration again, for the same bytes.
  assert.deepEqual(await speechChanged("en-gb+f3", "EN-GB+f3"), []);
  assert.deepEqual(await speechChanged("en-gb", "En-Gb"), []);
  // A variant is a file found by its case: "Mike" and "mike" are two voices (rv4).
  assert.deepEqual(await speechChanged("en+Mike", "en+mike"), all);
  assert.deepEqual(await speechChanged("en-gb+f3", "en-us+f3"), all);
});

Deno.test("planLesson() gives each section's slide the params of its kind", async () => {
  const dir = await pictures();
  const steps = new Map((await planOf(base)).map((step) => [step.id, step]));
  const params = (id: string) => steps.get(id)!.params as Record<string, unknown>;
  assert.equal(params("v/intro/slide@16x9").kind, "section");
  assert.equal("codeBackground" in params("v/intro/slide@16x9"), false);
  assert.equal(params("v/code/slide@16x9").kind, "code");
  assert.equal(params("v/code/slide@16x9").code, "for (;;) {}");
  assert.equal(params("v/code/slide@16x9").codeBackground, "#0f1f33");
  const picture = steps.get("v/pic/slide@9x16")!;
  assert.equal(params("v/pic/slide@9x16").kind, "picture");
  assert.equal(params("v/pic/slide@9x16").fit, "contain");
  assert.match(String(params("v/pic/slide@9x16").picture), /^[0-9a-f]{64}$/);
  assert.equal(picture.runtime.picturePath, `${dir}/a.png`);
  // The worker checks that the file still holds the bytes of the key (see planned_reads.ts).
  assert.deepEqual(picture.runtime.reads, [{
    path: `${dir}/a.png`,
    sha256: params("v/pic/slide@9x16").picture,
  }]);
  assert.equal(steps.get("v/intro/slide@16x9")!.runtime.reads, undefined);
  assert.equal(params("v/pic/slide@9x16").textScale, 1);
});

Deno.test("step keys: slide inputs re-render exactly the slides they shape", async () => {
  const before = await keysOf(base);
  const edit = async (change: (input: WorkflowInput) => void) => {
    const input = structuredClone(base);
    change(input);
    return changed(before, await keysOf(input)).filter((id) =>
      id.includes("slide") || /\/(title|end)@/.test(id)
    );
  };
  const sections = (input: WorkflowInput) => input.videos![0]!.sections;
  assert.deepEqual(await edit((input) => (input.theme = { codeBackground: "#000000" })), [
    "v/code/slide@16x9",
    "v/code/slide@9x16",
  ]);
  assert.deepEqual(await edit((input) => (input.videos![0]!.title = "Snow")), [
    "v/title@16x9",
    "v/title@9x16",
  ]);
  assert.deepEqual(await edit((input) => (sections(input)[2]!.picture = { file: "b.png", kenBurns: true })), [
    "v/pic/slide@16x9",
    "v/pic/slide@9x16",
  ]);
  assert.deepEqual(await edit((input) => (sections(input)[2]!.picture = { file: "a.png", fit: "cover" })), [
    "v/pic/slide@16x9",
    "v/pic/slide@9x16",
  ]);
  // The Ken Burns move is encoded later; it does not change the slide.
  assert.deepEqual(
    await edit((input) => (sections(input)[2]!.picture = { file: "a.png", kenBurns: { zoom: 1.3 } })),
    [],
  );
  assert.deepEqual(await edit((input) => (input.theme = "light")).then((ids) => ids.length), 8);
  assert.deepEqual(await edit((input) => (input.theme = { textScale: 1.2 })).then((ids) => ids.length), 8);
});

Deno.test("planLesson() plans a moving picture's two layers per format, which its clips draw from", async () => {
  const steps = new Map((await planOf(base)).map((step) => [step.id, step]));
  for (const format of ["16x9", "9x16"]) {
    const slide = steps.get(`v/pic/slide@${format}`)!;
    const picture = steps.get(`v/pic/picture@${format}`)!;
    const band = steps.get(`v/pic/band@${format}`)!;
    assert.deepEqual([picture.kind, band.kind], ["slide-layer", "slide-layer"]);
    const params = (step: PlanStep) => step.params as Record<string, unknown>;
    // The slide's params, the layer named; the band draws no picture, the contain picture sits under the band.
    assert.deepEqual(params(picture), { ...params(slide), layer: "picture" });
    assert.deepEqual(params(band), { ...params(slide), picture: null, image: null, layer: "band" });
    assert.equal(picture.runtime.picturePath, slide.runtime.picturePath);
    assert.equal(band.runtime.picturePath, null);
    // The stills show each part's whole slide; the clips take the picture layer in its place, then the band.
    assert.deepEqual(steps.get(`v/stills@${format}`)!.deps, [
      `v/title@${format}`,
      `v/intro/slide@${format}`,
      `v/code/slide@${format}`,
      `v/pic/slide@${format}`,
    ]);
    // The sections' speech first: the clips lay their frames from it, not from the narration's sound.
    assert.deepEqual(steps.get(`v/clips@${format}`)!.deps, [
      "v/intro/speech",
      "v/code/speech",
      "v/pic/speech",
      `v/title@${format}`,
      `v/intro/slide@${format}`,
      `v/code/slide@${format}`,
      `v/pic/picture@${format}`,
      `v/pic/band@${format}`,
    ]);
  }
  // A still picture has no layers.
  const still = structuredClone(base);
  still.videos![0]!.sections[2]!.picture = { file: "a.png" };
  assert.ok(!(await planOf(still)).some((step) => step.kind === "slide-layer"));
  // With burned captions, the cues come after the bands.
  const burned = await planOf({ ...base, captions: { burn: true } });
  const clips = burned.find((step) => step.id === "v/clips@16x9")!;
  assert.deepEqual(clips.deps.slice(6), [
    "v/pic/picture@16x9",
    "v/pic/band@16x9",
    "v/intro/cues",
    "v/code/cues",
    "v/pic/cues",
  ]);
});

Deno.test("step keys: a moving picture's band layer follows its title, its picture layer its picture", async () => {
  const cover = structuredClone(base);
  cover.videos![0]!.sections[2]!.picture = { file: "a.png", fit: "cover", kenBurns: true };
  const edit = async (from: WorkflowInput, change: (input: WorkflowInput) => void) => {
    const input = structuredClone(from);
    change(input);
    return changed(await keysOf(from), await keysOf(input)).filter((id) => id.startsWith("v/pic/"));
  };
  const pic = (input: WorkflowInput) => input.videos![0]!.sections[2]!;
  // A cover picture fills the frame whatever its band: a new title draws the band again, not the picture.
  assert.deepEqual(await edit(cover, (input) => (pic(input).title = "Rain clouds")), [
    "v/pic/band@16x9",
    "v/pic/band@9x16",
    "v/pic/slide@16x9",
    "v/pic/slide@9x16",
  ]);
  // A contain picture sits under its band, whose height the title sets.
  assert.deepEqual(await edit(base, (input) => (pic(input).title = "Rain clouds")), [
    "v/pic/band@16x9",
    "v/pic/band@9x16",
    "v/pic/picture@16x9",
    "v/pic/picture@9x16",
    "v/pic/slide@16x9",
    "v/pic/slide@9x16",
  ]);
  // Another picture file: the picture layer, not the band.
  assert.deepEqual(
    await edit(cover, (input) => (pic(input).picture = { file: "b.png", fit: "cover", kenBurns: true })),
    ["v/pic/picture@16x9", "v/pic/picture@9x16", "v/pic/slide@16x9", "v/pic/slide@9x16"],
  );
  // Another move: no layer is drawn again.
  assert.deepEqual(
    await edit(
      cover,
      (input) => (pic(input).picture = { file: "a.png", fit: "cover", kenBurns: { zoom: 1.5 } }),
    ),
    [],
  );
  // The clips and the video follow the band's text.
  const before = await keysOf(cover);
  const retitled = structuredClone(cover);
  pic(retitled).title = "Rain clouds";
  const after = await keysOf(retitled);
  for (const id of ["v/clips@16x9", "v/clips@9x16", "v/video@16x9"]) {
    assert.notEqual(before.get(id), after.get(id), id);
  }
});

Deno.test("a JPEG the slide turns for display (EXIF orientation) is in its slide's key; other images' slides keep theirs", async () => {
  const dir = await pictures();
  const made = new Deno.Command("ffmpeg", {
    args: [
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "color=c=green:s=32x16",
      "-frames:v",
      "1",
      `${dir}/plain.jpg`,
    ],
  });
  assert.equal((await made.output()).code, 0);
  await Deno.writeFile(`${dir}/turned.jpg`, jpegWithOrientation(await Deno.readFile(`${dir}/plain.jpg`), 6));
  const steps = await planOf({
    formats: ["160x90"],
    videos: [{
      id: "v",
      sections: [
        { id: "bg", title: "T", narration: "N", background: { image: "turned.jpg" } },
        { id: "pic", title: "T", narration: "N", picture: { file: "turned.jpg" } },
        { id: "plain", title: "T", narration: "N", background: { image: "plain.jpg" } },
      ],
    }],
  });
  const params = (id: string) => steps.find((step) => step.id === id)!.params as Record<string, unknown>;
  assert.equal(params("v/bg/slide@160x90").imageTurn, 6);
  assert.equal(params("v/pic/slide@160x90").pictureTurn, 6);
  assert.ok(!("imageTurn" in params("v/plain/slide@160x90")), "absent for an image that is not turned");
});
