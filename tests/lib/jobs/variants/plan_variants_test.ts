/**
 * The variants planner's keys change when, and only when, something that shapes an output's bytes does: the input's
 * content, a transform, the seed, the encoder.
 */
import assert from "node:assert/strict";
import { planWorkflows } from "../../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import type { Toolchain } from "../../../../lib/plan/toolchain.ts";
import { tempDir } from "../../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../../_support/toolchain.ts";
import { TEXT_SEGMENTATION } from "../../../../lib/core/segmenters.ts";
import { fileDigest } from "../../../../lib/media/file_digests.ts";

async function keysOf(
  dir: string,
  variants: WorkflowInput["variants"],
  toolchain: Toolchain = TEST_TOOLCHAIN,
): Promise<Map<string, string>> {
  const workflow = await resolveWorkflow({ variants }, { file: "w.ts", moduleUrl: `file://${dir}/w.ts` });
  const plan = planWorkflows([workflow], { toolchain });
  return new Map(plan.steps.map((step) => [step.id, step.key]));
}

/** Writes a stand-in input: bytes that are not text (a text file is refused as an input), then `tag`. */
async function writeMedia(path: string, tag: string): Promise<void> {
  await Deno.writeFile(path, new Uint8Array([0, ...new TextEncoder().encode(tag)]));
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([id, key]) => before.get(id) !== key).map(([id]) => id).sort();
}

const shuffle = { name: "shuffle", random: { count: 2, seed: 1, speed: [0.9, 1.1] as [number, number] } };
const tall = { name: "tall", format: "90x160" };

Deno.test("variants plan a probe per input and an encode and a manifest per output, named by input, recipe and variant", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const keys = await keysOf(dir, [{ inputs: ["a.mp4"], recipes: [shuffle, tall] }]);
  assert.deepEqual([...keys.keys()], [
    "variants/a/probe",
    "variants/a/shuffle-1",
    "variants/a/shuffle-1/manifest",
    "variants/a/shuffle-2",
    "variants/a/shuffle-2/manifest",
    "variants/a/tall",
    "variants/a/tall/manifest",
  ]);
});

Deno.test("an input's new content re-runs its steps only", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  await writeMedia(`${dir}/b.mp4`, "b");
  const job = [{ inputs: ["*.mp4"], recipes: [tall] }];
  const before = await keysOf(dir, job);
  await writeMedia(`${dir}/b.mp4`, "b, edited");
  assert.deepEqual(changed(before, await keysOf(dir, job)), [
    "variants/b/probe",
    "variants/b/tall",
    "variants/b/tall/manifest",
  ]);
});

Deno.test("a changed transform re-runs that recipe's outputs only; a new seed re-runs the random ones", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const before = await keysOf(dir, [{ inputs: ["a.mp4"], recipes: [shuffle, tall] }]);
  const cropped = await keysOf(dir, [{
    inputs: ["a.mp4"],
    recipes: [shuffle, { ...tall, focus: { x: 0.3, y: 0.5 } }],
  }]);
  assert.deepEqual(changed(before, cropped), ["variants/a/tall", "variants/a/tall/manifest"]);
  const reseeded = await keysOf(dir, [{ inputs: ["a.mp4"], recipes: [shuffle, tall], seed: 2 }]);
  assert.deepEqual(changed(before, reseeded), [
    "variants/a/shuffle-1",
    "variants/a/shuffle-1/manifest",
    "variants/a/shuffle-2",
    "variants/a/shuffle-2/manifest",
  ]);
  // The same seed draws the same sets: the same keys.
  assert.deepEqual(await keysOf(dir, [{ inputs: ["a.mp4"], recipes: [shuffle, tall] }]), before);
});

Deno.test("a field the encode does not read for its output re-runs the manifest that lists it, not the encode", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const keys = (recipe: Record<string, unknown>) =>
    keysOf(dir, [{ inputs: ["a.mp4"], recipes: [recipe as unknown as typeof tall] }]);
  const cropped = await keys(tall);
  // A crop fills the frame: no background shows (rv25: the same video encoded again).
  assert.deepEqual(changed(cropped, await keys({ ...tall, background: "#ff0000" })), [
    "variants/a/tall/manifest",
  ]);
  const padded = await keys({ ...tall, fit: "pad" });
  assert.deepEqual(changed(padded, await keys({ ...tall, fit: "pad", focus: { x: 0, y: 0 } })), [
    "variants/a/tall/manifest",
  ]);
  // Where they are read, they re-run it.
  assert.deepEqual(changed(padded, await keys({ ...tall, fit: "pad", background: "#ff0000" })), [
    "variants/a/tall",
    "variants/a/tall/manifest",
  ]);
  const turned = await keys({ name: "turned", rotate: 10 });
  assert.deepEqual(changed(turned, await keys({ name: "turned", rotate: 10, background: "#ff0000" })), [
    "variants/a/turned",
    "variants/a/turned/manifest",
  ]);
  // Without a size, no fit is made; a muted sound has no gain.
  const plain = await keys({ name: "plain", audio: { mute: true } });
  assert.deepEqual(
    changed(plain, await keys({ name: "plain", fit: "pad", audio: { mute: true, gain: 3 } })),
    [
      "variants/a/plain/manifest",
    ],
  );
  // A rendition of a bitrate is encoded without the crf (nor does its manifest tell one): only the others re-run.
  const renditions = [{ height: 80, bitrate: "200k" }, { height: 40 }];
  const mixed = await keys({ ...tall, renditions, video: { crf: 23 } });
  assert.deepEqual(changed(mixed, await keys({ ...tall, renditions, video: { crf: 28 } })), [
    "variants/a/tall@40p",
    "variants/a/tall@40p/manifest",
  ]);
});

