import assert from "node:assert/strict";
import { WorkflowError } from "../../../lib/core/errors.ts";
import { planDepth } from "../../../lib/plan/describe_plan.ts";
import { planWorkflows } from "../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../lib/workflow/workflow_schema.ts";
import { gridWorkflow } from "../../_support/workflows.ts";
import { TEST_TOOLCHAIN } from "../../_support/toolchain.ts";

function countByKind(kinds: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

for (const [videos, sections, formats] of [[1, 1, 1], [2, 3, 2], [3, 4, 3]] as const) {
  Deno.test(`planWorkflows() expands ${videos} videos × ${sections} sections × ${formats} formats`, async () => {
    const names = ["16:9", "9:16", "1:1"].slice(0, formats);
    const plan = planWorkflows([await gridWorkflow({ videos, sections, formats: names })], {
      toolchain: TEST_TOOLCHAIN,
    });
    const counts = countByKind(plan.steps.map((step) => step.kind));
    const portrait = names.includes("9:16") ? 1 : 0;
    assert.deepEqual(counts, {
      speech: videos * sections,
      cues: videos * sections,
      // A slide per section and a title card per video, in each format.
      slide: videos * (sections + 1) * formats,
      narration: videos,
      stills: videos * formats,
      video: videos * formats,
      // An SRT, a VTT, and a VTT placed for the portrait format.
      subtitles: videos * (2 + portrait),
    });
    assert.equal(planDepth(plan), 3);
    // The narration joins its video's speech in section order, once for every format.
    const narration = plan.steps.find((step) => step.id === "v1/narration")!;
    assert.deepEqual(narration.deps, Array.from({ length: sections }, (_, s) => `v1/s${s + 1}/speech`));
    // Stills list the title card and the slides in section order; the video reads its stills and the narration.
    const stills = plan.steps.find((step) => step.id === "v1/stills@16x9")!;
    assert.deepEqual(stills.deps, [
      "v1/title@16x9",
      ...Array.from({ length: sections }, (_, s) => `v1/s${s + 1}/slide@16x9`),
    ]);
    const video = plan.steps.find((step) => step.id === "v1/video@16x9")!;
    assert.deepEqual(video.deps, ["v1/stills@16x9", "v1/narration"]);
    assert.equal(video.output, "v1.16x9.mp4");
    // Topological: every dep comes before its dependent.
    const seen = new Set<string>();
    for (const step of plan.steps) {
      for (const dep of step.deps) assert.ok(seen.has(dep), `${dep} before ${step.id}`);
      seen.add(step.id);
    }
  });
}

const base: WorkflowInput = {
  formats: ["16:9", "9:16"],
  videos: [
    {
      id: "a",
      sections: [
        { id: "one", title: "One", narration: "First narration." },
        { id: "two", title: "Two", narration: "Second narration." },
      ],
    },
    { id: "b", sections: [{ title: "Three", narration: "Third narration." }] },
  ],
};

async function keysOf(input: WorkflowInput): Promise<Map<string, string>> {
  const workflow = await resolveWorkflow(input, { file: "k.ts", moduleUrl: "file:///k.ts" });
  return new Map(
    planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps.map((step) => [step.id, step.key]),
  );
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([id, key]) => before.get(id) !== key).map(([id]) => id).sort();
}

Deno.test("step keys change only for the steps a changed narration reaches", async () => {
  const before = await keysOf(base);
  assert.deepEqual(changed(before, await keysOf(base)), []);
  const edited = structuredClone(base);
  edited.videos![0]!.sections[1]!.narration = "A new second narration.";
  assert.deepEqual(changed(before, await keysOf(edited)), [
    "a/narration",
    "a/subtitles.srt",
    "a/subtitles.vtt",
    "a/subtitles.vtt@9x16",
    "a/two/cues",
    "a/two/speech",
    "a/video@16x9",
    "a/video@9x16",
  ]);
});

Deno.test("step keys: a new title re-renders only that section's slides and what uses them", async () => {
  const before = await keysOf(base);
  const edited = structuredClone(base);
  edited.videos![1]!.sections[0]!.title = "Three, renamed";
  assert.deepEqual(changed(before, await keysOf(edited)), [
    "b/s1/slide@16x9",
    "b/s1/slide@9x16",
    "b/stills@16x9",
    "b/stills@9x16",
    "b/video@16x9",
    "b/video@9x16",
  ]);
});

