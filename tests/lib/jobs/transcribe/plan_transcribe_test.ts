/**
 * A transcription's steps and keys: each input that shapes bytes (the recording, chunking, the engine and its
 * options, the programs' versions) re-runs exactly the steps it reaches, and a chunk is keyed by what it hears.
 */
import { TEXT_SEGMENTATION } from "../../../../lib/core/segmenters.ts";
import assert from "node:assert/strict";
import { childStep } from "../../../../lib/plan/child_step.ts";
import type { Plan } from "../../../../lib/plan/plan.ts";
import type { Toolchain } from "../../../../lib/plan/toolchain.ts";
import { planWorkflows } from "../../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../../_support/toolchain.ts";

const dir = await tempDir("reel-transcribe-plan-");
await Deno.writeTextFile(`${dir}/a.wav`, "recording a");
await Deno.writeTextFile(`${dir}/b.wav`, "recording b");
const toolchain: Toolchain = { ...TEST_TOOLCHAIN, pocketsphinx: "pocketsphinx test" };

async function planOf(input: WorkflowInput, options: { toolchain?: Toolchain } = {}): Promise<Plan> {
  const workflow = await resolveWorkflow(input, {
    file: "t.ts",
    moduleUrl: `file://${dir}/t.ts`,
    env: () => undefined,
  });
  return planWorkflows([workflow], { toolchain: options.toolchain ?? toolchain });
}

async function keysOf(
  input: WorkflowInput,
  options: { toolchain?: Toolchain } = {},
): Promise<Map<string, string>> {
  const plan = await planOf(input, options);
  return new Map(
    [...plan.steps, ...plan.templates].map((
      step,
    ) => [step.id, step.key || JSON.stringify([step.params, step.engine])]),
  );
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((id) => a.get(id) !== b.get(id));
}

const local: WorkflowInput = { transcribe: [{ id: "a", input: "a.wav" }] };
const hosted: WorkflowInput = {
  providers: { asr: { api: "openai", baseUrl: "http://127.0.0.1:9" } },
  transcribe: [{ id: "a", input: "a.wav", engine: "asr" }],
};

Deno.test("a transcription plans probe, decode, split, merge and the three text formats, and a chunk template", async () => {
  const plan = await planOf(local);
  assert.deepEqual(plan.steps.map((step) => [step.id, step.deps]), [
    ["a/probe", []],
    ["a/decode", ["a/probe"]],
    ["a/split", ["a/decode"]],
    ["a/merge", ["a/split"]],
    ["a/txt", ["a/merge"]],
    ["a/srt", ["a/merge"]],
    ["a/vtt", ["a/merge"]],
  ]);
  assert.deepEqual(plan.steps.map((step) => step.output).filter((output) => output !== null), [
    "a.json",
    "a.txt",
    "a.srt",
    "a.vtt",
  ]);
  // The four files are one set, published together.
  const set = ["a/merge", "a/txt", "a/srt", "a/vtt"];
  for (const step of plan.steps.filter((step) => step.output !== null)) {
    assert.deepEqual(step.publishTogether, set.filter((other) => other !== step.id), step.id);
  }
  assert.deepEqual(plan.templates.map((template) => [template.id, template.provider]), [
    ["a/split/chunk", "local/pocketsphinx@1"],
  ]);
  assert.deepEqual(plan.summary, ["1 recording to transcribe with pocketsphinx"]);
  // The steps that cut the words again are keyed by what cuts them (ICU's version: rv2).
  for (const step of plan.steps.filter((step) => set.includes(step.id))) {
    assert.deepEqual(step.engine, { text: TEXT_SEGMENTATION }, step.id);
  }
});

Deno.test("a transcription's keys change with the recording, the chunking and the programs, and only where they reach", async () => {
  const base = await keysOf(local);
  await Deno.writeTextFile(`${dir}/c.wav`, "recording c");
  assert.deepEqual(changed(base, await keysOf({ transcribe: [{ id: "a", input: "c.wav" }] })), [
    "a/probe",
    "a/decode",
    "a/split",
    "a/merge",
    "a/txt",
    "a/srt",
    "a/vtt",
  ]);
  for (const change of [{ chunk: 30 }, { overlap: 1 }, { context: 1 }, { silence: { noise: -40 } }]) {
    const keys = await keysOf({ transcribe: [{ id: "a", input: "a.wav", ...change }] });
    assert.deepEqual(
      changed(base, keys),
      ["a/split", "a/merge", "a/txt", "a/srt", "a/vtt"],
      JSON.stringify(change),
    );
  }
  const ffmpeg = await keysOf(local, { toolchain: { ...toolchain, ffmpeg: "ffmpeg 9" } });
  assert.deepEqual(changed(base, ffmpeg), [
    "a/probe",
    "a/decode",
    "a/split",
    "a/merge",
    "a/txt",
    "a/srt",
    "a/vtt",
  ]);
  const sphinx = await keysOf(local, { toolchain: { ...toolchain, pocketsphinx: "pocketsphinx 2" } });
  assert.deepEqual(changed(base, sphinx), ["a/split/chunk"]);
});

