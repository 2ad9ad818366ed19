/**
 * The sound fields in the plan: the music file's bytes and every sound setting are part of the narration's key, so
 * changing one re-runs the narration and what reads it (the videos, and the subtitles that read its timing), and
 * nothing else; a video's music is laid over the lesson's.
 */
import assert from "node:assert/strict";
import type { PlanStep } from "../../../../lib/plan/plan_step.ts";
import { planWorkflows } from "../../../../lib/workflow/plan_workflows.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../../_support/temp_dir.ts";
import { TEST_TOOLCHAIN } from "../../../_support/toolchain.ts";

const WAV_HEADER = "RIFF\0\0\0\0WAVEfmt ";

const base: WorkflowInput = {
  formats: ["16:9", "9:16"],
  music: { file: "music.wav", volume: 0.3 },
  videos: [
    { id: "v", sections: [{ title: "A", narration: "Hello." }, { title: "B", narration: "Again." }] },
    { id: "w", sections: [{ title: "C", narration: "Other." }], music: false },
  ],
};

async function planIn(dir: string, input: WorkflowInput): Promise<PlanStep[]> {
  const workflow = await resolveWorkflow(input, { file: "lesson.ts", moduleUrl: `file://${dir}/lesson.ts` });
  return planWorkflows([workflow], { toolchain: TEST_TOOLCHAIN }).steps;
}

async function keysIn(dir: string, input: WorkflowInput): Promise<Map<string, string>> {
  return new Map((await planIn(dir, input)).map((step) => [step.id, step.key]));
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([id, key]) => before.get(id) !== key).map(([id]) => id).sort();
}

const narrationOfV = [
  "v/narration",
  "v/subtitles.srt",
  "v/subtitles.vtt",
  "v/subtitles.vtt@9x16",
  "v/video@16x9",
  "v/video@9x16",
];

Deno.test("step keys: the music's bytes, volume, fades, duck and the loudness target re-run the narration and its readers only", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/music.wav`, `${WAV_HEADER}one`);
  const before = await keysIn(dir, base);
  await Deno.writeTextFile(`${dir}/music.wav`, `${WAV_HEADER}two`);
  assert.deepEqual(changed(before, await keysIn(dir, base)), narrationOfV);
  await Deno.writeTextFile(`${dir}/music.wav`, `${WAV_HEADER}one`);
  assert.deepEqual(changed(before, await keysIn(dir, base)), []);
  // Moving the file (same bytes) is not a change.
  await Deno.writeTextFile(`${dir}/moved.wav`, `${WAV_HEADER}one`);
  assert.deepEqual(
    changed(before, await keysIn(dir, { ...base, music: { file: "moved.wav", volume: 0.3 } })),
    [],
  );
  for (const music of [{ volume: 0.4 }, { fadeIn: 3 }, { fadeOut: 0 }, { duck: 6 }]) {
    const input = { ...base, music: { file: "music.wav", volume: 0.3, ...music } };
    assert.deepEqual(changed(before, await keysIn(dir, input)), narrationOfV, JSON.stringify(music));
  }
  const everyNarration = [...narrationOfV, ...narrationOfV.map((id) => id.replace("v/", "w/"))].sort();
  for (const loudness of [{ target: -23 }, { truePeak: -2 }, false] as const) {
    assert.deepEqual(changed(before, await keysIn(dir, { ...base, loudness })), everyNarration);
  }
});

Deno.test("planLesson() gives the narration its sound: the lesson's music unless the video turns it off, and the loudness", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/music.wav`, `${WAV_HEADER}one`);
  await Deno.writeTextFile(`${dir}/other.wav`, `${WAV_HEADER}two`);
  const input = structuredClone(base);
  input.videos!.push({
    id: "x",
    sections: [{ title: "D", narration: "Last." }],
    music: { file: "other.wav", duck: 0 },
  });
  const steps = new Map((await planIn(dir, input)).map((step) => [step.id, step]));
  const narration = (id: string) => steps.get(`${id}/narration`)!;
  const params = (id: string) => narration(id).params as Record<string, unknown>;
  assert.deepEqual(params("v").loudness, { target: -16, truePeak: -1.5 });
  assert.deepEqual(
    { ...params("v").music as object, sha256: "…" },
    { sha256: "…", volume: 0.3, fadeIn: 1, fadeOut: 2, duck: 15 },
  );
  assert.equal(narration("v").runtime.musicPath, `${dir}/music.wav`);
  assert.deepEqual(narration("v").runtime.reads, [{
    path: `${dir}/music.wav`,
    sha256: (params("v").music as { sha256: string }).sha256,
  }]);
  assert.equal(params("w").music, null);
  assert.equal(narration("w").runtime.musicPath, null);
  assert.equal(narration("w").runtime.reads, undefined);
  // A video's fields are laid over the lesson's.
  assert.deepEqual({ ...params("x").music as object, sha256: "…" }, {
    sha256: "…",
    volume: 0.3,
    fadeIn: 1,
    fadeOut: 2,
    duck: 0,
  });
  assert.equal(narration("x").runtime.musicPath, `${dir}/other.wav`);
});