Deno.test("step keys: adding a format adds steps and changes none of the others", async () => {
  const before = await keysOf(base);
  const after = await keysOf({ ...base, formats: ["16:9", "9:16", "1:1"] });
  assert.ok(changed(before, after).every((id) => id.endsWith("@1x1")));
  for (const [id, key] of before) assert.equal(after.get(id), key, id);
});

Deno.test("step keys: a different voice changes the speech keys", async () => {
  const before = await keysOf(base);
  const after = await keysOf({ ...base, voice: { provider: "espeak" } });
  assert.ok(changed(before, after).includes("a/one/speech"));
  assert.ok(!changed(before, after).some((id) => id.includes("slide")));
});

Deno.test("planWorkflows() names the cycle among custom steps", async () => {
  const run = () => null;
  const workflow = await resolveWorkflow({
    ...base,
    steps: [
      { id: "first", inputs: ["third"], run },
      { id: "second", inputs: ["first"], run },
      { id: "third", inputs: ["second", "a/one/speech"], run },
    ],
  }, { file: "cyclic.ts", moduleUrl: "file:///cyclic.ts" });
  assert.throws(() => planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.equal(error.file, "cyclic.ts");
    assert.match(
      error.message,
      /cycle: (first → third → second → first|third → second → first → third|second → first → third → second)/,
    );
    // At a step of the cycle's inputs, not at the whole list (`steps`).
    assert.match(error.issues[0]!.path, /^steps\[[0-2]\]\.inputs$/);
    return true;
  });
});

Deno.test("planWorkflows() says a custom step named as a step reel makes clashes with it", async () => {
  // fi5: "Step id … is used twice" alone, where one of the two is the lesson's own.
  const workflow = await resolveWorkflow({
    ...base,
    steps: [{ id: "a/one/speech", run: () => 1 }],
  }, { file: "clash.ts", moduleUrl: "file:///clash.ts" });
  assert.throws(() => planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.equal(
      error.issues[0]?.message,
      'Step id "a/one/speech" is used twice: reel makes a step of that id (its kind speech); name the custom step ' +
        "otherwise",
    );
    return true;
  });
});

Deno.test("planWorkflows() refuses a custom step or child whose id is under a step reel makes", async () => {
  const workflow = await resolveWorkflow({
    ...base,
    steps: [
      { id: "a/one/speech/notes", run: () => 1 },
      { id: "a/one/speech/kid", child: true, run: () => 2 },
      { id: "a/one/mine", run: () => 3 },
      { id: "a/one/speech", child: true, run: () => 4 },
    ],
  }, { file: "under.ts", moduleUrl: "file:///under.ts" });
  assert.throws(() => planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    // The child was taken for a step the speech spawns, and the speech's key for one known once it ran.
    const under = (id: string) =>
      `Step id "a/one/speech/${id}" is under "a/one/speech", a step reel makes (its kind speech): name the custom ` +
      "step otherwise";
    assert.deepEqual(error.issues, [
      { path: "steps[0].id", message: under("notes") },
      { path: "steps[1].id", message: under("kid") },
      // rv11: a child named as the step (planned steps' clashes are said above).
      {
        path: "steps[3].id",
        message:
          'Step id "a/one/speech" is used twice: reel makes a step of that id (its kind speech); name the ' +
          "custom step otherwise",
      },
    ]);
    return true;
  });
});

Deno.test("planWorkflows() rejects a custom step input that names no step, with its path", async () => {
  const workflow = await resolveWorkflow({
    ...base,
    steps: [{ id: "x", inputs: ["a/s9/speech"], run: () => 1 }],
  }, {
    file: "bad.ts",
    moduleUrl: "file:///bad.ts",
  });
  assert.throws(() => planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.equal(error.issues[0]?.path, "steps[0].inputs[0]");
    assert.match(error.issues[0]!.message, /Unknown step "a\/s9\/speech"/);
    return true;
  });
});