Deno.test("a hosted transcription's chunks are keyed by the provider's endpoint, the model, the language and the prompt", async () => {
  const base = await keysOf(hosted);
  const variants: WorkflowInput[] = [
    { ...hosted, transcribe: [{ id: "a", input: "a.wav", engine: "asr", model: "large-v3" }] },
    { ...hosted, transcribe: [{ id: "a", input: "a.wav", engine: "asr", language: "de" }] },
    { ...hosted, transcribe: [{ id: "a", input: "a.wav", engine: "asr", prompt: "Kelvin" }] },
    { ...hosted, providers: { asr: { api: "openai", baseUrl: "http://127.0.0.1:10" } } },
  ];
  for (const variant of variants) assert.ok(changed(base, await keysOf(variant)).includes("a/split/chunk"));
  const plan = await planOf(hosted);
  assert.equal(plan.templates[0]?.provider, "asr");
  assert.equal(plan.templates[0]?.cpu, false);
});

Deno.test("a chunk is keyed by the samples it hears, not by the recording that spawned it", async () => {
  const plan = await planOf({ transcribe: [{ id: "a", input: "a.wav" }, { id: "b", input: "b.wav" }] });
  const [a, b] = plan.templates;
  const splitA = plan.steps.find((step) => step.id === "a/split")!;
  const splitB = plan.steps.find((step) => step.id === "b/split")!;
  assert.notEqual(splitA.key, splitB.key);
  const spec = {
    step: "a/split/chunk",
    params: {},
    content: "c".repeat(64),
    runtime: { from: 0, to: 16_000 },
    tokenCost: 1,
  };
  const fromA = childStep(splitA, { template: a!, spec, index: 0 });
  const fromB = childStep(splitB, { template: b!, spec: { ...spec, step: "b/split/chunk" }, index: 3 });
  assert.equal(fromA.id, "a/split/chunk#0");
  assert.equal(fromB.id, "b/split/chunk#3");
  assert.equal(fromA.key, fromB.key);
  assert.equal(fromA.runtime.from, 0);
  assert.equal(fromA.tokenCost, 1);
  const other = childStep(splitA, { template: a!, spec: { ...spec, content: "d".repeat(64) }, index: 0 });
  assert.notEqual(other.key, fromA.key);
});

Deno.test("a hosted chunk's call timeout grows with its audio unless the workflow sets one, and no key holds it", async () => {
  const chunkOf = async (input: WorkflowInput) => {
    const plan = await planOf(input);
    const split = plan.steps.find((step) => step.id === "a/split")!;
    const spec = {
      step: "a/split/chunk",
      params: {},
      content: "c".repeat(64),
      runtime: { from: 0, to: 16_000 },
    };
    return childStep(split, { template: plan.templates[0]!, spec, index: 0 });
  };
  const scaled = await chunkOf(hosted);
  assert.equal(scaled.runtime.timeout, 60_000);
  assert.equal(scaled.runtime.timeoutPerSecond, 1_000);
  // The longest chunk of the default 600 s target: 750 s, and 2 s each of context and overlap.
  assert.equal(scaled.timeout.ms, 60_000 + 1_000 * 754 + 60_000);
  const set = await chunkOf({
    ...hosted,
    providers: { asr: { ...hosted.providers!.asr!, timeout: 60_000 } },
  });
  assert.equal(set.runtime.timeout, 60_000);
  assert.equal(set.runtime.timeoutPerSecond, 0);
  assert.equal(set.timeout.ms, 120_000);
  assert.equal(set.key, scaled.key);
  const longer = await chunkOf({
    ...hosted,
    providers: { asr: { ...hosted.providers!.asr!, timeout: 90_000 } },
  });
  assert.equal(longer.key, scaled.key);
});
