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

/**
 * Hears an upload (a request body as `readBody` reads it) with pocketsphinx and answers it; a file ffmpeg cannot
 * read gets a 400, as the API gives.
 */
export async function heardTranscription(body: Record<string, unknown>, headers: Headers): Promise<Response> {
  const upload = uploadOf(body);
  const folder = await Deno.makeTempDir({ prefix: "reel-fake-asr-" });
  try {
    const extension = /\.[a-z0-9]{1,5}$/i.exec(upload.name)?.[0] ?? "";
    const file = `${folder}/upload${extension}`;
    const wav = `${folder}/speech.wav`;
    await Deno.writeFile(file, upload.bytes);
    try {
      await runFfmpeg(await findFfmpeg(), ["-i", file, "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", wav]);
    } catch (failure) {
      if (!(failure instanceof ProcessError)) throw failure;
      return error(400, "Invalid file format. The audio could not be decoded.");
    }
    const layout = await readWavLayout(wav);
    const duration = layout.dataBytes / 2 / layout.sampleRate;
    const words = await recognizeWords(await requirePocketsphinx(), wav);
    const text = words.map((word) => word.text).join(" ");
    if (upload.format === "text") return new Response(text, { headers });
    if (upload.format !== "verbose_json") return Response.json({ text }, { headers });
    return Response.json({
      task: "transcribe",
      language: "english",
      duration,
      text,
      segments: segmentsOf(words),
      ...(upload.granularities.includes("word")
        ? { words: words.map((word) => ({ word: word.text, start: word.start, end: word.end })) }
        : {}),
    }, { headers });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
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