Deno.test("another encoder re-runs every encode (and what reads it), not the probes", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const job = [{ inputs: ["a.mp4"], recipes: [tall] }];
  const before = await keysOf(dir, job);
  const nvenc = { name: "h264_nvenc", codec: "h264" as const, hardware: true };
  const after = await keysOf(dir, job, {
    ...TEST_TOOLCHAIN,
    encoders: { h264: nvenc, hevc: null, cores: 2 },
  });
  assert.deepEqual(changed(before, after), ["variants/a/tall", "variants/a/tall/manifest"]);
});

Deno.test("a machine with more cores re-runs the x264 encodes (their threads change the bytes), not a hardware one's", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const job = [{ inputs: ["a.mp4"], recipes: [tall] }];
  const cores = (count: number, h264 = TEST_TOOLCHAIN.encoders!.h264) => ({
    ...TEST_TOOLCHAIN,
    encoders: { h264, hevc: null, cores: count },
  });
  assert.deepEqual(changed(await keysOf(dir, job, cores(2)), await keysOf(dir, job, cores(8))), [
    "variants/a/tall",
    "variants/a/tall/manifest",
  ]);
  const nvenc = { name: "h264_nvenc", codec: "h264" as const, hardware: true };
  assert.deepEqual(
    changed(await keysOf(dir, job, cores(2, nvenc)), await keysOf(dir, job, cores(8, nvenc))),
    [],
  );
});

Deno.test("an HLS recipe plans a playlist per rendition and a master playlist", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const workflow = await resolveWorkflow({ variants: [{ inputs: ["a.mp4"], recipes: ["hls"] }] }, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
  });
  const plan = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN });
  assert.deepEqual(plan.steps.map((step) => step.output).filter((output) => output !== null).sort(), [
    "a.hls.1080p.json",
    "a.hls.1080p.m3u8",
    "a.hls.1080p.mp4",
    "a.hls.480p.json",
    "a.hls.480p.m3u8",
    "a.hls.480p.mp4",
    "a.hls.720p.json",
    "a.hls.720p.m3u8",
    "a.hls.720p.mp4",
    "a.hls.m3u8",
  ]);
  assert.deepEqual(plan.steps.find((step) => step.id === "variants/a/hls/hls")?.deps, [
    "variants/a/hls@1080p",
    "variants/a/hls@720p",
    "variants/a/hls@480p",
  ]);
});

Deno.test("an encode's timeout is 5 minutes plus 5 s per second of its input; a workflow's timeout replaces an encode's and a probe's base, not a manifest's", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const plan = planWorkflows([
    await resolveWorkflow({ variants: [{ inputs: ["a.mp4"], recipes: [tall] }] }, {
      file: "w.ts",
      moduleUrl: `file://${dir}/w.ts`,
    }),
  ], { toolchain: TEST_TOOLCHAIN });
  assert.deepEqual(plan.steps.find((step) => step.id === "variants/a/tall")?.timeout, {
    ms: 300_000,
    perMediaSecond: 5_000,
  });
  const quick = planWorkflows([
    await resolveWorkflow({ timeout: 3000, variants: [{ inputs: ["a.mp4"], recipes: [tall] }] }, {
      file: "w.ts",
      moduleUrl: `file://${dir}/w.ts`,
    }),
  ], { toolchain: TEST_TOOLCHAIN });
  const timeouts = (plan: typeof quick) => new Map(plan.steps.map((step) => [step.id, step.timeout]));
  assert.deepEqual(
    timeouts(quick),
    new Map([
      // The probe reads the input too, which may hang (a pipe no one writes).
      ["variants/a/probe", { ms: 3000, perMediaSecond: 0 }],
      ["variants/a/tall", { ms: 3000, perMediaSecond: 5_000 }],
      ["variants/a/tall/manifest", { ms: 30_000, perMediaSecond: 0 }],
    ]),
  );
  assert.deepEqual(
    timeouts(quick).get("variants/a/tall/manifest"),
    timeouts(plan).get("variants/a/tall/manifest"),
  );
});

