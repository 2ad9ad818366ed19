/**
 * The speech step: narration from a local engine or an OpenAI-compatible speech API, as a mono PCM WAV file. A
 * video's narrations are joined and encoded once, by the step that needs them all (the lesson's `narration`).
 * @module
 */
import { ProviderError, UnrecoverableError } from "../../core/errors.ts";
import { runFfmpeg, stoppedFromOutside } from "../../media/ffmpeg.ts";
import { ProcessError } from "../../media/run_process.ts";
import { sniffAudio } from "../../media/sniff_media.ts";
import { wavAnswerProblem } from "../../media/wav_answer_problem.ts";
import { wavDuration } from "../../media/wav_duration.ts";
import { silentWav, wavCutShort } from "../../media/wav_pcm.ts";
import { describeBody } from "../../providers/http/describe_body.ts";
import {
  callOpenAi,
  type HttpAnswer,
  httpTarget,
  jsonErrorMessage,
  parsedJson,
} from "../../providers/http/openai_client.ts";
import { dropAnswer, keepAnswer, keptAnswer } from "../../providers/http/kept_answer.ts";
import { espeakEngine } from "../../providers/local/speech/espeak_engine.ts";
import { FLITE_NATURAL_RATE, fliteEngine } from "../../providers/local/speech/flite_engine.ts";
import type { SpeechEngine } from "../../providers/local/speech/speech_engine.ts";
import type { StepContext, StepKindDefinition } from "../step_kind.ts";
import { outputPath } from "../task_fields.ts";
import type { StepTask } from "../../core/step_task.ts";

const ENGINES: Readonly<Record<"espeak" | "flite", SpeechEngine>> = {
  espeak: espeakEngine,
  flite: fliteEngine,
};

/** The voice a speech step's params name: a local engine's or an API's. */
interface Voice {
  engine: "espeak" | "flite" | "openai";
  voice: string;
  rate: number;
  model: string | null;
}

/** Synthesizes the narration as a mono WAV file; its value is `{ duration }` in seconds. */
export const speechStep: StepKindDefinition = {
  kind: "speech",
  version: 2,
  blocking: false,
  run: async (task, context) => {
    const { text, voice } = task.params as unknown as { text: string; voice: Voice };
    const output = outputPath(task);
    if (voice.engine === "openai") {
      await speakOverHttp(task, context, { text, voice, output });
    } else {
      const request = { text, voice: voice.voice, rate: voice.rate };
      await ENGINES[voice.engine].synthesize(request, {
        ffmpeg: task.ffmpeg,
        signal: context.signal,
        outPath: output,
      });
    }
    const engine = voice.engine === "espeak" ? "espeak-ng" : voice.engine;
    const bytes = await Deno.readFile(output, { signal: context.signal }).catch((error) => {
      // A speech program that exits 0 without writing its file is broken: named, not the file's path.
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(`${engine} exited without writing any audio`);
      }
      throw error;
    });
    const duration = await speechDuration(bytes, { engine, answerPath: task.answerPath });
    if (!(duration >= 0.1)) {
      // A kept answer that makes this is not kept for the next render. Not asked again: a program says the same,
      // and a provider's whole answer of no speech would be paid again (fi: six calls a section).
      await dropAnswer(task.answerPath);
      const seconds = Number(duration.toFixed(3));
      if (voice.engine === "openai") {
        throw new ProviderError(
          httpTarget(task.runtime).provider,
          `returned ${seconds} s of audio; expected speech`,
          {
            retryable: false,
          },
        );
      }
      throw new UnrecoverableError(`The ${engine} narration lasts ${seconds} s; expected speech`, {
        badInput: true,
      });
    }
    // Speech a provider sent as silence alone (fi16: a WAV of zeros made a video with a silent narration, exit 0):
    // refused as a wrong answer is, and not kept for the next render.
    if (voice.engine === "openai" && silentWav(bytes)) {
      await dropAnswer(task.answerPath);
      throw new ProviderError(
        httpTarget(task.runtime).provider,
        `returned ${Number(duration.toFixed(3))} s of silence; expected speech`,
        { retryable: false },
      );
    }
    return { duration };
  },
};

/**
 * The length of the WAV a speech engine wrote; a program that wrote something else is named (lb: "Not a WAV file"),
 * not retried (it would write the same), and an answer kept for it dropped.
 */
