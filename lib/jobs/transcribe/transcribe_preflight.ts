/**
 * What a transcription checks before any step: each recording is media ffprobe reads, whole, with an audio stream
 * that ffmpeg decodes, and pocketsphinx is installed where it is the engine.
 * @module
 */
import { COMMAND_LINE, InputError, WorkflowError } from "../../core/errors.ts";
import { probeMedia, type ProbeResult, unreadableMediaWords } from "../../media/ffmpeg.ts";
import { requirePocketsphinx } from "../../media/pocketsphinx.ts";
import { requireFilters } from "../../media/ffmpeg_filters.ts";
import { cutShort } from "../../media/cut_short.ts";
import { decodeProblem, PROBES_IN_FLIGHT } from "../../media/media_problem.ts";
import { mapBounded } from "../../core/map_bounded.ts";
import { ProcessError } from "../../media/run_process.ts";
import type { PreflightContext } from "../../schema/job_kind.ts";
import { holdsText } from "../../schema/input_files.ts";
import { readHead } from "../../core/read_full.ts";
import { sniffStill } from "../../media/sniff_media.ts";
import type { ResolvedTranscribe, ResolvedTranscription } from "./transcribe_schema.ts";

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
  // Every recording is split at its silences.
  await requireFilters(context.ffmpeg, new Map([["silencedetect", "transcribe"]]), context);
  // Checked a few at once (a batch of recordings waited on each file's probe and decode in turn); every one that
  // fails is said, in the workflow's order (fi10: the first alone).
  const failures = await mapBounded(job.files, async (file) => {
    try {
      await checkRecording(file, context);
      return null;
    } catch (error) {
      if (error instanceof InputError) return { file, error };
      throw error;
    }
  }, { concurrency: PROBES_IN_FLIGHT, signal: context.signal });
  const failed = failures.filter((found) => found !== null);
  if (failed.length === 1) throw failed[0]!.error;
  if (failed.length > 1) {
    throw new WorkflowError(
      context.file,
      failed.map(({ file, error }) => ({
        path: recordingField(file, context.file),
        message: error.message,
        ...error.hint === null ? {} : { hint: error.hint },
      })),
      { cause: new AggregateError(failed.map(({ error }) => error)) },
    );
  }
  return [];
}

/** Throws an {@linkcode InputError} naming the recording when it cannot be transcribed whole. */
async function checkRecording(file: ResolvedTranscription, context: PreflightContext): Promise<void> {
  const where = recordingPlace(file, context.file);
  // Its length is not needed here: a recording whose container says none is not decoded whole at every render.
  await probeRecording(file, context, { unknownLength: "accept" });
  // Its header or index says more than it holds (a partial download): ffmpeg decoded the part there is, exit 0,
  // and the transcript stopped where the bytes did.
  const truncated = await cutShort(file.input);
  if (truncated !== null) {
    throw new InputError(`${file.input} is cut short: ${truncated} (a partial download or copy?)`, {
      where,
      hint: "Give the whole recording",
    });
  }
  // Sound none of which decodes probes well: its decode step failed in ffmpeg's words.
  const damaged = await decodeProblem(context.ffmpeg, file.input, {
    needs: "audio",
    signal: context.signal,
  });
  if (damaged !== null) {
    throw new InputError(damaged, { where, hint: "Give a recording whose sound plays" });
  }
}

/**
 * Probes a recording: an empty file, one ffprobe cannot read and one without audio are refused naming its place in
 * the workflow.
 *
 * @param file The recording.
 * @param context ffmpeg, the signal and the workflow file.
 * @param options What a recording whose container says no length gives (see `ProbeOptions`): its length measured
 *   by decoding it (the default: a browser's WebM was refused, "no duration", tx), or NaN.
 * @returns What ffprobe read.
 * @throws {InputError} When it is empty, not media or has no audio.
 */
export async function probeRecording(
  file: Pick<ResolvedTranscription, "input" | "path">,
  context: Pick<PreflightContext, "ffmpeg" | "signal" | "file">,
  options: { unknownLength?: "measure" | "accept" } = {},
): Promise<ProbeResult> {
  const where = recordingPlace(file, context.file);
  // An empty file is said as such (before: ffprobe's "Failed to read frame size: Could not seek to 1026").
  if (isEmptyFile(file.input)) {
    throw new InputError(`${file.input} is empty (0 bytes)`, { where, hint: "Give the whole recording" });
  }
  let probed: ProbeResult;
  try {
    probed = await probeMedia(context.ffmpeg, file.input, {
      signal: context.signal,
      unknownLength: options.unknownLength ?? "measure",
    });
  } catch (error) {
    if (!(error instanceof ProcessError || error instanceof RangeError)) throw error;
    // Text named as a recording is said as such, as variants and montages say it (before: ffprobe's words of an
    // .mp4, "it has no index (its moov box): it is cut short").
    if (error instanceof ProcessError && await holdsText(file.input)) {
      throw new InputError(`${file.input} holds text, not media`, {
        where,
        hint: "Give an audio or video file that ffmpeg reads",
        cause: error,
      });
    }
    // A picture: said as variants say it (nt8: "ffprobe found no duration"), a WebP or BMP as a PNG (rv19).
    const image = sniffStill(await readHead(file.input, 16));
    if (image !== null) {
      throw new InputError(`${file.input} is a still image (${image}), not a recording`, {
        where,
        hint: "Give an audio or video file that ffmpeg reads",
        cause: error,
      });
    }
    const why = error instanceof ProcessError
      ? (await unreadableMediaWords(error.stderr, file.input)) || error.message
      : error.message;
    throw new InputError(`Cannot read ${file.input} as audio or video: ${why}`, {
      where,
      hint: "Give an audio or video file that ffmpeg reads",
      cause: error,
    });
  }
  if (!probed.streams.some((stream) => stream.type === "audio")) {
    throw new InputError(`No audio stream in ${file.input}`, {
      where,
      hint: "Give a recording with sound: an audio file, or a video with an audio track",
    });
  }
  return probed;
}

/**
 * Where a recording was named: its field in the workflow file, or, for `reel transcribe`, the argument (the
 * workflow's field is reel's own there).
 */
function recordingPlace(file: Pick<ResolvedTranscription, "input" | "path">, workflow: string): string {
  return `${recordingField(file, workflow)} (${workflow})`;
}

/** The recording's field in the workflow file, or, for `reel transcribe`, the argument itself. */
function recordingField(file: Pick<ResolvedTranscription, "input" | "path">, workflow: string): string {
  return workflow === COMMAND_LINE ? file.input : `${file.path}.input`;
}

/** Whether `path` is a regular file of no bytes (a pipe or a device has no size to tell). */
function isEmptyFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && info.size === 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false; // ffprobe names it
    throw error;
  }
}
