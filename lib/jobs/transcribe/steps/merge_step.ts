/**
 * The merge step: the chunks' words joined into the recording's transcript (see `merge_chunk_words.ts`), grouped
 * into segments, written as `<id>.json`.
 * @module
 */
import type { TimedWord } from "../../../core/timed_word.ts";
import type { Silence } from "../../../media/detect_silences.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";
import { mergeChunkWords } from "../merge_chunk_words.ts";
import type { AudioChunk } from "../plan_chunks.ts";
import { segmentWords, type Transcript } from "../transcript.ts";
import { clock } from "./_clock.ts";

/** Merges the children of its input (the split step); its value is `{ duration, words, segments }`. */
export const mergeStep: StepKindDefinition = {
  kind: "transcribe-merge",
  // 3: a text-only seam in silence joined without aligning (the split's `shared` silences). 4: a timed seam cut
  // once (no word lost for being heard by one side, no two at once). 5: a timed seam cut where the least speech is
  // told twice or not at all (sides that split words differently lost or repeated one), and segments that fit
  // two lines of 42 characters (were up to 84 on one).
  // 6: the cut within the tolerance of the least of all cuts (was: of the last best), and segments that fit two
  // lines as captions lay them out (a lone dash joins the word before it). 7 and 8: a text-only seam pairs words of
  // the same text only at about the same time (a phrase said again 10 s before was taken for the shared audio's), and
  // aligns only the words near the shared audio; a word the next chunk alone heard across a clean cut, most of it
  // after, is kept; a segment ends at most 6 s after it starts. 9: a segment's lines break at no sentence end after
  // a month's abbreviation or an initialism. 10: lines counted with wide characters as two, and a word longer than
  // a line (a web address) or writing without spaces (Chinese, Japanese, Thai) cut into pieces that fit. 11: a lone
  // mark (`!` set apart, as French sets it) counted with its word, a lone zero-width character not at all, and
  // other languages' leaning words known. 12: a word the chunk before a clean cut missed, heard by the next in its
  // context, kept. 13: a word the chunk before a clean cut heard just before it and the next just after it (the same
  // text within 0.3 s) kept once. 14: a chunk's words placed in the recording's time before it is said to have heard
  // none (every chunk but the first was said to, and a stored merge said so again). 15: text-only chunks' spread
  // times told apart at the scale their shared audio allows where that pairs four words at least, else at 4 s (a
  // phrase said again and again lost a repeat or more at each join); each merged word a frame long at least (one at
  // the recording's end lasted nothing).
  version: 15,
  blocking: true,
  run: async (task) => {
    const split = task.inputs[0];
    const { duration, chunks, shared } = (split?.value ?? {}) as {
      duration?: number;
      chunks?: AudioChunk[];
      shared?: Silence[];
    };
    if (split === undefined || duration === undefined || chunks === undefined || shared === undefined) {
      throw new TypeError(`Step "${task.id}" expected the chunks of "${task.inputIds[0]}"`);
    }
    if (split.children.length !== chunks.length) {
      throw new TypeError(`Step "${task.id}" expected ${chunks.length} chunks, got ${split.children.length}`);
    }
    const heard = chunks.map((chunk, i) => {
      const value = (split.children[i]!.value ?? {}) as { words?: TimedWord[]; timed?: boolean };
      // A value stored before chunks said so has word times (a text-only model's is heard again: `chunk_step.ts`).
      return { chunk, words: value.words ?? [], timed: value.timed !== false };
    });
    const words = mergeChunkWords(heard, { silences: shared });
    const { language, engine } = task.params as { language: string; engine: string };
    const segments = segmentWords(words, { duration, language });
    const transcript: Transcript = { duration, language, engine, words: words.length, segments };
    await Deno.writeTextFile(outputPath(task), `${JSON.stringify(transcript, null, 2)}\n`);
    return { duration, words: words.length, segments: segments.length, ...wordlessChunks(heard) };
  },
};

/** A chunk's own part at least this long that heard no word while others did is said (see below). */
const WORDLESS_SECONDS = 5;

/**
 * A warning for each chunk that heard no word in its own part while other chunks heard some: a server that answered
 * nothing for it left that part of the transcript empty, exit 0 (tx). A long silence there is said too: the
 * warning says both. A chunk's words are timed from the start of its audio (`chunk.start`), its part in the
 * recording's time (nt: every chunk but the first was said to have heard nothing).
 */
function wordlessChunks(
  heard: readonly { chunk: AudioChunk; words: readonly TimedWord[] }[],
): { warnings?: string[] } {
  if (heard.every(({ words }) => words.length === 0)) return {};
  const warnings = heard
    .filter(({ chunk, words }) =>
      chunk.to - chunk.from >= WORDLESS_SECONDS &&
      !words.some((word) => chunk.start + word.end > chunk.from && chunk.start + word.start < chunk.to)
    )
    .map(({ chunk }) =>
      `no word was heard from ${clock(chunk.from)} to ${
        clock(chunk.to)
      }, while the rest of the recording has ` +
      "words: silence there, or an engine that answered nothing (--force, or a render's --force-step, asks again)"
    );
  return warnings.length === 0 ? {} : { warnings };
}
