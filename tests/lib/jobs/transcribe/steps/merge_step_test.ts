/**
 * The merge step says a chunk that heard no word while the others did (an engine that answered nothing for it left
 * its part of the transcript empty, exit 0, and nothing said it), and says nothing of a recording with no word at all
 * (the reporter says that one) or of chunks that all heard words.
 */
import assert from "node:assert/strict";
import type { Json, StepOutput } from "../../../../../lib/core/json.ts";
import type { TimedWord } from "../../../../../lib/core/timed_word.ts";
import { mergeStep } from "../../../../../lib/jobs/transcribe/steps/merge_step.ts";
import { runStepKind } from "../../../../_support/step_runner.ts";
import { tempDir } from "../../../../_support/temp_dir.ts";

/**
 * Three chunks of 20 s, each hearing a second before its own part; `said[i]` the words chunk i heard, one a second
 * of its own part, their times (as a chunk stores them) from the start of its audio.
 */
async function merged(
  said: boolean[],
  more: Record<number, TimedWord[]> = {},
): Promise<{ words: number; warnings?: string[] }> {
  const dir = await tempDir();
  const chunks = [0, 1, 2].map((i) => ({
    start: Math.max(0, i * 20 - 1),
    end: i * 20 + 20,
    from: i * 20,
    to: i * 20 + 20,
  }));
  const children: StepOutput[] = chunks.map((chunk, i) => ({
    key: String(i).repeat(64),
    path: null,
    children: [],
    value: {
      timed: true,
      words: [
        ...more[i] ?? [],
        ...said[i]
          ? Array.from({ length: 20 }, (_, k) => ({
            text: `w${i}${k}`,
            start: chunk.from - chunk.start + k + 0.1,
            end: chunk.from - chunk.start + k + 0.6,
            confidence: null,
          }))
          : [],
      ],
    } as unknown as Json,
  }));
  try {
    return await runStepKind(mergeStep, {
      params: { language: "en", engine: "test" },
      inputs: [{ path: null, value: { duration: 60, chunks, shared: [] } as unknown as Json, children }],
      outputPath: `${dir}/transcript.json`,
      scratchDir: `${dir}/scratch`,
    }) as { words: number; warnings?: string[] };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the merge step warns of a chunk that heard no word while the others did, naming where", async () => {
  const gap = await merged([true, false, true]);
  assert.equal(gap.words, 40);
  assert.deepEqual(gap.warnings, [
    "no word was heard from 0:20.0 to 0:40.0, while the rest of the recording has words: silence there, or an " +
    "engine that answered nothing (--force, or a render's --force-step, asks again)",
  ]);
  assert.equal((await merged([true, true, true])).warnings, undefined);
  // No word anywhere is said by the reporter, once ("is the recording silent?"), not once a chunk.
  assert.equal((await merged([false, false, false])).warnings, undefined);
});

Deno.test("the merge step counts only the words of a chunk's own part: one that heard only its overlap is said", async () => {
  // Chunk 1 (20–40 s, its audio from 19 s) heard a word at 19.5 s, in the audio it shares with chunk 0, and none of
  // its own.
  const gap = await merged([true, false, true], {
    1: [{ text: "over", start: 0.5, end: 0.9, confidence: null }],
  });
  assert.equal(gap.warnings?.length, 1);
  assert.match(gap.warnings![0]!, /^no word was heard from 0:20\.0 to 0:40\.0/);
});
