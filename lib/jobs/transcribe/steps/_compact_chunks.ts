/**
 * Chunks encoded compactly for an upload (AAC in MP4, 32 kb/s: 4 kB a second, a tenth of the PCM), written one
 * after another into the split step's artifact, each a whole file at its byte range. Encoding them in the split,
 * before any call, leaves a chunk step nothing to do between its rate slot and its request but read its bytes.
 * @module
 */
import { readFull } from "../../../core/read_full.ts";
import type { FfmpegPaths } from "../../../core/ffmpeg_paths.ts";
import { UnrecoverableError } from "../../../core/errors.ts";
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import { pcmWav } from "../../../media/wav_pcm.ts";
import { TRANSCRIPTION_MAX_BYTES } from "../../../providers/http/openai_models.ts";

/** Where one chunk's upload is in the artifact. */
export type UploadRange = {
  offset: number;
  length: number;
};

/** Writes compact uploads of chunks into one file, in order. */
export class CompactChunks {
  readonly #file: Deno.FsFile;
  readonly #scratch: string;
  readonly #ffmpeg: FfmpegPaths;
  #offset = 0;

  private constructor(file: Deno.FsFile, scratch: string, ffmpeg: FfmpegPaths) {
    this.#file = file;
    this.#scratch = scratch;
    this.#ffmpeg = ffmpeg;
  }

  /** Opens the artifact to write. */
  static async create(
    path: string,
    options: { scratch: string; ffmpeg: FfmpegPaths },
  ): Promise<CompactChunks> {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    return new CompactChunks(file, options.scratch, options.ffmpeg);
  }

  /**
   * Encodes one chunk's samples and appends them.
   *
   * @throws {UnrecoverableError} When the upload is over the API's 25 MB limit.
   */
  async add(
    samples: Uint8Array,
    options: { sampleRate: number; signal?: AbortSignal },
  ): Promise<UploadRange> {
    const wav = `${this.#scratch}/upload.wav`;
    const m4a = `${this.#scratch}/upload.m4a`;
    await Deno.writeFile(wav, pcmWav(samples, { sampleRate: options.sampleRate }));
    await runFfmpeg(this.#ffmpeg, [
      "-i",
      wav,
      "-c:a",
      "aac",
      "-b:a",
      "32k",
      "-map_metadata",
      "-1",
      "-fflags",
      "+bitexact",
      m4a,
    ], { signal: options.signal });
    const bytes = await Deno.readFile(m4a);
    if (bytes.length > TRANSCRIPTION_MAX_BYTES) {
      throw new UnrecoverableError(
        `A chunk is ${
          (bytes.length / 1e6).toFixed(1)
        } MB compact, over the 25 MB upload limit: use shorter chunks`,
        { badInput: true },
      );
    }
    let written = 0;
    while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    const range = { offset: this.#offset, length: bytes.length };
    this.#offset += bytes.length;
    return range;
  }

  /** Closes the artifact. */
  close(): void {
    this.#file.close();
  }
}

/**
 * Reads one chunk's upload from the split step's artifact into a file of its own.
 *
 * @param artifact The split step's artifact.
 * @param range The chunk's byte range.
 * @param to Where to write it.
 */
export async function extractUpload(artifact: string, range: UploadRange, to: string): Promise<void> {
  using file = await Deno.open(artifact, { read: true });
  await file.seek(range.offset, Deno.SeekMode.Start);
  const bytes = new Uint8Array(range.length);
  if (await readFull(file, bytes) < bytes.length) {
    throw new RangeError(`${artifact} ends before byte ${range.offset + range.length}`);
  }
  await Deno.writeFile(to, bytes);
}