Deno.test("planWorkflows() offers the nearest step id for a misspelled input, and what ids look like when none is near", async () => {
  const workflow = await resolveWorkflow({
    ...base,
    steps: [
      { id: "split", inputs: ["a/one/speech"], run: () => 1 },
      { id: "merge", inputs: ["splitt", "a/one/speeh", "zzz"], run: () => 2 },
    ],
  }, { file: "typo.ts", moduleUrl: "file:///typo.ts" });
  assert.throws(() => planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    // All three at once (nt6: before, the first alone).
    assert.deepEqual(error.issues, [
      { path: "steps[1].inputs[0]", message: 'Unknown step "splitt" (did you mean "split"?)' },
      { path: "steps[1].inputs[1]", message: 'Unknown step "a/one/speeh" (did you mean "a/one/speech"?)' },
      {
        path: "steps[1].inputs[2]",
        message: 'Unknown step "zzz" (step ids look like a/one/speech, a/one/cues, a/one/slide@16x9)',
      },
    ]);
    return true;
  });
  const speech = await resolveWorkflow({
    ...base,
    steps: [{ id: "merge", inputs: ["a/one/speeh"], run: () => 2 }],
  }, { file: "typo.ts", moduleUrl: "file:///typo.ts" });
  assert.throws(
    () => planWorkflows([speech], { toolchain: TEST_TOOLCHAIN }),
    /Unknown step "a\/one\/speeh" \(did you mean "a\/one\/speech"\?\)/,
  );
  const far = await resolveWorkflow({
    ...base,
    steps: [{ id: "merge", inputs: ["zzz"], run: () => 2 }],
  }, { file: "typo.ts", moduleUrl: "file:///typo.ts" });
  assert.throws(
    () => planWorkflows([far], { toolchain: TEST_TOOLCHAIN }),
    /Unknown step "zzz" \(step ids look like /,
  );
  // Never the step's own id (a cycle), nor an id that shares no letter ("x" is not "a").
  const own = await resolveWorkflow({
    ...base,
    steps: [{ id: "a", run: () => 1 }, { id: "b", inputs: ["bb", "x"], run: () => 2 }],
  }, { file: "typo.ts", moduleUrl: "file:///typo.ts" });
  assert.throws(() => planWorkflows([own], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.doesNotMatch(error.issues[0]!.message, /did you mean/);
    return true;
  });
  const single = await resolveWorkflow({
    ...base,
    steps: [{ id: "a", run: () => 1 }, { id: "b", inputs: ["x"], run: () => 2 }],
  }, { file: "typo.ts", moduleUrl: "file:///typo.ts" });
  assert.throws(
    () => planWorkflows([single], { toolchain: TEST_TOOLCHAIN }),
    /Unknown step "x" \(step ids look like /,
  );
  // A workflow whose one step names a missing one (before: "step ids look like )", the list empty).
  const alone = await resolveWorkflow({ steps: [{ id: "a", inputs: ["nope"], run: () => 1 }] }, {
    file: "alone.ts",
    moduleUrl: "file:///alone.ts",
  });
  assert.throws(
    () => planWorkflows([alone], { toolchain: TEST_TOOLCHAIN }),
    /Unknown step "nope": this workflow has no other step/,
  );
});

Deno.test("planWorkflows() rejects a custom step input that names a child template, naming the step that spawns it as the fix", async () => {
  const workflow = await resolveWorkflow({
    ...base,
    steps: [
      { id: "k", child: true, run: () => 1 },
      { id: "b", inputs: ["k"], run: () => 2 },
    ],
  }, {
    file: "child_input.ts",
    moduleUrl: "file:///child_input.ts",
  });
  assert.throws(() => planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.equal(error.file, "child_input.ts");
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0]?.path, "steps[1].inputs[0]");
    assert.equal(
      error.issues[0]?.message,
      'Step "k" is a child template: it runs only when a step spawns it, so step "b" cannot take it as input; ' +
        "take as input the step that spawns it",
    );
    return true;
  });
});

Deno.test("planWorkflows() applies limit overrides over the workflow's", async () => {
  const workflow = await gridWorkflow({
    videos: 1,
    sections: 1,
    formats: ["1:1"],
    limits: { videos: 3, global: 5 },
  });
  const plan = planWorkflows([workflow], {
    toolchain: TEST_TOOLCHAIN,
    limits: { global: 2, api: undefined },
  });
  assert.equal(plan.limits.videos, 3);
  assert.equal(plan.limits.global, 2);
  assert.equal(plan.limits.api, 2);
});

