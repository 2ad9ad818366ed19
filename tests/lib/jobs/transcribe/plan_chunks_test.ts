import assert from "node:assert/strict";
import { planChunks } from "../../../../lib/jobs/transcribe/plan_chunks.ts";

const options = { chunk: 60, overlap: 2, context: 3 };

Deno.test("planChunks() cuts in the middle of the silence nearest each target length", () => {
  const silences = [{ start: 40, end: 41 }, { start: 57, end: 57.6 }, { start: 63, end: 63.4 }, {
    start: 119,
    end: 120,
  }];
  const chunks = planChunks(150, silences, options);
  assert.deepEqual(chunks.map((chunk) => chunk.to), [57.3, 119.5, 150]);
  // Each chunk after the first hears 3 s before its own part; a silence cut adds nothing after it.
  assert.deepEqual(chunks.map((chunk) => chunk.start), [0, 54.3, 116.5]);
  assert.deepEqual(chunks.map((chunk) => chunk.end), [57.3, 119.5, 150]);
});

Deno.test("planChunks() cuts hard inside speech with no silence near the target, with the overlap around the cut", () => {
  const chunks = planChunks(190, [{ start: 10, end: 10.5 }], options);
  assert.deepEqual(chunks.map((chunk) => [chunk.from, chunk.to]), [[0, 60], [60, 120], [120, 190]]);
  assert.deepEqual(chunks.map((chunk) => [chunk.start, chunk.end]), [[0, 61], [57, 121], [117, 190]]);
});

Deno.test("planChunks() tiles the recording with the chunks' own parts, never longer than a chunk and a quarter", () => {
  for (let seed = 1; seed <= 50; seed++) {
    const duration = 30 + seed * 17.3;
    const silences = Array.from({ length: seed % 7 }, (_, i) => {
      const start = ((i + 1) * duration * 0.61 * seed) % duration;
      return { start, end: Math.min(duration, start + 0.4) };
    }).sort((a, b) => a.start - b.start);
    const chunks = planChunks(duration, silences, { chunk: 20, overlap: 2, context: 3 });
    assert.equal(chunks[0]!.from, 0);
    assert.equal(chunks.at(-1)!.to, Math.round(duration * 1000) / 1000);
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0) assert.equal(chunk.from, chunks[i - 1]!.to);
      assert.ok(chunk.start <= chunk.from && chunk.to <= chunk.end);
      assert.ok(chunk.to - chunk.from <= 25 + 1e-9, `chunk ${i} is ${chunk.to - chunk.from} s`);
    }
  }
});

Deno.test("planChunks() keeps a short recording whole and refuses an overlap of half a chunk", () => {
  assert.deepEqual(planChunks(70, [], options), [{ start: 0, end: 70, from: 0, to: 70 }]);
  assert.throws(() => planChunks(100, [], { chunk: 10, overlap: 5, context: 1 }), RangeError);
  assert.throws(() => planChunks(100, [], { chunk: 10, overlap: 1, context: 5 }), RangeError);
});
