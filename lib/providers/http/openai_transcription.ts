/**
 * Transcription through an OpenAI-compatible `POST /v1/audio/transcriptions` (multipart; `verbose_json` with word
 * and segment times where the model gives them): one call per audio chunk, the words heard with their times.
 * @module
 */
import { ProviderError } from "../../core/errors.ts";
import type { RateLimitInfo } from "../../core/step_task.ts";
import type { TimedWord } from "../../core/timed_word.ts";
import { callOpenAi, type HttpTarget } from "./openai_client.ts";

/** One timed segment of a transcript. */
export interface TranscriptSegment {
  /** Start in seconds from the start of the audio sent. */
  start: number;
  /** End in seconds. */
  end: number;
  /** The words. */
  text: string;
  /** How sure the model was (e^avg_logprob), or null when not said. */
  confidence: number | null;
}

/** What the API heard. */
export interface Transcript {
  /** The whole text. */
  text: string;
  /** The audio's length in seconds, as the API measured it (0 when not said). */
  duration: number;
  /** Timed segments, in order (empty when the model gives no times). */
  segments: TranscriptSegment[];
  /**
   * The words with their times: as the API gave them, else spread over their segment by length, else over the
   * whole audio (a model that answers text only); each with its segment's confidence.
   */
  words: TimedWord[];
  /** What the answer's rate-limit headers said. */
  rateLimit: RateLimitInfo;
}

/** What to transcribe and how. */
export interface TranscriptionRequest {
  /** The audio file. */
  file: string;
  /** The model. */
  model: string;
  /** The language (`en`), or undefined to let the model tell. */
  language?: string;
  /** Words to expect, or undefined. */
  prompt?: string;
  /** Ask for `verbose_json` with word and segment times. @default true */
  timestamps?: boolean;
  /** The audio's length in seconds, to spread the words of a text-only answer over. @default 0 */
  duration?: number;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * Sends an audio file and reads the answer.
 *
 * @param target Provider, base URL, key variable and timeout.
 * @param request The file, the model and the options.
 * @returns The transcript.
 * @throws {ProviderError} When the call fails (see {@linkcode callOpenAi}) or the answer is not a transcript.
 *
 * @example
 * ```ts
 * import { transcribeAudio } from "./openai_transcription.ts";
 * // const { words } = await transcribeAudio(target, { file: "chunk-003.m4a", model: "whisper-1" });
 * ```
 */
export async function transcribeAudio(
  target: HttpTarget,
  request: TranscriptionRequest,
): Promise<Transcript> {
  const { timestamps = true } = request;
  const bytes = await Deno.readFile(request.file, { signal: request.signal });
  const form = new FormData();
  form.set("file", new Blob([bytes]), request.file.split("/").pop() ?? "audio.wav");
  form.set("model", request.model);
  form.set("response_format", timestamps ? "verbose_json" : "json");
  if (timestamps) {
    form.append("timestamp_granularities[]", "word");
    form.append("timestamp_granularities[]", "segment");
  }
  if (request.language !== undefined) form.set("language", request.language);
  if (request.prompt !== undefined) form.set("prompt", request.prompt);
  const answer = await callOpenAi(target, {
    path: "/audio/transcriptions",
    body: { form },
    signal: request.signal,
  });
  let parsed: { text?: unknown; duration?: unknown; segments?: unknown; words?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(answer.body));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ProviderError(target.provider, "returned a transcription that is not JSON");
  }
  if (typeof parsed.text !== "string") {
    throw new ProviderError(target.provider, "returned JSON without text", { retryable: false });
  }
  const duration = typeof parsed.duration === "number" ? parsed.duration : 0;
  const segments = readSegments(parsed.segments);
  const text = parsed.text;
  return {
    text,
    duration,
    segments,
    words: readWords(parsed.words, segments) ?? spreadWords(segments, {
      text,
      duration: duration || request.duration || 0,
    }),
    rateLimit: answer.rateLimit,
  };
}

function readSegments(value: unknown): TranscriptSegment[] {
  return (Array.isArray(value) ? value : []).flatMap((segment) => {
    const { start, end, text, avg_logprob: logprob } = segment ?? {};
    if (typeof start !== "number" || typeof end !== "number" || typeof text !== "string") return [];
    const confidence = typeof logprob === "number" ? Math.min(1, Math.exp(logprob)) : null;
    return [{ start, end, text: text.trim(), confidence }];
  });
}

/** The answer's `words`, each with the confidence of the segment it falls in; null when it has none. */
function readWords(value: unknown, segments: readonly TranscriptSegment[]): TimedWord[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.flatMap((word) => {
    const { word: text, start, end } = word ?? {};
    if (typeof text !== "string" || typeof start !== "number" || typeof end !== "number") return [];
    const middle = (start + end) / 2;
    const segment = segments.find((s) => s.start <= middle && middle <= s.end);
    return text.trim() === ""
      ? []
      : [{ text: text.trim(), start, end, confidence: segment?.confidence ?? null }];
  });
}

/** Words without times of their own, spread over their segments (or the whole audio) by their length. */
function spreadWords(
  segments: readonly TranscriptSegment[],
  whole: { text: string; duration: number },
): TimedWord[] {
  const spans = segments.length > 0
    ? segments
    : [{ start: 0, end: whole.duration, text: whole.text, confidence: null }];
  return spans.flatMap((span) => {
    const tokens = span.text.split(/\s+/).filter((token) => token !== "");
    const letters = tokens.reduce((n, token) => n + token.length + 1, 0);
    let at = span.start;
    return tokens.map((token) => {
      const length = ((token.length + 1) / letters) * (span.end - span.start);
      const word = { text: token, start: at, end: at + length, confidence: span.confidence };
      at += length;
      return word;
    });
  });
}
