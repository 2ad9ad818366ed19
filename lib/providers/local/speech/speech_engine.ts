/**
 * The one small interface every local speech engine implements: text in, a mono WAV file out.
 * @module
 */
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";

/**
 * What to say and how.
 *
 * @example
 * ```ts
 * import type { SpeechRequest } from "./speech_engine.ts";
 * const request: SpeechRequest = { text: "Welcome to the course", voice: "slt", rate: 165 };
 * ```
 */
export interface SpeechRequest {
  /** The text to speak; must hold at least one non-blank character. */
  text: string;
  /** The engine's voice name, e.g. `slt` (flite) or `en-us` (espeak-ng). */
  voice: string;
  /** Speaking rate in words per minute; a positive number. */
  rate: number;
}

/**
 * Where an engine finds its tools and writes its result.
 *
 * @example
 * ```ts
 * import { findFfmpeg } from "../../../media/ffmpeg.ts";
 * import type { SpeechEngineContext } from "./speech_engine.ts";
 * const context: SpeechEngineContext = { ffmpeg: await findFfmpeg(), outPath: "/tmp/intro.wav" };
 * ```
 */
export interface SpeechEngineContext {
  /** The ffmpeg and ffprobe binaries. */
  ffmpeg: FfmpegPaths;
  /** Aborting kills the engine's child process and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The WAV file to write (16-bit PCM, mono), replaced if it exists. After a failure it may hold a partial file, so
   * callers write to a temporary name and rename it.
   */
  outPath: string;
}

/**
 * A local speech engine: writes the spoken text of a {@linkcode SpeechRequest} to a mono WAV file.
 *
 * @example
 * ```ts
 * import { findFfmpeg } from "../../../media/ffmpeg.ts";
 * import { fliteEngine } from "./flite_engine.ts";
 * import type { SpeechEngine } from "./speech_engine.ts";
 * const engine: SpeechEngine = fliteEngine;
 * const outPath = await Deno.makeTempFile({ suffix: ".wav" });
 * await engine.synthesize({ text: "Hello", voice: "slt", rate: 165 }, { ffmpeg: await findFfmpeg(), outPath });
 * await Deno.remove(outPath);
 * ```
 */
export interface SpeechEngine {
  /** The engine's id, as used by a workflow's `voice.provider`. */
  readonly id: string;
  /**
   * Speaks `request.text` into the WAV file `context.outPath`.
   *
   * @param request The text, voice and rate.
   * @param context The binaries, the signal and the output file.
   * @throws {InputError} When the voice is unknown to the engine.
   * @throws {MissingBinaryError} When the engine's program cannot be found.
   * @throws {RangeError} When the text is blank or the rate is not a positive number.
   * @throws {ProcessError} When the engine's program fails for another reason.
   */
  synthesize(request: SpeechRequest, context: SpeechEngineContext): Promise<void>;
}
