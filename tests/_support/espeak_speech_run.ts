/**
 * The speech step with an espeak-ng voice, run in a process of its own so that the `REEL_ESPEAK` it is given (a
 * missing program, a fake one) is read by this step alone, never by a test running beside it in the shared test
 * process. As a program it prints `{ value, error }`: the step's value, or what it threw (its class, message and
 * hint).
 *
 * Usage: REEL_ESPEAK=<program> deno run -A tests/_support/espeak_speech_run.ts <folder> [voice]
 * @module
 */
import type { Json } from "../../lib/core/json.ts";
import { speechStep } from "../../lib/steps/speech/speech_step.ts";
import { runJsonScript } from "./json_script.ts";
import { runStepKind } from "./step_runner.ts";

/** What the step gave: its value, or what it threw. */
export interface SpokenOutcome {
  value: Json;
  error: { name: string; message: string; hint: string | null } | null;
}

/**
 * Runs the speech step (`Hello there.`, in `en-us` unless told) in a process of its own with `REEL_ESPEAK` set to
 * `program`.
 *
 * @param program The espeak-ng to use.
 * @param dir A folder for the step's output and scratch.
 * @param options The voice.
 * @returns The step's value, or what it threw.
 */
export async function speakWithEspeak(
  program: string,
  dir: string,
  options: { voice?: string } = {},
): Promise<SpokenOutcome> {
  const args = [dir, options.voice ?? "en-us"];
  return await runJsonScript(import.meta.filename!, args, { REEL_ESPEAK: program }) as SpokenOutcome;
}

if (import.meta.main) {
  const [dir, voice = "en-us"] = Deno.args;
  if (dir === undefined || Deno.env.get("REEL_ESPEAK") === undefined) {
    throw new Error("Usage: REEL_ESPEAK=<program> deno run -A espeak_speech_run.ts <folder> [voice]");
  }
  const task = {
    params: { text: "Hello there.", voice: { engine: "espeak", voice, rate: 175, model: null } },
    inputs: [],
    outputPath: `${dir}/speech.wav`,
    scratchDir: `${dir}/scratch`,
  };
  const outcome: SpokenOutcome = await runStepKind(speechStep, task).then(
    (value) => ({ value, error: null }),
    (error: Error & { hint?: string | null }) => ({
      value: null,
      error: { name: error.constructor.name, message: error.message, hint: error.hint ?? null },
    }),
  );
  console.log(JSON.stringify(outcome));
}
