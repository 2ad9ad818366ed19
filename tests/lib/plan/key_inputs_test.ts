/**
 * Every workflow field that can change an output's bytes re-keys exactly the steps that make those bytes, and
 * nothing else: each row changes one field of a small lesson, montage or variants workflow and names the steps whose
 * keys must change (a step whose key changed runs again; one whose key did not is served from the store, see
 * `cache_resume_test.ts`). The expectations are what each field feeds: a slide's look its slide and the pictures
 * after it, the sound the narration and what muxes it, and so on.
 */
import assert from "node:assert/strict";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { makeColourImage, makeTestVideo } from "../../_support/test_video.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

const dir = await tempDir("reel-key-inputs-");
await makeColourImage(`${dir}/a.png`, { colour: "#3050e0", width: 32, height: 32 });
await makeColourImage(`${dir}/b.png`, { colour: "#e03050", width: 32, height: 32 });
await makeTestVideo(`${dir}/c.mp4`, { seconds: 1, width: 64, height: 36 });
await runFfmpeg(await findFfmpeg(), ["-f", "lavfi", "-i", "sine=f=220:d=2", `${dir}/m.wav`]);

// deno-lint-ignore no-explicit-any
type Workflow = any;

/** The key of every step of the workflow, by id. */
async function keysOf(input: Workflow): Promise<Map<string, string>> {
  const workflow = await resolveWorkflow(structuredClone(input), {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
    env: () => undefined,
  });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  return new Map(plan.steps.map((step) => [step.id, step.key]));
}

/** For each row, the ids of the steps whose keys the change changed, against those it names. */
async function checkRows(base: Workflow, rows: [string, (workflow: Workflow) => void, string[]][]) {
  const before = await keysOf(base);
  for (const [field, change, expected] of rows) {
    const input = structuredClone(base);
    change(input);
    const after = await keysOf(input);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), `${field}: the same steps`);
    const changed = [...after].filter(([id, key]) => before.get(id) !== key).map(([id]) => id).sort();
    assert.deepEqual(changed, [...expected].sort(), field);
  }
}

const at = (id: string) => `${id}@64x36`;
/** The pictures encoded and the video muxed: what any change to a picture re-runs. */
const PICTURES = [at("v/stills"), at("v/clips"), at("v/video")];
const SUBTITLES = ["v/subtitles.srt", "v/subtitles.vtt"];
/**
 * The narration's sound and what carries it. Not the clips (they lay their frames from the speech): a change of
 * music or loudness re-encoded every moving clip, to the same bytes (cache-key audit).
 */
const SOUND = ["v/narration", at("v/video"), ...SUBTITLES];
const CUES = ["v/s1/cues", "v/s2/cues", "v/s3/cues", ...PICTURES, ...SUBTITLES];
const SLIDES = [
  ...["v/s1/slide", "v/s2/slide", "v/s2/picture", "v/s2/band", "v/s3/slide", "v/title", "v/end"].map(at),
  ...PICTURES,
];
/** Speech: its sections' cues, the narration and the timeline (the pictures' lengths follow the speech). */
const SPEECH = [
  ...["v/s1", "v/s2", "v/s3"].flatMap((section) => [`${section}/speech`, `${section}/cues`]),
  "v/narration",
  ...PICTURES,
  ...SUBTITLES,
];

