/**
 * Speech recognition with pocketsphinx, used to measure how intelligible the local speech engines are.
 * @module
 */
import { MissingBinaryError } from "../../../core/errors.ts";
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";
import { findOnPath, isExecutableFile } from "../../../media/find_binary.ts";
import { runProcess } from "../../../media/run_process.ts";

/** How to install pocketsphinx and its English model, given when it is missing. */
export const POCKETSPHINX_INSTALL_HINT =
  "Install it with `sudo apt-get install pocketsphinx pocketsphinx-en-us`, or point REEL_POCKETSPHINX at a " +
  "pocketsphinx_continuous binary";

/** Options for {@linkcode recognizeSpeech}. */
export interface RecognizeSpeechOptions {
  /** The ffmpeg binaries, used to resample the audio to 16 kHz mono. */
  ffmpeg: FfmpegPaths;
  /** Aborting kills ffmpeg or pocketsphinx and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Finds `pocketsphinx_continuous` (the CLI of Debian's `pocketsphinx` 0.8 package): `REEL_POCKETSPHINX` first,
 * then PATH.
 *
 * @returns Its path, or null when it is not installed.
 * @throws {MissingBinaryError} When `REEL_POCKETSPHINX` names a file that cannot be run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPocketsphinx } from "./recognize_speech.ts";
 * const program = await findPocketsphinx();
 * assert.ok(program === null || program.includes("pocketsphinx"));
 * ```
 */
export async function findPocketsphinx(): Promise<string | null> {
  const configured = Deno.env.get("REEL_POCKETSPHINX");
  if (configured !== undefined && configured !== "") {
    if (await isExecutableFile(configured)) return configured;
    throw new MissingBinaryError(
      `pocketsphinx_continuous at ${configured} (from REEL_POCKETSPHINX)`,
      POCKETSPHINX_INSTALL_HINT,
    );
  }
  return await findOnPath("pocketsphinx_continuous");
}

/**
 * Transcribes a speech file with pocketsphinx's default US English model: resamples it to 16 kHz mono with ffmpeg,
 * runs `pocketsphinx_continuous -infile`, and joins the utterances it prints.
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
  const program = await findPocketsphinx();
  if (program === null) {
    throw new MissingBinaryError("pocketsphinx_continuous on PATH", POCKETSPHINX_INSTALL_HINT);
  }
  const folder = await Deno.makeTempDir({ prefix: "reel-asr-" });
  try {
    const input = `${folder}/speech.wav`;
    await runFfmpeg(ffmpeg, ["-i", audioPath, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", input], {
      signal,
    });
    const { stdout } = await runProcess(program, ["-infile", input, "-logfn", "/dev/null"], { signal });
    return new TextDecoder().decode(stdout).split("\n").map((line) => line.trim()).filter((line) =>
      line !== ""
    )
      .join(" ");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}
