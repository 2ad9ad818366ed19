/**
 * The flite speech engine, through ffmpeg's lavfi `flite` source: clearer than espeak-ng, needs no extra program.
 * @module
 */
import { InputError } from "../../../core/errors.ts";
import { BITEXACT_WAV, runFfmpeg } from "../../../media/ffmpeg.ts";
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";
import { ffmpegFilters } from "../../../media/ffmpeg_filters.ts";
import { checkSpeechRequest } from "./_check_speech_request.ts";
import { escapeFilterOption } from "../../../media/escape_filter_option.ts";
import type { SpeechEngine, SpeechEngineContext, SpeechRequest } from "./speech_engine.ts";

/**
 * The voices built into ffmpeg's `flite` source: `slt` (US female), `rms` (US male), `awb` (Scottish male),
 * `kal16` (US male) and `kal` (US male, 8 kHz).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLITE_VOICES } from "./flite_engine.ts";
 * assert.ok(FLITE_VOICES.includes("slt"));
 * ```
 */
export const FLITE_VOICES: readonly string[] = ["kal", "kal16", "awb", "rms", "slt"];

/**
 * The message for a flite voice ffmpeg's filter does not have.
 *
 * @param voice The voice asked for.
 * @returns The message, naming the voices there are.
 */
export function unknownFliteVoice(voice: string): string {
  return `Unknown flite voice "${voice}": expected one of ${FLITE_VOICES.join(", ")}`;
}

/** The rate in words per minute at which flite speaks when it is not sped up or slowed down. */
export const FLITE_NATURAL_RATE = 165;

/**
 * The flite engine. Writes the text to a temporary file, renders it with `-f lavfi -i flite=textfile=...`, and
 * applies `atempo` (rate / {@linkcode FLITE_NATURAL_RATE}, clamped to 0.5..2) since the source has no rate
 * option. Writes a mono WAV at the voice's own sample rate (16 kHz; 8 kHz for `kal`).
 *
 * @example
 * ```ts
 * import { findFfmpeg } from "../../../media/ffmpeg.ts";
 * import { fliteEngine } from "./flite_engine.ts";
 * const outPath = await Deno.makeTempFile({ suffix: ".wav" });
 * await fliteEngine.synthesize(
 *   { text: "Hello and welcome", voice: "slt", rate: 165 },
 *   { ffmpeg: await findFfmpeg(), outPath },
 * );
 * await Deno.remove(outPath);
 * ```
 */
export const fliteEngine: SpeechEngine = {
  id: "flite",
  synthesize: synthesizeWithFlite,
};

async function synthesizeWithFlite(
  request: SpeechRequest,
  context: SpeechEngineContext,
): Promise<void> {
  const { ffmpeg, signal, outPath } = context;
  checkSpeechRequest("flite", request);
  if (!FLITE_VOICES.includes(request.voice)) {
    throw new InputError(
      unknownFliteVoice(request.voice),
      { hint: `Set voice to one of ${FLITE_VOICES.join(", ")}, or use provider "espeak"` },
    );
  }
  signal?.throwIfAborted();
  const tempo = fliteTempo(request.rate);
  // The text goes beside the output (a step's scratch folder, which the store clears after a crash), not in TMPDIR:
  // a TMPDIR missing or read-only failed every speech step naming no folder, and a render killed left its folders.
  const textFile = `${outPath}.txt`;
  try {
    await Deno.writeTextFile(textFile, request.text, { signal });
    await runFfmpeg(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      `flite=textfile=${escapeFilterOption(textFile)}:voice=${request.voice}`,
      ...(tempo === 1 ? [] : ["-af", `atempo=${tempo}`]),
      "-ac",
      "1",
      ...BITEXACT_WAV,
      outPath,
    ], { signal });
  } finally {
    await Deno.remove(textFile).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
}

/** What to do when ffmpeg has no `flite` filter, given with the error. */
export const FLITE_INSTALL_HINT =
  "Install an ffmpeg built with --enable-libflite: Debian's and Ubuntu's are (`sudo apt-get install ffmpeg`), " +
  "others may not be (point REEL_FFMPEG at one that is); or use espeak-ng voices: " +
  '`voice: { provider: "espeak" }` in the workflow';

/**
 * Checks, before a run, that ffmpeg has the `flite` filter that flite voices are rendered with.
 *
 * @param ffmpeg The binaries the run will use.
 * @param options The signal that kills ffmpeg.
 * @throws {InputError} When the filter is missing, with {@linkcode FLITE_INSTALL_HINT}.
 *
 * @example
 * ```ts
 * import { findFfmpeg } from "../../../media/ffmpeg.ts";
 * import { checkFliteFilter } from "./flite_engine.ts";
 * await checkFliteFilter(await findFfmpeg());
 * ```
 */
export async function checkFliteFilter(
  ffmpeg: FfmpegPaths,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  if ((await ffmpegFilters(ffmpeg, options)).has("flite")) return;
  throw new InputError(
    `The ffmpeg at ${ffmpeg.ffmpeg} has no flite filter, which flite voices (the default voice) need`,
    { where: ffmpeg.ffmpeg, hint: FLITE_INSTALL_HINT },
  );
}

function fliteTempo(rate: number): number {
  const factor = Math.min(2, Math.max(0.5, rate / FLITE_NATURAL_RATE));
  return Math.round(factor * 1000) / 1000;
}
