/**
 * Transcription through an OpenAI-compatible `POST /v1/audio/transcriptions` (multipart; `verbose_json` with word
 * and segment times where the model gives them): one call per audio chunk, the words heard with their times.
 * @module
 */
import { ProviderError } from "../../core/errors.ts";
import type { RateLimitInfo } from "../../core/step_task.ts";
import type { TimedWord } from "../../core/timed_word.ts";
import { callOpenAi, type HttpTarget, jsonAnswer, jsonErrorMessage } from "./openai_client.ts";

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
  /**
   * Whether the words' times say where they were heard (given by the API, or spread over their segment); false
   * when the answer had no times at all and the words are spread over the whole audio, silences included.
   */
  timed: boolean;
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

/** The largest transcription answer read, in bytes: far more than any chunk's words and times. */
export const MAX_TRANSCRIPT_BYTES = 32_000_000;

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
    // A transcript is text: a long chunk's words with their times are a few MB at most (fi14: an answer of noise
    // was read to 256 MB, 410 MB of memory, before it was refused).
    maxBytes: MAX_TRANSCRIPT_BYTES,
  });
  // Not JSON: asking again would pay for another upload (as for images and speech).
  const parsed = jsonAnswer(
    target.provider,
    answer,
    (what) => `returned a transcription that is not JSON (${what})`,
  );
  // What the answer says is checked whole: a time that is not one (a negative duration, segments that are not a
  // list) made captions whose times read -1:-1:-1, or no words at all, with nothing said.
  const garbage = (what: string) =>
    new ProviderError(target.provider, `returned a transcription whose ${what}`, { retryable: false });
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ProviderError(target.provider, "returned JSON that is not a transcription object", {
      retryable: false,
    });
  }
  const answered = parsed as { text?: unknown; duration?: unknown; segments?: unknown; words?: unknown };
  if (typeof answered.text !== "string") {
    const said = jsonErrorMessage(parsed);
    throw new ProviderError(
      target.provider,
      said === null
        ? "returned JSON without text"
        : `answered with an error instead of a transcription: ${said}`,
      { retryable: false },
    );
  }
  if (answered.duration !== undefined && answered.duration !== null && !isTime(answered.duration)) {
    throw garbage(`duration is not a length in seconds (${JSON.stringify(answered.duration)})`);
  }
  const duration = isTime(answered.duration) ? answered.duration : 0;
  const audioEnd = request.duration !== undefined && request.duration > 0 ? request.duration : null;
  const segments = readSegments(answered.segments, garbage, audioEnd);
  const text = answered.text;
  const given = readWords(answered.words, segments, garbage, audioEnd);
  return {
    text,
    duration,
    segments,
    words: given ?? spreadWords(segments, { text, duration: duration || request.duration || 0 }),
    timed: given !== null || segments.length > 0,
    rateLimit: answer.rateLimit,
  };
}

/** A time in seconds from the audio's start: a finite number, not negative. */
function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/**
 * The times of a span of an answer (`{ start, end }`): the span, "untimed" when it has neither (a server leaves
 * them off words it cannot align, numbers say), or null when they are there and are not a span.
 */
function spanOf(item: unknown): { start: number; end: number } | "untimed" | null {
  const { start: said, end } = (typeof item === "object" && item !== null ? item : {}) as Record<
    string,
    unknown
  >;
  if ((said === undefined || said === null) && (end === undefined || end === null)) return "untimed";
  const start = fromAudioStart(said);
  return isTime(start) && isTime(end) && end >= start ? { start, end } : null;
}

/**
 * A span's start, a little before the audio's (at most {@linkcode END_SLACK_S}: servers round, as at the end) taken
 * to be its start (tx: a word at -0.15 s failed its chunk, and so its recording).
 */
function fromAudioStart(start: unknown): unknown {
  return typeof start === "number" && start < 0 && start >= -END_SLACK_S ? 0 : start;
}

