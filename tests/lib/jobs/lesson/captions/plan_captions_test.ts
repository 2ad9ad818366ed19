/**
 * The lesson's caption steps in a plan: a cues step per section, an SRT and a VTT per video and a positioned VTT
 * per portrait format; keys that change when, and only when, the narration, the caption rules or the speech do.
 */
import assert from "node:assert/strict";
import type { PlanStep } from "../../../../../lib/plan/plan_step.ts";
import { planWorkflows } from "../../../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../../lib/workflow/workflow_schema.ts";
import { TEST_TOOLCHAIN } from "../../../../_support/toolchain.ts";
import { voiceLanguage } from "../../../../../lib/jobs/lesson/captions/plan_captions.ts";
import { TEXT_SEGMENTATION } from "../../../../../lib/core/segmenters.ts";

const base: WorkflowInput = {
  formats: ["16:9", "9:16"],
  videos: [{
    id: "v",
    sections: [
      { id: "a", title: "One", narration: "The first part. It has two sentences." },
      { id: "b", title: "Two", narration: "The second part." },
    ],
  }],
};

async function planOf(input: WorkflowInput): Promise<PlanStep[]> {
  const workflow = await resolveWorkflow(input, { file: "lesson.ts", moduleUrl: "file:///tmp/lesson.ts" });
  return planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps;
}

/** The keys of every step but the videos (which burned captions, when asked, would read). */
async function keysOf(input: WorkflowInput): Promise<Map<string, string>> {
  const steps = (await planOf(input)).filter((step) => step.kind !== "video");
  return new Map(steps.map((step) => [step.id, step.key]));
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([id, key]) => before.get(id) !== key).map(([id]) => id).sort();
}

const SUBTITLES = ["v/subtitles.srt", "v/subtitles.vtt", "v/subtitles.vtt@9x16"];

Deno.test("plan: a cues step per section reads its speech; the subtitles read the narration and every section's cues", async () => {
  const steps = await planOf(base);
  const byId = new Map(steps.map((step) => [step.id, step]));
  for (const section of ["a", "b"]) {
    const cues = byId.get(`v/${section}/cues`)!;
    assert.equal(cues.kind, "cues");
    assert.deepEqual(cues.deps, [`v/${section}/speech`]);
  }
  const subtitles = steps.filter((step) => step.kind === "subtitles");
  assert.deepEqual(subtitles.map((step) => step.id), SUBTITLES);
  for (const step of subtitles) assert.deepEqual(step.deps, ["v/narration", "v/a/cues", "v/b/cues"]);
});

Deno.test("plan: a 9:16 format gets <video>.9x16.vtt with line settings; 16:9 and 1:1 get none", async () => {
  const steps = await planOf({ ...base, formats: ["16:9", "1:1", "9:16"] });
  const subtitles = steps.filter((step) => step.kind === "subtitles");
  assert.deepEqual(subtitles.map((step) => [step.id, step.output]), [
    ["v/subtitles.srt", "v.srt"],
    ["v/subtitles.vtt", "v.vtt"],
    ["v/subtitles.vtt@9x16", "v.9x16.vtt"],
  ]);
  const settings = subtitles.map((step) => (step.params as { settings: string | null }).settings);
  assert.deepEqual(settings, [null, null, "line:80%,end position:50%,center align:center"]);
  const landscape = await planOf({ ...base, formats: ["16:9", "1:1"] });
  assert.ok(!landscape.some((step) => step.id.includes("subtitles.vtt@")));
});

Deno.test("keys: changing a section's narration re-runs its cues and the subtitles, nothing else of the captions", async () => {
  const before = await keysOf(base);
  const edited = structuredClone(base);
  edited.videos![0]!.sections[1]!.narration = "The second part, said differently.";
  const after = await keysOf(edited);
  const captions = changed(before, after).filter((id) => /\/cues$|subtitles/.test(id));
  assert.deepEqual(captions, ["v/b/cues", ...SUBTITLES]);
});

Deno.test("keys: changing any caption rule re-runs every cues step and the subtitles, and no speech or slide", async () => {
  const before = await keysOf(base);
  for (
    const rules of [
      { maxLineLength: 32 },
      { maxLines: 1 },
      { minDuration: 1.5 },
      { maxDuration: 6 },
      { maxCharsPerSecond: 17 },
    ]
  ) {
    const after = await keysOf({ ...base, captions: { rules } });
    assert.deepEqual(changed(before, after), ["v/a/cues", "v/b/cues", ...SUBTITLES], JSON.stringify(rules));
  }
});

Deno.test("keys: the default rules written out, or a burn style, change no caption key", async () => {
  const before = await keysOf(base);
  const same = await keysOf({
    ...base,
    captions: {
      rules: { maxLineLength: 42, maxLines: 2, minDuration: 1, maxDuration: 7, maxCharsPerSecond: 20 },
    },
  });
  assert.deepEqual(changed(before, same), []);
  const styled = await keysOf({ ...base, captions: { style: { size: 0.08, box: true } } });
  assert.deepEqual(changed(before, styled).filter((id) => /\/cues$|subtitles/.test(id)), []);
});

