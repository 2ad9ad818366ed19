/**
 * The espeak-ng speech engine: fast, small, robotic; voices such as `en-us`, `en-gb` or `en-us+f3`.
 * @module
 */
import { MissingBinaryError } from "../../../core/errors.ts";
import { configuredProgram, findOnPath } from "../../../media/find_binary.ts";
import { ProcessError, runProcess } from "../../../media/run_process.ts";
import { WavStreamFile } from "../../../media/wav_stream_file.ts";
import { removeIfExists } from "../../../core/remove_if_exists.ts";
import { checkSpeechRequest } from "./_check_speech_request.ts";
import { assertEspeakVoice, UnknownVoiceError } from "./_espeak_voices.ts";

export { UnknownVoiceError };
import type { SpeechEngine, SpeechEngineContext, SpeechRequest } from "./speech_engine.ts";

/** How to install espeak-ng, given when it is missing. */
export const ESPEAK_INSTALL_HINT =
  "Install it with `sudo apt-get install espeak-ng`, or point REEL_ESPEAK at an espeak-ng binary";

/**
 * The espeak-ng engine. Runs `espeak-ng -v <voice> -s <rate> --stdout` with the text on stdin, so any length and
 * any quoting work, and writes the 22,050 Hz mono WAV it streams to `outPath` (the bytes `-w outPath` would leave),
 * so that a write that fails (a full disk) fails the synthesis, naming the file. The binary is `REEL_ESPEAK` when
 * set, else `espeak-ng` on PATH. The voice (`en-us`, `en-gb-x-rp`, `en-us+f3`...) must be one that
 * `espeak-ng --voices` lists, variant included; espeak-ng itself would fall back to another language without a word.
 *
 * @example
 * ```ts
 * import { findFfmpeg } from "../../../media/ffmpeg.ts";
 * import { espeakEngine } from "./espeak_engine.ts";
 * const outPath = await Deno.makeTempFile({ suffix: ".wav" });
 * await espeakEngine.synthesize(
 *   { text: "Hello and welcome", voice: "en-us", rate: 165 },
 *   { ffmpeg: await findFfmpeg(), outPath },
 * );
 * await Deno.remove(outPath);
 * ```
 */
export const espeakEngine: SpeechEngine = {
  id: "espeak",
  synthesize: synthesizeWithEspeak,
};

async function synthesizeWithEspeak(
  request: SpeechRequest,
  context: SpeechEngineContext,
): Promise<void> {
  const { signal, outPath } = context;
  checkSpeechRequest("espeak-ng", request);
  signal?.throwIfAborted();
  const program = await findEspeak();
  // Checked while it speaks (a worker's first check lists the voices, ~50 ms). A voice it does not know stops
  // espeak-ng and leaves no file (rv22: a long text was spoken whole, and its WAV left, before the error came).
  const stop = new AbortController();
  const unknownVoice = assertEspeakVoice(program, request.voice, { signal }).then(
    () => null,
    (error: unknown) => {
      stop.abort(error);
      return error;
    },
  );
  // The WAV comes on stdout and reel writes it: espeak-ng's own `-w` exits 0 when the disk is full, leaving a file
  // cut short that failed later as "Not a WAV file" or a narration of 0.09 s, naming neither the file nor the disk.
  const args = ["-b", "1", "-v", request.voice, "-s", String(Math.round(request.rate)), "--stdout"];
  await using wav = new WavStreamFile(outPath);
  const spoken = runProcess(program, args, {
    signal: signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]),
    stdin: new TextEncoder().encode(request.text),
    onStdout: (chunk) => wav.write(chunk),
  }).then(() => null, (error: unknown) => error);
  const [voiceError, error] = await Promise.all([unknownVoice, spoken]);
  if (voiceError !== null) {
    // What espeak-ng wrote before it was stopped; a file there before it wrote is the caller's.
    if (wav.opened) await removeIfExists(outPath);
    throw voiceError;
  }
  if (error !== null) {
    // Voices that espeak-ng lists but cannot load (mbrola voices without mbrola) fail with only this line.
    if (error instanceof ProcessError && /voice does not exist/i.test(error.stderr)) {
      throw new UnknownVoiceError(`Unknown espeak-ng voice "${request.voice}"`, {
        hint: "Run `espeak-ng --voices=en` to list voices, e.g. en-us, en-gb, en-us+f3",
        cause: error,
      });
    }
    throw error;
  }
  await wav.finish();
}

/**
 * Checks, before a run, that espeak-ng is installed and knows `voice`.
 *
 * @param voice A voice such as `en-us` or `en-us+f3`.
 * @param options The signal that kills espeak-ng.
 * @throws {MissingBinaryError} When espeak-ng is not installed.
 * @throws {UnknownVoiceError} When it does not know the voice.
 *
 * @example
 * ```ts
 * import { checkEspeakVoice } from "./espeak_engine.ts";
 * await checkEspeakVoice("en-us");
 * ```
 */
export async function checkEspeakVoice(voice: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  await assertEspeakVoice(await findEspeak(), voice, options);
}

/**
 * Finds espeak-ng: `REEL_ESPEAK`, else `espeak-ng` on PATH.
 *
 * @returns Its path.
 * @throws {MissingBinaryError} When it cannot be found, saying how to install it.
 *
 * @example
 * ```ts
 * import { findEspeak } from "./espeak_engine.ts";
 * const program = await findEspeak();
 * ```
 */
export async function findEspeak(): Promise<string> {
  const configured = Deno.env.get("REEL_ESPEAK");
  if (configured !== undefined && configured !== "") {
    return await configuredProgram(configured, {
      name: "espeak-ng",
      variable: "REEL_ESPEAK",
      hint: ESPEAK_INSTALL_HINT,
    });
  }
  const found = await findOnPath("espeak-ng");
  if (found === null) throw new MissingBinaryError("espeak-ng on PATH", ESPEAK_INSTALL_HINT);
  return found;
}
