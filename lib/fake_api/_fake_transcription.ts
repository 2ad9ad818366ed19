/**
 * The fake server's transcriptions: the uploaded audio heard by pocketsphinx, answered as the API does
 * (`verbose_json` with segments and, when asked, word times; `json`; `text`), so a client's chunking and merging
 * are tested against real word times.
 * @module
 */
import type { TimedWord } from "../core/timed_word.ts";
import { findFfmpeg, runFfmpeg } from "../media/ffmpeg.ts";
import { recognizeWords, requirePocketsphinx } from "../media/pocketsphinx.ts";
import { ProcessError } from "../media/run_process.ts";
import { readWavLayout } from "../media/wav_pcm.ts";
import { error } from "./_fake_http.ts";
import { scratchFolder } from "../core/scratch_folder.ts";

/** What the transcription endpoint was sent. */
export interface TranscriptionUpload {
  /** The uploaded file's bytes. */
  bytes: Uint8Array;
  /** Its name. */
  name: string;
  /** `response_format`. */
  format: string;
  /** `timestamp_granularities[]`. */
  granularities: string[];
}

/** A transcription's answer, sent while it is heard, and what it came to. */
export interface HeardAnswer {
  /** The answer: its status and headers at once, its body once heard. */
  response: Response;
  /**
   * Settles once the upload is heard and the body handed over (200), or the client went away and pocketsphinx was
   * killed (499), or hearing failed (500: the body is cut off): the status to log.
   */
  settled: Promise<number>;
}

/**
 * Hears an upload (a request body as `readBody` reads it) with pocketsphinx and answers it; a file ffmpeg cannot
 * read gets a 400, as the API gives. The status and headers go out before pocketsphinx runs: Deno.serve tells a
 * handler of a client that went away only while its answer is being sent (`request.signal` stays quiet for an
 * upload), and a client that goes kills its pocketsphinx (before, it heard on, each retry's upload beside the last).
 */
export async function heardTranscription(
  body: Record<string, unknown>,
  headers: Headers,
): Promise<HeardAnswer> {
  const upload = uploadOf(body);
  // A scratch folder: the process that serves ends with it removed, whatever a call in flight was doing.
  const scratch = await scratchFolder("reel-fake-asr-");
  const folder = scratch.path;
  let hearing = false;
  try {
    const extension = /\.[a-z0-9]{1,5}$/i.exec(upload.name)?.[0] ?? "";
    const file = `${folder}/upload${extension}`;
    const wav = `${folder}/speech.wav`;
    await Deno.writeFile(file, upload.bytes);
    try {
      await runFfmpeg(await findFfmpeg(), ["-i", file, "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", wav]);
    } catch (failure) {
      if (!(failure instanceof ProcessError)) throw failure;
      return {
        response: error(400, "Invalid file format. The audio could not be decoded."),
        settled: Promise.resolve(400),
      };
    }
    const program = await requirePocketsphinx();
    const gone = new AbortController();
    const answered = Promise.withResolvers<number>();
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        void (async () => {
          let heard: { answer: string } | { failure: unknown };
          try {
            const words = await recognizeWords(program, wav, { signal: gone.signal });
            const layout = await readWavLayout(wav);
            heard = {
              answer: answerOf(upload, { words, duration: layout.dataBytes / 2 / layout.sampleRate }),
            };
          } catch (failure) {
            heard = { failure };
          }
          try {
            // Removed before it settles: the server's `close` waits for that (a test's process that ended right
            // after it left the folder behind). Settled whatever the removal does (rv: `close` waited for ever).
            await scratch[Symbol.asyncDispose]();
          } finally {
            if ("answer" in heard) {
              // Settled (and so logged) before the client can have its answer: stats read once a call has its
              // answer count it.
              answered.resolve(200);
              controller.enqueue(new TextEncoder().encode(heard.answer));
              controller.close();
            } else {
              answered.resolve(gone.signal.aborted ? 499 : 500);
              if (!gone.signal.aborted) controller.error(heard.failure);
            }
          }
        })();
      },
      cancel: () => gone.abort(),
    });
    hearing = true;
    const type = upload.format === "text" ? "text/plain;charset=UTF-8" : "application/json";
    const sent = new Headers(headers);
    sent.set("content-type", type);
    return {
      response: new Response(stream, { headers: sent }),
      settled: answered.promise,
    };
  } finally {
    if (!hearing) await scratch[Symbol.asyncDispose]();
  }
}

/** The body of an answer in the format asked for. */
function answerOf(upload: TranscriptionUpload, heard: { words: TimedWord[]; duration: number }): string {
  const { words, duration } = heard;
  const text = words.map((word) => word.text).join(" ");
  if (upload.format === "text") return text;
  if (upload.format !== "verbose_json") return JSON.stringify({ text });
  return JSON.stringify({
    task: "transcribe",
    language: "english",
    duration,
    text,
    segments: segmentsOf(words),
    ...(upload.granularities.includes("word")
      ? { words: words.map((word) => ({ word: word.text, start: word.start, end: word.end })) }
      : {}),
  });
}

/** Segments as whisper gives them: words grouped at pauses, with the log of their mean confidence. */
function segmentsOf(words: readonly TimedWord[]): Record<string, unknown>[] {
  const groups: TimedWord[][] = [];
  for (const word of words) {
    const last = groups.at(-1)?.at(-1);
    if (last === undefined || word.start - last.end >= 0.3) groups.push([word]);
    else groups.at(-1)!.push(word);
  }
  return groups.map((group, id) => {
    const confidence = group.reduce((sum, word) => sum + (word.confidence ?? 1), 0) / group.length;
    return {
      id,
      start: group[0]!.start,
      end: group.at(-1)!.end,
      text: group.map((word) => word.text).join(" "),
      avg_logprob: Math.log(Math.max(1e-6, confidence)),
    };
  });
}

function uploadOf(body: Record<string, unknown>): TranscriptionUpload {
  const granularities = body["timestamp_granularities[]"];
  return {
    bytes: body.upload instanceof Uint8Array ? body.upload : new Uint8Array(),
    name: String(body.file ?? "audio"),
    format: String(body.response_format ?? "json"),
    granularities: Array.isArray(granularities) ? granularities.map(String) : [],
  };
}