Deno.test("keys: a new ffmpeg re-runs the cues steps (silencedetect) and, through them, the subtitles", async () => {
  const workflow = await resolveWorkflow(base, { file: "lesson.ts", moduleUrl: "file:///tmp/lesson.ts" });
  const keys = (ffmpeg: string) =>
    new Map(
      planWorkflows([workflow], { toolchain: { ...TEST_TOOLCHAIN, ffmpeg } }).steps.map((s) => [s.id, s.key]),
    );
  const captions = changed(keys("ffmpeg version test"), keys("ffmpeg version 7")).filter((id) =>
    /\/cues$|subtitles/.test(id)
  );
  assert.deepEqual(captions, ["v/a/cues", "v/b/cues", ...SUBTITLES]);
});

Deno.test("plan: cues know the language of an espeak-ng or flite voice chosen, English's of the default", async () => {
  const languages = async (voice: WorkflowInput["voice"]) =>
    (await planOf({ ...base, voice })).filter((step) => step.kind === "cues").map((step) =>
      (step.params as { voiceLanguage: string | null }).voiceLanguage
    );
  // The words are broken as English's either way.
  assert.deepEqual(await languages(undefined), ["en", "en"]);
  // An API's voice, or one given by its full name, tells none.
  assert.deepEqual(await languages({ provider: "espeak", voice: "German" }), ["en", "en"]);
  assert.deepEqual(await languages({ provider: "espeak", voice: "de" }), ["de", "de"]);
  assert.deepEqual(await languages({ provider: "espeak", voice: "gmw/en-US+f3" }), ["en", "en"]);
  // espeak-ng named without a voice speaks its default, en-us.
  assert.deepEqual(await languages({ provider: "espeak", rate: 150 }), ["en", "en"]);
  assert.deepEqual(await languages({ provider: "flite", voice: "slt" }), ["en", "en"]);
  const german = await keysOf({ ...base, voice: { provider: "espeak", voice: "de" } });
  const french = await keysOf({ ...base, voice: { provider: "espeak", voice: "fr" } });
  assert.ok(changed(german, french).includes("v/a/cues"));
  // rv21: the default voice written out re-ran the cues and the subtitles, whose bytes were the same.
  const written = await keysOf({ ...base, voice: { provider: "flite", voice: "rms", rate: 165 } });
  assert.deepEqual(changed(await keysOf(base), written), []);
});

Deno.test("voiceLanguage() tells the language of every voice espeak-ng lists by its file, mbrola's too", async () => {
  // rv22: `mb-de1-en` (English with a German accent) was read as German, `mb-br1` (Brazilian) as Breton.
  let checked = 0;
  for (const args of [["--voices"], ["--voices=mb"]]) {
    const { stdout } = await new Deno.Command("espeak-ng", { args }).output();
    for (const line of new TextDecoder().decode(stdout).trim().split("\n").slice(1)) {
      const [, language, , , file] = line.trim().split(/\s+/);
      const voice = {
        provider: "espeak",
        engine: "espeak" as const,
        voice: file!,
        rate: 160,
        model: null,
        field: "v",
      };
      assert.equal(voiceLanguage(voice), language!.toLowerCase().split("-")[0], `${file} speaks ${language}`);
      checked++;
    }
  }
  assert.ok(checked > 100, `${checked} voices`);
});

Deno.test("keys: the cues are keyed by what cuts text into words here (ICU's version)", async () => {
  // kr2: a new ICU may cut Thai or Chinese narration into other words, and the old cues were served.
  const workflow = await resolveWorkflow(base, { file: "lesson.ts", moduleUrl: "file:///tmp/lesson.ts" });
  const cues = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps.filter((s) =>
    s.id.endsWith("/cues")
  );
  assert.equal(cues.length, 2);
  for (const step of cues) assert.equal((step.engine as { text?: string }).text, TEXT_SEGMENTATION);
});

Deno.test("keys: burned captions' stills and clips are keyed by what cuts text into words here; unburned, not", async () => {
  // rv31: a burned cue's lines, and their order right to left, follow ICU's cuts as the cues do; only the cues
  // were keyed by its version.
  const moving = {
    ...base,
    transition: { type: "fade", duration: 0.3 },
  } as WorkflowInput;
  const text = (steps: PlanStep[]) =>
    steps.filter((step) => step.kind === "stills" || step.kind === "clips")
      .map((step) => [step.id, (step.engine as { text?: string }).text ?? null]);
  const burned = text(await planOf({ ...moving, captions: { burn: true } } as WorkflowInput));
  assert.deepEqual(burned.map(([id]) => id), [
    "v/stills@16x9",
    "v/clips@16x9",
    "v/stills@9x16",
    "v/clips@9x16",
  ]);
  for (const [id, identity] of burned) assert.equal(identity, TEXT_SEGMENTATION, id!);
  for (const [id, identity] of text(await planOf(moving))) assert.equal(identity, null, id!);
});
