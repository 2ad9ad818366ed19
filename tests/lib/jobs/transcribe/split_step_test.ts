import assert from "node:assert/strict";
import type { ChildSpec, StepTask } from "../../../../lib/core/step_task.ts";
import { splitStep } from "../../../../lib/jobs/transcribe/steps/split_step.ts";
import { findFfmpeg } from "../../../../lib/media/ffmpeg.ts";
import { pcmWav } from "../../../../lib/media/wav_pcm.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

/** Noise (speech-loud, or `level` times that) with two silences, `frames` long at 16 kHz. */
function recording(frames: number, silences: [number, number][], level = 1): Uint8Array {
  const pcm = new Uint8Array(frames * 2);
  const view = new DataView(pcm.buffer);
  let seed = 1;
  for (let i = 0; i < frames; i++) {
    const t = i / 16_000;
    const quiet = silences.some(([start, end]) => t >= start && t < end);
    seed = (seed * 16807) % 2147483647;
    view.setInt16(i * 2, quiet ? 0 : Math.round(((seed % 16000) - 8000) * level), true);
  }
  return pcmWav(pcm, { sampleRate: 16_000 });
}

async function split(
  wav: string,
  upload: "m4a" | null = null,
  noise: number | null = -35,
): Promise<{ value: unknown; children: ChildSpec[] }> {
  const dir = await tempDir("reel-split-");
  const children: ChildSpec[] = [];
  const task: StepTask = {
    id: "a/split",
    kind: splitStep.kind,
    version: splitStep.version,
    key: "k",
    params: { chunk: 10, overlap: 2, context: 3, silence: { noise, duration: 0.3 }, upload },
    runtime: { template: "./chunk" },
    engine: null,
    inputIds: ["a/decode"],
    inputs: [{ path: wav, value: null, key: "d", children: [] }],
    outputPath: `${dir}/artifact.bin`,
    scratchDir: dir,
    blocking: false,
    provider: null,
    cpu: true,
    ffmpeg: await findFfmpeg(),
  };
  const value = await splitStep.run(task, {
    signal: new AbortController().signal,
    spawn: (child) => children.push(child),
    reportRateLimit: () => {},
    reportProgress: () => {},
    borrowCore: () => Promise.resolve(null),
    warn: (message) => {
      throw new Error(`The split warned: ${message}`);
    },
  });
  return { value, children };
}

Deno.test("the split step spawns a chunk per cut, within the recording, keyed by its samples", async () => {
  const dir = await tempDir("reel-split-");
  const frames = 24.0003 * 16_000;
  await Deno.writeFile(`${dir}/a.wav`, recording(Math.round(frames), [[9.6, 10.2]]));
  const { value, children } = await split(`${dir}/a.wav`);
  assert.deepEqual((value as { chunks: { to: number }[] }).chunks.map((chunk) => chunk.to), [9.9, 19.9, 24]);
  assert.deepEqual(children.map((child) => [child.runtime?.from, child.runtime?.to]), [
    [0, 158_400],
    [110_400, 334_400],
    [270_400, Math.round(frames)],
  ]);
  assert.deepEqual(children.map((child) => child.tokenCost), [10, 14, 8]);
  assert.ok(
    // Named under the split (`./chunk`, the plan's `a/split/chunk`): the stored entry serves any recording of it.
    children.every((child) => child.step === "./chunk" && /^[0-9a-f]{64}$/.test(child.content!)),
  );
  // The same samples in another file are the same chunks, with the same digests.
  await Deno.copyFile(`${dir}/a.wav`, `${dir}/b.wav`);
  const again = await split(`${dir}/b.wav`);
  assert.deepEqual(again.children.map((child) => child.content), children.map((child) => child.content));
});

Deno.test("for a hosted engine the split step writes each chunk's compact upload into its artifact", async () => {
  const dir = await tempDir("reel-split-");
  await Deno.writeFile(`${dir}/a.wav`, recording(16_000 * 22, [[9.6, 10.2]]));
  const { children } = await split(`${dir}/a.wav`, "m4a");
  const ranges = children.map((child) => child.runtime?.upload as { offset: number; length: number });
  assert.equal(ranges[0]!.offset, 0);
  for (let i = 1; i < ranges.length; i++) {
    assert.equal(ranges[i]!.offset, ranges[i - 1]!.offset + ranges[i - 1]!.length);
  }
  // 32 kb/s: a tenth of the PCM, or so.
  children.forEach((child, i) => {
    const pcm = (Number(child.runtime?.to) - Number(child.runtime?.from)) * 2;
    assert.ok(ranges[i]!.length > pcm / 20 && ranges[i]!.length < pcm / 5, `${ranges[i]!.length} of ${pcm}`);
  });
});

Deno.test("the split step hands the merge the silences two chunks both hear", async () => {
  const dir = await tempDir("reel-split-");
  // A 6-s pause (7–13 s): the cut at 10 s, the chunk after hears from 7 s, all in it; a short one (3–3.5 s) before.
  await Deno.writeFile(`${dir}/a.wav`, recording(16_000 * 20, [[3, 3.5], [7, 13]]));
  const { value } = await split(`${dir}/a.wav`);
  const { chunks, shared, silences } = value as {
    chunks: { start: number; end: number }[];
    shared: { start: number; end: number }[];
    silences: number;
  };
  assert.deepEqual(chunks.map((chunk) => [chunk.start, chunk.end]), [[0, 10], [7, 20]]);
  assert.equal(silences, 2);
  // Only the pause's part both chunks hear, which is all they share.
  assert.equal(shared.length, 1);
  assert.ok(shared[0]!.start <= 7 && shared[0]!.end === 10, JSON.stringify(shared));
});

Deno.test("the split step takes a quiet recording's silences under its own level, unless the workflow sets one", async () => {
  // Its "speech" peaks at -36 dB, under the usual -35: before, all of it was one silence, and cuts fell anywhere in
  // it, taken for clean ones (tx: words lost at them). Its own level puts the silence 20 dB under its loudest.
  const dir = await tempDir("reel-split-");
  await Deno.writeFile(`${dir}/quiet.wav`, recording(24 * 16_000, [[9.6, 10.2]], 1 / 64));
  const own = (await split(`${dir}/quiet.wav`, null, null)).value as {
    noise: number;
    chunks: { to: number }[];
  };
  assert.ok(own.noise < -55, `${own.noise} dB`);
  assert.deepEqual(own.chunks.map((chunk) => chunk.to), [9.9, 19.9, 24]);
  const set = (await split(`${dir}/quiet.wav`, null, -35)).value as { noise: number; silences: number };
  assert.deepEqual([set.noise, set.silences], [-35, 1]);
});