Deno.test("a lesson's fields re-key the steps whose bytes they change, and only those", async () => {
  const lesson = {
    formats: ["64x36"],
    fps: 24,
    captions: { burn: true },
    transition: { type: "fade", duration: 0.4 },
    titleCard: { title: "T", subtitle: "S", duration: 1 },
    endCard: { title: "E", text: "bye", duration: 1 },
    music: { file: "m.wav", volume: 0.3 },
    videos: [{
      id: "v",
      sections: [
        {
          title: "A",
          bullets: ["x"],
          narration: "One two.",
          background: { color: "#112233", image: "a.png" },
        },
        {
          title: "B",
          narration: "Three.",
          picture: { file: "b.png", kenBurns: { zoom: 1.2, direction: "in" } },
        },
        { title: "C", narration: "Four.", code: { text: "let x = 1;", language: "ts" } },
      ],
    }],
  };
  const section = (workflow: Workflow, index: number) => workflow.videos[0].sections[index];
  await checkRows(lesson, [
    // The room burned captions take at the bottom is kept clear of the slides' text: what sizes it re-keys them.
    ["captions.style.size", (w) => w.captions.style = { size: 0.08 }, SLIDES],
    ["captions.style.color", (w) => w.captions.style = { color: "#ff0000" }, PICTURES],
    ["captions.style.box", (w) => w.captions.style = { box: true }, PICTURES],
    ["captions.burn", (w) => w.captions.burn = false, SLIDES],
    ["captions.rules.maxLines", (w) => w.captions.rules = { maxLines: 1 }, [
      ...new Set([...CUES, ...SLIDES]),
    ]],
    // At 64x36 the captions' size is a pixel at 20 letters a line as at 42: their room does not change.
    ["captions.rules.maxLineLength", (w) => w.captions.rules = { maxLineLength: 20 }, CUES],
    ["transition.type", (w) => w.transition.type = "wipeleft", [at("v/clips"), at("v/video")]],
    ["transition.duration", (w) => w.transition.duration = 0.8, [at("v/clips"), at("v/video")]],
    ["titleCard.subtitle", (w) => w.titleCard.subtitle = "S2", [at("v/title"), ...PICTURES]],
    ["titleCard.duration (the narration's lead)", (w) => w.titleCard.duration = 2, [...SOUND, at("v/clips")]],
    ["endCard.text", (w) => w.endCard.text = "ciao", [at("v/end"), ...PICTURES]],
    ["music.file", (w) => w.music.file = "c.mp4", SOUND],
    ["music.volume", (w) => w.music.volume = 0.5, SOUND],
    ["music.fadeIn", (w) => w.music.fadeIn = 0.5, SOUND],
    ["music.duck", (w) => w.music.duck = 5, SOUND],
    ["videos[0].music: false", (w) => w.videos[0].music = false, SOUND],
    ["loudness.target", (w) => w.loudness = { target: -20 }, SOUND],
    ["loudness.truePeak", (w) => w.loudness = { truePeak: -3 }, SOUND],
    ["theme.name", (w) => w.theme = { name: "light" }, SLIDES],
    ["theme.accent", (w) => w.theme = { accent: "#00ff00" }, SLIDES],
    ["background.color", (w) => section(w, 0).background.color = "#445566", [at("v/s1/slide"), ...PICTURES]],
    ["background.image", (w) => section(w, 0).background.image = "b.png", [at("v/s1/slide"), ...PICTURES]],
    ["bullets", (w) => section(w, 0).bullets = ["y"], [at("v/s1/slide"), ...PICTURES]],
    ["picture.file", (w) => section(w, 1).picture.file = "a.png", [
      at("v/s2/slide"),
      at("v/s2/picture"),
      ...PICTURES,
    ]],
    [
      "picture.caption",
      (w) => section(w, 1).picture.caption = false,
      [at("v/s2/slide"), at("v/s2/picture"), at("v/s2/band"), ...PICTURES],
    ],
    ["picture.kenBurns.zoom", (w) => section(w, 1).picture.kenBurns.zoom = 1.4, [
      at("v/clips"),
      at("v/video"),
    ]],
    ["picture.kenBurns.direction", (w) => section(w, 1).picture.kenBurns.direction = "out", [
      at("v/clips"),
      at("v/video"),
    ]],
    ["code.text", (w) => section(w, 2).code.text = "let y = 2;", [at("v/s3/slide"), ...PICTURES]],
    ["narration", (w) => section(w, 0).narration = "One three.", [
      "v/s1/speech",
      "v/s1/cues",
      "v/narration",
      ...PICTURES,
      ...SUBTITLES,
    ]],
    ["voice.voice", (w) => w.voice = { provider: "flite", voice: "slt" }, SPEECH],
    ["voice.rate", (w) => w.voice = { provider: "flite", rate: 200 }, SPEECH],
    ["fps", (w) => w.fps = 25, ["v/narration", at("v/stills"), at("v/clips"), at("v/video"), ...SUBTITLES]],
    // Not drawn or not in any output: nothing runs again.
    ["code.language (not drawn)", (w) => section(w, 2).code.language = "python", []],
    ["videos[0].title (the title card has its own)", (w) => w.videos[0].title = "New", []],
    ["name", (w) => w.name = "other", []],
    ["limits", (w) => w.limits = { sections: 1 }, []],
  ]);
});

