/**
 * Speech recognition with pocketsphinx, used to measure how intelligible the local speech engines are.
 * @module
 */
import { scratchFolder } from "../../../core/scratch_folder.ts";
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";
import { recognizeWords, requirePocketsphinx } from "../../../media/pocketsphinx.ts";

/** Options for {@linkcode recognizeSpeech}. */
export interface RecognizeSpeechOptions {
  /** The ffmpeg binaries, used to resample the audio to 16 kHz mono. */
  ffmpeg: FfmpegPaths;
  /** Aborting kills ffmpeg or pocketsphinx and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Transcribes a speech file with pocketsphinx's default US English model: resamples it to 16 kHz mono with ffmpeg,
 * runs `pocketsphinx_continuous -infile` (see `lib/media/pocketsphinx.ts`), and joins the words it heard.
 *
 * @param audioPath Any audio file ffmpeg can read.
 * @param options The ffmpeg binaries and the signal.
 * @returns The words heard, lower case, space separated; empty when nothing was recognized.
 * @throws {MissingBinaryError} When pocketsphinx is not installed.
 * @throws {ProcessError} When ffmpeg or pocketsphinx fails.
 *
 * @example
 * ```ts
 * import { findFfmpeg } from "../../../media/ffmpeg.ts";
 * import { recognizeSpeech } from "./recognize_speech.ts";
 * const ffmpeg = await findFfmpeg();
 * // const heard = await recognizeSpeech("out/intro.wav", { ffmpeg });
 * ```
 */
export async function recognizeSpeech(audioPath: string, options: RecognizeSpeechOptions): Promise<string> {
  const { ffmpeg, signal } = options;
  signal?.throwIfAborted();
  const program = await requirePocketsphinx();
  await using folder = await scratchFolder("reel-asr-");
  const input = `${folder.path}/speech.wav`;
  await runFfmpeg(ffmpeg, ["-i", audioPath, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", input], {
    signal,
  });
  const words = await recognizeWords(program, input, { signal });
  return words.map((word) => word.text).join(" ");
}