Deno.test("a workflow's timeout leaves an HLS recipe's playlists their own timeout", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const plan = planWorkflows([
    await resolveWorkflow({ timeout: 1, variants: [{ inputs: ["a.mp4"], recipes: ["hls"] }] }, {
      file: "w.ts",
      moduleUrl: `file://${dir}/w.ts`,
    }),
  ], { toolchain: TEST_TOOLCHAIN });
  const byKind = (suffix: RegExp) =>
    new Set(plan.steps.filter((step) => suffix.test(step.id)).map((step) => step.timeout.ms));
  assert.deepEqual(byKind(/@\d+p$/), new Set([1]));
  assert.deepEqual(byKind(/\/(manifest|playlist|hls)$/), new Set([30_000]));
});

Deno.test("the outputs whose bytes the encode step's fixes changed name them in their params; the others keep their keys", async () => {
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const recipes = [
    { name: "plain", format: "90x160" },
    { name: "fast", speed: 2 },
    { name: "timed", speed: 2, fps: 30 },
    { name: "film", fps: 23.976 },
    { name: "stream", renditions: [{ height: 90 }], hls: true },
  ];
  const workflow = await resolveWorkflow({ variants: [{ inputs: ["a.mp4"], recipes }] }, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
  });
  const steps = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps;
  const fixed = (id: string) => (steps.find((step) => step.id === id)!.params as { fixed?: string[] }).fixed;
  assert.equal(fixed("variants/a/plain"), undefined);
  assert.equal(fixed("variants/a/timed"), undefined);
  assert.deepEqual(fixed("variants/a/fast"), ["speed-frames"]);
  assert.deepEqual(fixed("variants/a/film"), ["ntsc-rate"]);
  assert.deepEqual(fixed("variants/a/stream@90p"), ["hls-target"]);
});

Deno.test("a trim of an input without an index of keyframes is cut by decoding, named in its params; other outputs keep their keys", async () => {
  const dir = await tempDir();
  // An MP4's first box, and a transport stream's sync bytes, 188 bytes apart.
  await Deno.writeFile(
    `${dir}/a.mp4`,
    new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode("ftypisom"), 0]),
  );
  const ts = new Uint8Array(400);
  ts[0] = ts[188] = ts[376] = 0x47;
  await Deno.writeFile(`${dir}/b.ts`, ts);
  const recipes = [{ name: "cut", trim: { start: 1 } }, { name: "whole" }];
  const workflow = await resolveWorkflow({ variants: [{ inputs: ["a.mp4", "b.ts"], recipes }] }, {
    file: "w.ts",
    moduleUrl: `file://${dir}/w.ts`,
  });
  const steps = planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps;
  const fixed = (id: string) => (steps.find((step) => step.id === id)!.params as { fixed?: string[] }).fixed;
  assert.deepEqual(fixed("variants/b/cut"), ["trim-by-decoding"]);
  // No trim start, or an MP4 (seeked as before): no fix, the keys they had.
  assert.equal(fixed("variants/b/whole"), undefined);
  assert.equal(fixed("variants/a/cut"), undefined);
  assert.equal(fixed("variants/a/whole"), undefined);
});

Deno.test("an output that draws text is keyed by what cuts text here (ICU's version); one that draws none is not", async () => {
  // kr2: a new ICU may cut the overlay's text into other characters and runs, and the old output was served.
  const dir = await tempDir();
  await writeMedia(`${dir}/a.mp4`, "a");
  const workflow = await resolveWorkflow({
    variants: [{ inputs: ["a.mp4"], recipes: [{ name: "label", overlay: { text: "ทดสอบ" } }, tall] }],
  }, { file: "w.ts", moduleUrl: `file://${dir}/w.ts` });
  const steps = new Map(planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps.map((s) => [s.id, s]));
  assert.equal((steps.get("variants/a/label")!.engine as { text?: string }).text, TEXT_SEGMENTATION);
  assert.equal((steps.get("variants/a/tall")!.engine as { text?: string }).text, undefined);
  // The font it draws with is read by path: the worker checks it still holds the bytes of the key (rv2).
  const label = steps.get("variants/a/label")!;
  const fontFile = String(label.runtime.fontFile);
  const reads = label.runtime.reads as { path: string; sha256: string }[];
  assert.deepEqual(reads.at(-1), { path: fontFile, sha256: fileDigest(fontFile) });
});
