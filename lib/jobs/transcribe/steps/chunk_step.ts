/**
 * The chunk step: one chunk of a recording heard by its engine, pocketsphinx on this machine or an
 * OpenAI-compatible transcription API. It reads its samples from the decoded recording, or its compact upload
 * from its parent's artifact (`runtime`), so its key holds only what it hears (the samples' digest), the engine
 * and its options.
 * @module
 */
import { clock } from "./_clock.ts";
import type { Json } from "../../../core/json.ts";
import type { TimedWord } from "../../../core/timed_word.ts";
import { recognizeWords, requirePocketsphinx } from "../../../media/pocketsphinx.ts";
import { pcmWav, readPcmRange, readWavLayout } from "../../../media/wav_pcm.ts";
import { httpTarget } from "../../../providers/http/openai_client.ts";
import { transcribeAudio } from "../../../providers/http/openai_transcription.ts";
import type { StepContext, StepKindDefinition } from "../../../steps/step_kind.ts";
import type { StepTask } from "../../../core/step_task.ts";
import { chunkValueProblem, fitChunkWords } from "../chunk_value.ts";
import { extractUpload, type UploadRange } from "./_compact_chunks.ts";

/** The engine and options a chunk is heard with (its params). */
export type ChunkParams =
  | { engine: "pocketsphinx"; language: string }
  | { engine: "openai"; model: string; language: string; prompt: string | null; timestamps: boolean };

/**
 * Hears one chunk; its value is `{ duration, words, timed }` (see `chunk_value.ts`), the words' times from the chunk's
 * start, within it and in order. A failure names the chunk's place in the recording; a stored value that does not
 * fit its chunk is not served (`storedProblem`), and the chunk is heard again.
 */
export const chunkStep: StepKindDefinition = {
  kind: "transcribe-chunk",
  version: 1,
  blocking: false,
  optionalArtifact: true,
  run: async (task, context) => {
    const { runtime } = task;
    const from = Number(runtime.from);
    const to = Number(runtime.to);
    const rate = Number(runtime.sampleRate);
    try {
      const params = task.params as unknown as ChunkParams;
      const duration = chunkLength(runtime);
      const { words, timed } = params.engine === "pocketsphinx"
        ? { words: await hearHere(task, context, { from, to, rate }), timed: true }
        : await hearOverHttp(task, context, { duration, params });
      // Within the chunk, each at least a frame long, and in order, as `chunkValueProblem` wants of a stored value.
      return { duration, words: fitChunkWords(words, duration).map(rounded) as unknown as Json, timed };
    } catch (error) {
      if (error instanceof Error && !context.signal.aborted) {
        error.message = `${chunkName(runtime)}: ${error.message}`;
      }
      throw error;
    }
  },
  storedProblem: ({ value, params, runtime }) => {
    const problem = chunkValueProblem(value, chunkLength(runtime)) ?? untimedProblem(value, params);
    return problem === null ? null : `${chunkName(runtime)}: ${problem}`;
  },
};

/**
 * Why a text-only model's stored value cannot be merged: stored before chunks said their words have no times
 * (`timed: false`), it would be merged by times spread over the whole chunk, losing words at its seams.
 */
function untimedProblem(value: Json, params: Json): string | null {
  const asked = params as Partial<ChunkParams>;
  if (asked.engine !== "openai" || asked.timestamps !== false) return null;
  const { timed } = value as { timed?: Json };
  return timed === false
    ? null
    : "its words do not say they have no times of their own (stored by an older reel)";
}

/** A chunk's length in seconds, from its range of samples. */
function chunkLength(runtime: Record<string, Json>): number {
  return (Number(runtime.to) - Number(runtime.from)) / Number(runtime.sampleRate);
}

/** The chunk's place in its recording, as its messages name it: `Chunk 3:00.0–4:02.3 of talk.mp3`. */
function chunkName(runtime: Record<string, Json>): string {
  return `Chunk ${clock(Number(runtime.start))}–${clock(Number(runtime.end))} of ${
    String(runtime.recording)
  }`;
}

/** Hears the chunk's samples (read from the decoded recording) with pocketsphinx. */
async function hearHere(
  task: StepTask,
  context: StepContext,
  range: { from: number; to: number; rate: number },
): Promise<TimedWord[]> {
  const source = String(task.runtime.source);
  const samples = await readPcmRange(source, await readWavLayout(source), range);
  const wav = `${task.scratchDir}/chunk.wav`;
  await Deno.writeFile(wav, pcmWav(samples, { sampleRate: range.rate }));
  return await recognizeWords(await requirePocketsphinx(), wav, { signal: context.signal });
}

/** Sends the chunk's compact upload (cut by the split step, in its artifact) to the provider. */
async function hearOverHttp(
  task: StepTask,
  context: StepContext,
  chunk: { duration: number; params: Extract<ChunkParams, { engine: "openai" }> },
): Promise<{ words: TimedWord[]; timed: boolean }> {
  const { params, duration } = chunk;
  const file = `${task.scratchDir}/chunk.m4a`;
  await extractUpload(
    String(task.runtime.parentArtifact),
    task.runtime.upload as unknown as UploadRange,
    file,
  );
  const target = httpTarget(task.runtime);
  // A provider's default timeout grows with the chunk's audio (`timeoutPerSecond`, 0 for one the workflow sets).
  const perSecond = task.runtime.timeoutPerSecond;
  if (typeof perSecond !== "number") throw new TypeError(`Step "${task.id}" is missing its timeoutPerSecond`);
  const timeout = Math.ceil(target.timeout + perSecond * duration);
  const transcript = await transcribeAudio({ ...target, timeout }, {
    file,
    model: params.model,
    language: params.language,
    prompt: params.prompt ?? undefined,
    timestamps: params.timestamps,
    duration,
    signal: context.signal,
  });
  context.reportRateLimit(transcript.rateLimit);
  return { words: transcript.words, timed: transcript.timed };
}

/** The word as stored: its times are whole milliseconds already (`fitChunkWords`), its confidence is made so. */
function rounded(word: TimedWord): TimedWord {
  const confidence = word.confidence === null ? null : Math.round(word.confidence * 1000) / 1000;
  return { text: word.text, start: word.start, end: word.end, confidence };
}
