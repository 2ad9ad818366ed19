/**
 * Transcription through an OpenAI-compatible `POST /v1/audio/transcriptions` (multipart, `verbose_json`), ready
 * for the transcription job: one call per audio chunk, segments with times.
 * @module
 */
import { ProviderError } from "../../core/errors.ts";
import type { RateLimitInfo } from "../../core/step_task.ts";
import { callOpenAi, type HttpTarget } from "./openai_client.ts";

/** One timed segment of a transcript. */
export interface TranscriptSegment {
  /** Start in seconds from the start of the audio sent. */
  start: number;
  /** End in seconds. */
  end: number;
  /** The words. */
  text: string;
}

/** What the API heard. */
export interface Transcript {
  /** The whole text. */
  text: string;
  /** The audio's length in seconds, as the API measured it (0 when not said). */
  duration: number;
  /** Timed segments, in order. */
  segments: TranscriptSegment[];
  /** What the answer's rate-limit headers said. */
  rateLimit: RateLimitInfo;
}

/**
 * Sends an audio file and reads the `verbose_json` answer.
 *
 * @param target Provider, base URL, key variable and timeout.
 * @param request The file, the model and, optionally, the language and the signal.
 * @returns The transcript.
 * @throws {ProviderError} When the call fails (see {@linkcode callOpenAi}) or the answer is not a transcript.
 *
 * @example
 * ```ts
 * import { transcribeAudio } from "./openai_transcription.ts";
 * // const { text, segments } = await transcribeAudio(target, { file: "chunk-003.wav", model: "whisper-1" });
 * ```
 */
export async function transcribeAudio(
  target: HttpTarget,
  request: { file: string; model: string; language?: string; signal?: AbortSignal },
): Promise<Transcript> {
  const bytes = await Deno.readFile(request.file, { signal: request.signal });
  const form = new FormData();
  form.set("file", new Blob([bytes]), request.file.split("/").pop() ?? "audio.wav");
  form.set("model", request.model);
  form.set("response_format", "verbose_json");
  if (request.language !== undefined) form.set("language", request.language);
  const answer = await callOpenAi(target, {
    path: "/audio/transcriptions",
    body: { form },
    signal: request.signal,
  });
  let parsed: { text?: unknown; duration?: unknown; segments?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(answer.body));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ProviderError(target.provider, "returned a transcription that is not JSON");
  }
  if (typeof parsed.text !== "string") {
    throw new ProviderError(target.provider, "returned JSON without text", { retryable: false });
  }
  const segments = Array.isArray(parsed.segments) ? parsed.segments : [];
  return {
    text: parsed.text,
    duration: typeof parsed.duration === "number" ? parsed.duration : 0,
    segments: segments.flatMap((segment: { start?: unknown; end?: unknown; text?: unknown }) =>
      typeof segment.start === "number" && typeof segment.end === "number" && typeof segment.text === "string"
        ? [{ start: segment.start, end: segment.end, text: segment.text.trim() }]
        : []
    ),
    rateLimit: answer.rateLimit,
  };
}