Deno.test("step keys: changing a provider's model re-runs only that provider's steps", async () => {
  const withApi = (model: string): WorkflowInput => ({
    ...base,
    providers: { images: { api: "openai", baseUrl: "http://127.0.0.1:9" } },
    videos: [{
      id: "a",
      sections: [{
        id: "one",
        title: "One",
        narration: "First.",
        image: { provider: "images", prompt: "p", model },
      }],
    }],
  });
  const before = await keysOf(withApi("gpt-image-1"));
  const after = await keysOf(withApi("gpt-image-2"));
  assert.deepEqual(changed(before, after), [
    "a/one/image",
    "a/one/slide@16x9",
    "a/one/slide@9x16",
    "a/stills@16x9",
    "a/stills@9x16",
    "a/video@16x9",
    "a/video@9x16",
  ]);
  assert.ok(!changed(before, after).includes("a/one/speech"));
});

Deno.test("step keys: a transition, a longer one, or burned captions re-key only the steps they change", async () => {
  const faded: WorkflowInput = { ...structuredClone(base), transition: { type: "fade", duration: 0.5 } };
  const before = await keysOf(faded);
  const longer = await keysOf({ ...structuredClone(base), transition: { type: "fade", duration: 1 } });
  assert.deepEqual(
    changed(before, longer),
    [
      "a/clips@16x9",
      "a/clips@9x16",
      "a/video@16x9",
      "a/video@9x16",
      "b/clips@16x9",
      "b/clips@9x16",
      "b/video@16x9",
      "b/video@9x16",
    ],
  );
  const wiped = await keysOf({ ...structuredClone(base), transition: { type: "wipeleft", duration: 0.5 } });
  // The same frames, drawn otherwise: the clips run again, and the videos that read them (their inputs' keys).
  assert.deepEqual(changed(before, wiped), changed(before, longer));
  const burned = await keysOf({ ...structuredClone(faded), captions: { burn: true } });
  // The stills gain a copy per cue, the clips draw cues too, and the videos read the cues; the slides keep the
  // captions' room clear of their text.
  assert.ok(
    changed(before, burned).every((id) => /\/(stills|clips|video|slide|title|end)@/.test(id)),
    changed(before, burned).join(" "),
  );
  assert.equal(changed(before, burned).length, 22);
  assert.equal(changed(before, burned).filter((id) => /\/(stills|clips|video)@/.test(id)).length, 12);
});

Deno.test("planWorkflows() tells every mistake of the plan's together, each at its step's field", async () => {
  // nt6: a clash with a step reel makes, an output two steps write and an input naming a child template took a run
  // each, the first two named at "steps" and at the file.
  const workflow = await resolveWorkflow({
    ...base,
    steps: [
      { id: "k", child: true, run: () => 1 },
      { id: "reads-kid", inputs: ["k"], run: () => 2 },
      { id: "a/one/speech", run: () => 3 },
      { id: "clash", version: 1, output: "a.srt", run: () => null },
    ],
  }, { file: "three.ts", moduleUrl: "file:///three.ts" });
  assert.throws(() => planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.equal(error.file, "three.ts");
    assert.deepEqual(error.issues.map(({ path, message }) => `${path}: ${message.split(":")[0]}`), [
      'steps[3].output: Steps "a/subtitles.srt" and "clash" would both write a.srt in the output folder',
      'steps[2].id: Step id "a/one/speech" is used twice',
      'steps[1].inputs[0]: Step "k" is a child template',
    ]);
    return true;
  });
});

Deno.test("planWorkflows() tells a custom step's output that a lesson's output has at the custom step, in the files' order", async () => {
  // rv10: told at the lesson's file ("at the file"), whose mistake cannot be mended there, and the custom step's
  // workflow's own mistake left out.
  const lesson = await resolveWorkflow(base, { file: "lesson.ts", moduleUrl: "file:///lesson.ts" });
  const custom = await resolveWorkflow({
    steps: [
      { id: "y", inputs: ["nothere"], run: () => 1 },
      { id: "z", version: 1, output: "a.16x9.mp4", run: () => null },
    ],
  }, { file: "other.ts", moduleUrl: "file:///other.ts" });
  assert.throws(() => planWorkflows([custom, lesson], { toolchain: TEST_TOOLCHAIN }), (error: unknown) => {
    assert.ok(error instanceof WorkflowError);
    assert.equal(error.file, "other.ts");
    assert.deepEqual(
      error.issues.map(({ path, message }) => `${path}: ${message.split(/ would| \(step/)[0]}`),
      [
        'steps[1].output: Steps "z" and "a/video@16x9" (in lesson.ts)',
        'steps[0].inputs[0]: Unknown step "nothere"',
      ],
    );
    return true;
  });
});
