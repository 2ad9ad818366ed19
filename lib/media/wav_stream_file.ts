/**
 * A WAV file written by reel from a program's stdout, so that a failed write (a full disk) is an error and not a file
 * cut short behind an exit code of 0.
 * @module
 */
import { messageOf } from "../core/errors.ts";
import { wavChunks } from "./wav_pcm.ts";

/** How many of the first bytes are kept to find the `data` chunk whose size is set at the end. */
const HEAD_BYTES = 4096;

/**
 * A WAV file written chunk by chunk as a program streams it (espeak-ng's `--stdout`), opened at the first chunk, so a
 * program that says nothing leaves no file. A program writing to a pipe cannot seek back to its header, so it leaves
 * the RIFF and `data` sizes as "unknown"; {@linkcode WavStreamFile.finish} sets them to what was written, as the
 * program does when it writes the file itself (`-w`): the bytes are the same.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav } from "./wav_pcm.ts";
 * import { WavStreamFile } from "./wav_stream_file.ts";
 * const wav = pcmWav(new Uint8Array(320), { sampleRate: 16_000 });
 * new DataView(wav.buffer).setUint32(40, 0x7fff_f000, true); // a streamed header's "unknown" size
 * const path = await Deno.makeTempFile({ suffix: ".wav" });
 * {
 *   await using file = new WavStreamFile(path);
 *   await file.write(wav.subarray(0, 30));
 *   await file.write(wav.subarray(30));
 *   await file.finish();
 * }
 * assert.equal(new DataView((await Deno.readFile(path)).buffer).getUint32(40, true), 320);
 * await Deno.remove(path);
 * ```
 */
export class WavStreamFile implements AsyncDisposable {
  readonly #path: string;
  #file: Deno.FsFile | null = null;
  #head = new Uint8Array(0);
  #size = 0;
  #opened = false;

  /** @param path The file to write, replaced if it exists (at the first chunk). */
  constructor(path: string) {
    this.#path = path;
  }

  /** Whether the file was opened (made, or emptied) for a chunk: before the first, a file there is untouched. */
  get opened(): boolean {
    return this.#opened;
  }

  /**
   * Appends a chunk, opening the file at the first.
   *
   * @param chunk The next bytes.
   * @throws {Error} `Cannot write <path>: <why>` (`No space left on device (os error 28)`), the system's error as
   *   its cause.
   */
  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    if (this.#head.length < HEAD_BYTES) {
      const head = new Uint8Array(Math.min(HEAD_BYTES, this.#head.length + chunk.length));
      head.set(this.#head);
      head.set(chunk.subarray(0, head.length - this.#head.length), this.#head.length);
      this.#head = head;
    }
    await this.#writing(async () => {
      if (this.#file === null) {
        this.#opened = true;
        this.#file = await Deno.open(this.#path, { write: true, create: true, truncate: true });
      }
      await writeAll(this.#file, chunk);
    });
    this.#size += chunk.length;
  }

  /**
   * Sets the RIFF size and the `data` chunk's size to what was written (when the bytes are a WAV whose `data` chunk
   * starts in the first 4 KiB), and closes the file. Does nothing when nothing was written.
   *
   * @throws {Error} `Cannot write <path>: <why>`.
   */
  async finish(): Promise<void> {
    const file = this.#file;
    if (file === null) return;
    const data = wavChunks(this.#head)?.data ?? null;
    if (data !== null) {
      await this.#writing(async () => {
        await writeAt(file, 4, uint32(this.#size - 8));
        await writeAt(file, data.offset - 4, uint32(this.#size - data.offset));
      });
    }
    this.#close();
  }

  /** Closes the file if it is open, as it is after {@linkcode WavStreamFile.finish}; a file left unfinished stays. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#close();
    return Promise.resolve();
  }

  #close(): void {
    this.#file?.close();
    this.#file = null;
  }

  /** Runs a write, naming this file in the error it throws. */
  async #writing(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      throw new Error(`Cannot write ${this.#path}: ${messageOf(error)}`, { cause: error });
    }
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await file.write(bytes.subarray(written));
}

async function writeAt(file: Deno.FsFile, offset: number, bytes: Uint8Array): Promise<void> {
  await file.seek(offset, Deno.SeekMode.Start);
  await writeAll(file, bytes);
}

/** A size field's bytes: little-endian, at most 4 GiB - 1 (past that a RIFF size cannot be told). */
function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, Math.min(0xffff_ffff, Math.max(0, value)), true);
  return bytes;
}
