/**
 * The speech step: narration from a speech engine, encoded once to AAC and shared by every format.
 * @module
 */
import { runFfmpeg } from "../../media/ffmpeg.ts";
import { NARRATION_AAC_ARGS } from "../../media/narration_encoding.ts";
import { wavDuration } from "../../media/wav_duration.ts";
import { espeakEngine } from "../../providers/local/speech/espeak_engine.ts";
import { fliteEngine } from "../../providers/local/speech/flite_engine.ts";
import type { SpeechEngine } from "../../providers/local/speech/speech_engine.ts";
import type { ResolvedVoice } from "../../workflow/schema.ts";
import { outputPath, type StepRunner } from "../step_runner.ts";

const ENGINES: Readonly<Record<ResolvedVoice["provider"], SpeechEngine>> = {
  espeak: espeakEngine,
  flite: fliteEngine,
};

/** Synthesizes the narration and encodes it to AAC (48 kHz mono); its value is `{ duration }` in seconds. */
export const runSpeechStep: StepRunner = async (task, { signal }) => {
  const { text, voice } = task.params as unknown as { text: string; voice: ResolvedVoice };
  const wav = `${task.scratchDir}/speech.wav`;
  const output = outputPath(task);
  const { encoded } = await ENGINES[voice.provider].synthesize(
    { text, voice: voice.voice, rate: voice.rate },
    {
      ffmpeg: task.ffmpeg,
      signal,
      outPath: wav,
      encodedPath: output,
    },
  );
  const bytes = await Deno.readFile(wav, { signal });
  const duration = wavDuration(bytes, bytes.length);
  if (!(duration >= 0.1)) {
    throw new Error(`The ${voice.provider} narration lasts ${duration} s; expected speech`);
  }
  if (!encoded) await runFfmpeg(task.ffmpeg, ["-i", wav, ...NARRATION_AAC_ARGS, output], { signal });
  return { duration };
};