Deno.test("a montage's fields re-key its own steps, and only those", async () => {
  const grid = {
    id: "g",
    layout: "grid",
    items: ["a.png", { file: "b.png", caption: "Bee" }, "c.mp4"],
    // Large enough for its captions at 3 rows or a gap of 6 (smaller cells are refused).
    size: "128x72",
    fps: 24,
    duration: 1,
  };
  const scroll = {
    id: "s",
    layout: "scroll",
    items: ["a.png", { file: "b.png", caption: "Bee" }, "c.mp4"],
    size: "64x36",
    fps: 24,
    cell: { width: 30, height: 30 },
    gap: 2,
    speed: 50,
    audio: "m.wav",
  };
  const GRID = ["montage/g"];
  const SCROLL = ["montage/s/chunk-1", "montage/s"];
  await checkRows({ montages: [grid, scroll] }, [
    ["grid background", (w) => w.montages[0].background = "#ff0000", GRID],
    ["grid gap", (w) => w.montages[0].gap = 6, GRID],
    ["grid fit", (w) => w.montages[0].fit = "cover", GRID],
    ["grid rows", (w) => w.montages[0].rows = 3, GRID],
    ["grid cols", (w) => w.montages[0].cols = 3, GRID],
    ["grid caption.color", (w) => w.montages[0].caption = { color: "#00ff00" }, GRID],
    ["grid caption text", (w) => w.montages[0].items[1].caption = "Wasp", GRID],
    ["grid preset", (w) => w.montages[0].preset = "fast", GRID],
    ["grid duration", (w) => w.montages[0].duration = 2, GRID],
    ["grid fps", (w) => w.montages[0].fps = 30, GRID],
    ["grid audio", (w) => w.montages[0].audio = "m.wav", GRID],
    [
      "grid item order",
      (w) => w.montages[0].items = ["c.mp4", "a.png", { file: "b.png", caption: "Bee" }],
      GRID,
    ],
    ["scroll speed", (w) => w.montages[1].speed = 80, SCROLL],
    ["scroll direction", (w) => w.montages[1].direction = "right", SCROLL],
    ["scroll easing", (w) => w.montages[1].easing = "ease-in-out", SCROLL],
    ["scroll gap", (w) => w.montages[1].gap = 4, SCROLL],
    ["scroll cell", (w) => w.montages[1].cell = { width: 32, height: 30 }, SCROLL],
    ["scroll background", (w) => w.montages[1].background = "#ff0000", SCROLL],
    ["scroll fit", (w) => w.montages[1].fit = "cover", SCROLL],
    // The music is muxed after the strip is drawn: the strip's chunks stay.
    ["scroll audio gain", (w) => w.montages[1].audio = { file: "m.wav", gain: -6 }, ["montage/s"]],
  ]);
});

Deno.test("a variants recipe's fields re-key that recipe's steps, and only those", async () => {
  const variants = {
    variants: [{
      id: "x",
      inputs: ["c.mp4"],
      recipes: [
        { name: "r", format: "64x36" },
        { name: "t", overlay: { text: "Hi" } },
        { name: "i", overlay: { image: "a.png" } },
        { name: "h", hls: true, renditions: [{ height: 36 }] },
        { name: "p", format: "64x36", fit: "pad" },
      ],
    }],
  };
  const recipe = (workflow: Workflow, index: number) => workflow.variants[0].recipes[index];
  const R = ["x/c/r", "x/c/r/manifest"];
  const T = ["x/c/t", "x/c/t/manifest"];
  await checkRows(variants, [
    ["focus", (w) => recipe(w, 0).focus = { x: 0.2, y: 0.5 }, R],
    // A crop shows no background: only the manifest, which lists it, re-runs (rv25); a pad shows it.
    ["background under a crop", (w) => recipe(w, 0).background = "#ff0000", ["x/c/r/manifest"]],
    ["background under a pad", (w) => recipe(w, 4).background = "#ff0000", ["x/c/p", "x/c/p/manifest"]],
    ["trim.start", (w) => recipe(w, 0).trim = { start: 0.2 }, R],
    ["speed", (w) => recipe(w, 0).speed = 2, R],
    ["fps", (w) => recipe(w, 0).fps = 30, R],
    ["zoom", (w) => recipe(w, 0).zoom = 1.5, R],
    ["rotate", (w) => recipe(w, 0).rotate = 90, R],
    ["mirror", (w) => recipe(w, 0).mirror = true, R],
    ["color.hue", (w) => recipe(w, 0).color = { hue: 30 }, R],
    ["audio.gain", (w) => recipe(w, 0).audio = { gain: -3 }, R],
    ["audio.normalize", (w) => recipe(w, 0).audio = { normalize: true }, R],
    ["video.crf", (w) => recipe(w, 0).video = { crf: 30 }, R],
    ["video.preset", (w) => recipe(w, 0).video = { preset: "fastest" }, R],
    ["video.bitrate", (w) => recipe(w, 0).video = { bitrate: "1M" }, R],
    ["overlay.text", (w) => recipe(w, 1).overlay.text = "Ho", T],
    ["overlay.color", (w) => recipe(w, 1).overlay.color = "#ff0000", T],
    ["overlay.position", (w) => recipe(w, 1).overlay.position = "top-left", T],
    ["overlay.size", (w) => recipe(w, 1).overlay.size = 0.2, T],
    ["overlay.opacity", (w) => recipe(w, 1).overlay.opacity = 0.5, T],
    ["overlay.image", (w) => recipe(w, 2).overlay.image = "b.png", ["x/c/i", "x/c/i/manifest"]],
    [
      "renditions[0].bitrate",
      (w) => recipe(w, 3).renditions = [{ height: 36, bitrate: "500k" }],
      ["x/c/h@36p", "x/c/h@36p/manifest", "x/c/h@36p/playlist", "x/c/h/hls"],
    ],
  ]);
});
