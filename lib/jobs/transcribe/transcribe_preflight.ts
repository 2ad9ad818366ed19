/**
 * What a transcription checks before any step: each recording is media ffprobe reads and has an audio stream, and
 * pocketsphinx is installed where it is the engine.
 * @module
 */
import { InputError } from "../../core/errors.ts";
import { probeMedia } from "../../media/ffmpeg.ts";
import { requirePocketsphinx } from "../../media/pocketsphinx.ts";
import { ProcessError } from "../../media/run_process.ts";
import type { PreflightContext } from "../../schema/job_kind.ts";
import type { ResolvedTranscribe } from "./transcribe_schema.ts";

/**
 * Checks the recordings and the engine.
 *
 * @param job The transcriptions.
 * @param context ffmpeg, the signal and the workflow file.
 * @returns No warnings.
 * @throws {InputError} Naming the recording and its place in the workflow when it is not media or has no audio,
 * or when pocketsphinx is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "../../media/ffmpeg.ts";
 * import { preflightTranscribe } from "./transcribe_preflight.ts";
 * assert.deepEqual(await preflightTranscribe({ files: [] }, { ffmpeg: await findFfmpeg(), allowOverflow: false, file: "w.ts" }), []);
 * ```
 */
export async function preflightTranscribe(
  job: ResolvedTranscribe,
  context: PreflightContext,
): Promise<string[]> {
  if (job.files.some((file) => file.engine.kind === "pocketsphinx")) await requirePocketsphinx();
  for (const file of job.files) {
    const where = `${file.path}.input (${context.file})`;
    let streams;
    try {
      streams = (await probeMedia(context.ffmpeg, file.input, { signal: context.signal })).streams;
    } catch (error) {
      if (!(error instanceof ProcessError || error instanceof RangeError)) throw error;
      throw new InputError(`Cannot read ${file.input} as audio or video: ${error.message}`, {
        where,
        hint: "Give an audio or video file that ffmpeg reads",
        cause: error,
      });
    }
    if (!streams.some((stream) => stream.type === "audio")) {
      throw new InputError(`No audio stream in ${file.input}`, {
        where,
        hint: `Check the recording at ${where}`,
      });
    }
  }
  return [];
}