/**
 * What is wrong with a span of an answer that {@linkcode spanOf} refused or that has no text in `field`, as a
 * message names it: `word 3 ("rain"): its end 1.2 s is before its start 1.5 s`.
 */
function badSpan(item: unknown, what: string, field: string): string {
  const { start, end, [field]: text } = (typeof item === "object" && item !== null ? item : {}) as Record<
    string,
    unknown
  >;
  // A number as written: JSON writes a time too large to hold (`1e999`, read as Infinity) as null (fi14).
  const quoted = (value: unknown) =>
    typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
  const named = typeof text === "string" ? `${what} (${quoted(text.trim().slice(0, 40))})` : what;
  if (typeof item !== "object" || item === null) return `${what} is ${quoted(item)}, not an object`;
  if (!isTime(fromAudioStart(start))) return `${named} has start ${quoted(start)}, not a time in seconds`;
  if (!isTime(end)) return `${named} has end ${quoted(end)}, not a time in seconds`;
  if (end < (fromAudioStart(start) as number)) {
    return `${named} ends at ${end} s, before its start at ${start} s`;
  }
  return `${named} has no text in "${field}"`;
}

/**
 * How far past the audio's end a span may end and be taken to end there (servers round the last one up), and how
 * far before its start a span may start.
 */
const END_SLACK_S = 1;

/**
 * A span of the answer within the audio it was sent (`audioEnd` seconds long, or null when unknown): cut at the end
 * when it ends at most {@linkcode END_SLACK_S} after it; otherwise why it cannot be (a word at 50 s of a 20-s
 * recording made a caption there, exit 0).
 */
function withinAudio(
  span: { start: number; end: number },
  audioEnd: number | null,
): { start: number; end: number } | string {
  if (audioEnd === null) return span;
  if (span.end > audioEnd + END_SLACK_S) {
    return `ends at ${span.end} s, after the end of the ${audioEnd.toFixed(2)} s of audio it was sent`;
  }
  return { start: Math.min(span.start, audioEnd), end: Math.min(span.end, audioEnd) };
}

/** The answer's `segments` (absent: none); a segment without times is left out. */
function readSegments(
  value: unknown,
  garbage: (what: string) => Error,
  audioEnd: number | null,
): TranscriptSegment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw garbage("segments are not a list");
  return value.flatMap((segment, i) => {
    const span = spanOf(segment);
    const { text, avg_logprob: logprob } = segment ?? {};
    if (span === null || typeof text !== "string") {
      throw garbage(badSpan(segment, `segment ${i + 1}`, "text"));
    }
    if (span === "untimed") return [];
    const within = withinAudio(span, audioEnd);
    if (typeof within === "string") throw garbage(`segment ${i + 1} ${within}`);
    const confidence = typeof logprob === "number" ? Math.min(1, Math.exp(logprob)) : null;
    return [{ ...within, text: text.trim(), confidence }];
  });
}

/**
 * The answer's `words`, each with the confidence of the segment it falls in; null when it has none. A word without
 * times is left out, as before; one whose times are there and wrong fails the answer.
 */
function readWords(
  value: unknown,
  segments: readonly TranscriptSegment[],
  garbage: (what: string) => Error,
  audioEnd: number | null,
): TimedWord[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw garbage("words are not a list");
  if (value.length === 0) return null;
  return value.flatMap((word, i) => {
    const span = spanOf(word);
    const text = word?.word;
    if (span === null || typeof text !== "string") {
      throw garbage(badSpan(word, `word ${i + 1}`, "word"));
    }
    if (span === "untimed") return [];
    const within = withinAudio(span, audioEnd);
    if (typeof within === "string") throw garbage(`word ${i + 1} ${within}`);
    const middle = (within.start + within.end) / 2;
    const segment = segments.find((s) => s.start <= middle && middle <= s.end);
    return text.trim() === ""
      ? []
      : [{ text: text.trim(), ...within, confidence: segment?.confidence ?? null }];
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