async function speechDuration(
  bytes: Uint8Array,
  context: { engine: string; answerPath: string | undefined },
): Promise<number> {
  try {
    return wavDuration(bytes, bytes.length);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    await dropAnswer(context.answerPath);
    throw new UnrecoverableError(
      `${context.engine} wrote ${bytes.length} bytes that are not a WAV file (${error.message})`,
      { cause: error, badInput: true },
    );
  }
}

/**
 * Calls `POST /v1/audio/speech`, checks the answer is audio, keeps it (see `kept_answer.ts`) and decodes it to a mono
 * WAV file; an answer an earlier attempt kept is decoded instead of calling.
 */
async function speakOverHttp(
  task: StepTask,
  context: StepContext,
  job: { text: string; voice: Voice; output: string },
): Promise<void> {
  const { signal } = context;
  const target = httpTarget(task.runtime);
  const kept = await keptAnswer(task.answerPath);
  const answer = kept === null ? await askForSpeech(task, context, job) : { body: kept, contentType: "" };
  const format = sniffAudio(answer.body);
  if (format === null) {
    // An error sent with status 200 is quoted as the image step quotes it.
    const said = jsonErrorMessage(parsedJson(answer.body));
    if (said !== null) {
      throw new ProviderError(target.provider, `answered with an error instead of audio: ${said}`, {
        retryable: false,
      });
    }
    const what = describeBody(answer.body, { contentType: answer.contentType, limit: 40, quote: true });
    throw new ProviderError(target.provider, `returned something that is not audio (${what})`, {
      retryable: false,
    });
  }
  // A cut answer may come whole when asked again, as a body cut short of its Content-Length is.
  const cut = format === "wav" ? wavCutShort(answer.body, answer.body.length) : null;
  if (cut !== null) {
    throw new ProviderError(
      target.provider,
      `returned WAV audio that is cut short: its header says ${cut.claimed.toFixed(2)} s, the answer holds ` +
        `${cut.held.toFixed(2)} s`,
    );
  }
  const problem = format === "wav" ? wavAnswerProblem(answer.body) : null;
  if (problem !== null) {
    throw new ProviderError(target.provider, `returned WAV audio that ${problem}`, { retryable: false });
  }
  // Paid for and audio: kept until the narration is stored, so a run killed while ffmpeg decodes it does not pay
  // for it again. ffmpeg reads it there (before, it was written a second time into the scratch folder); a task
  // with nowhere to keep it has it written there.
  const raw = task.answerPath ?? `${task.scratchDir}/answer.${format}`;
  if (kept === null) await keepAnswer(raw, answer.body);
  try {
    await runFfmpeg(task.ffmpeg, [
      // The kept answer's name says nothing of its format: the sniffed one is named.
      "-f",
      format,
      "-i",
      raw,
      "-ac",
      "1",
      "-c:a",
      "pcm_s16le",
      "-f",
      "wav",
      job.output,
    ], { signal });
  } catch (error) {
    // Stopped (a Ctrl-C reaches ffmpeg before reel's cancel; a full disk): the answer is kept for the next attempt.
    if (!(error instanceof ProcessError) || stoppedFromOutside(error) || signal.aborted) throw error;
    // Audio ffmpeg cannot decode is never good: the next render asks again.
    await dropAnswer(task.answerPath);
    throw new ProviderError(
      target.provider,
      `returned ${format} audio that ffmpeg cannot decode: ${error.message}`,
      {
        retryable: false,
        cause: error,
      },
    );
  }
}

/** Asks the API for the narration. */
async function askForSpeech(
  task: StepTask,
  { signal, reportRateLimit }: StepContext,
  job: { text: string; voice: Voice },
): Promise<HttpAnswer> {
  const speed = Math.min(4, Math.max(0.25, job.voice.rate / FLITE_NATURAL_RATE));
  const answer = await callOpenAi(httpTarget(task.runtime), {
    path: "/audio/speech",
    body: {
      json: {
        model: job.voice.model,
        voice: job.voice.voice,
        input: job.text,
        response_format: "wav",
        speed,
      },
    },
    signal,
  });
  reportRateLimit(answer.rateLimit);
  return answer;
}
