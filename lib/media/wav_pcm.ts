/**
 * PCM WAV files without ffmpeg: where a file's samples are, reading a range of them, and wrapping samples in a WAV
 * header. Chunks of decoded audio are cut and hashed this way, to the sample.
 * @module
 */
import { readFull } from "../core/read_full.ts";

/** Where a PCM WAV file's samples are and what they are. */
export interface WavLayout {
  /** Samples per second. */
  sampleRate: number;
  /** Channels. */
  channels: number;
  /** Bits per sample. */
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of samples (never past the end of the file). */
  dataBytes: number;
}

/** A WAV file's `fmt ` chunk: its format tag (a `WAVE_FORMAT_EXTENSIBLE` file's sub-format) and its fields. */
export interface WavFormat {
  /** 1 for integer PCM, 3 for floats. */
  tag: number;
  /** Channels. */
  channels: number;
  /** Samples per second. */
  sampleRate: number;
  /** Bytes per second. */
  byteRate: number;
  /** Bits per sample. */
  bitsPerSample: number;
}

/** What a WAV file's chunks say, up to its `data` chunk. */
export interface WavChunks {
  /** The last `fmt ` chunk before the data, or null when none is whole in the bytes. */
  format: WavFormat | null;
  /** The `data` chunk: the offset of its first byte and the size its header claims; null when none is found. */
  data: { offset: number; size: number } | null;
}

/**
 * Follows a WAV file's chunks up to its `data` chunk: the one walk that every reader of WAV bytes here makes.
 *
 * @param bytes The file's first bytes (its header and the data chunk's size field at least).
 * @returns What they say, or null when the bytes are not a RIFF WAVE file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav, wavChunks } from "./wav_pcm.ts";
 * const chunks = wavChunks(pcmWav(new Uint8Array(320), { sampleRate: 16_000 }));
 * assert.deepEqual(chunks?.data, { offset: 44, size: 320 });
 * assert.equal(chunks?.format?.byteRate, 32_000);
 * assert.equal(wavChunks(new TextEncoder().encode("not a wav file")), null);
 * ```
 */
export function wavChunks(bytes: Uint8Array): WavChunks | null {
  const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || text(0) !== "RIFF" || text(8) !== "WAVE") return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | null = null;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = text(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt " && offset + 24 <= bytes.length) {
      let tag = view.getUint16(offset + 8, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of its sub-format GUID.
      if (tag === 0xfffe && offset + 34 <= bytes.length) tag = view.getUint16(offset + 32, true);
      format = {
        tag,
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        byteRate: view.getUint32(offset + 16, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    }
    if (id === "data") return { format, data: { offset: offset + 8, size } };
    offset += 8 + size + (size % 2);
  }
  return { format, data: null };
}

/** A data chunk's size at or past which a writer says "streamed, length unknown" (`0x7fffffff`, all ones). */
const STREAMED_SIZE = 0x7000_0000;

/**
 * How much sound a WAV's header claims and how much its bytes hold, in seconds, when it claims more (a file or an
 * answer cut short): ffmpeg reads what is there and says nothing. A size of 0, or near 2 or 4 GiB, is a streaming
 * writer's "no length", not a claim.
 *
 * @param header The file's first bytes (its header and the data chunk's size field at least).
 * @param size The file's size in bytes.
 * @returns The claim and what is held, or null when it holds what it claims, makes no claim, or is no WAV.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav, wavCutShort } from "./wav_pcm.ts";
 * const wav = pcmWav(new Uint8Array(32_000), { sampleRate: 16_000 });
 * assert.equal(wavCutShort(wav, wav.length), null);
 * assert.deepEqual(wavCutShort(wav, 44 + 3200), { claimed: 1, held: 0.1 });
 * ```
 */
export function wavCutShort(header: Uint8Array, size: number): { claimed: number; held: number } | null {
  const chunks = wavChunks(header);
  const rate = chunks?.format?.byteRate ?? 0;
  const data = chunks?.data ?? null;
  if (data === null || rate === 0 || data.size === 0 || data.size >= STREAMED_SIZE) return null;
  const held = Math.max(0, size - data.offset);
  return held >= data.size * 0.99 ? null : { claimed: data.size / rate, held: held / rate };
}

/**
 * Reads the layout of PCM WAV bytes from their `fmt ` and `data` chunks.
 *
 * @param header The file's first bytes (its header and the data chunk's size field at least).
 * @param fileSize The file's size, used when the data chunk claims more bytes than the file holds.
 * @returns The layout.
 * @throws {RangeError} When the bytes are not a PCM WAV file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav, wavLayout } from "./wav_pcm.ts";
 * const wav = pcmWav(new Uint8Array(320), { sampleRate: 16_000 });
 * assert.deepEqual(wavLayout(wav, wav.length), { sampleRate: 16_000, channels: 1, bitsPerSample: 16, dataOffset: 44, dataBytes: 320 });
 * ```
 */
export function wavLayout(header: Uint8Array, fileSize: number): WavLayout {
  const chunks = wavChunks(header);
  if (chunks === null) throw new RangeError("Not a WAV file");
  const { format, data } = chunks;
  if (data === null) throw new RangeError("WAV file has no data chunk");
  if (format === null) throw new RangeError("WAV file has no fmt chunk before its data");
  if (format.tag !== 1) throw new RangeError("WAV file is not PCM");
  const { channels, sampleRate, bitsPerSample } = format;
  return {
    sampleRate,
    channels,
    bitsPerSample,
    dataOffset: data.offset,
    dataBytes: Math.min(data.size, Math.max(0, fileSize - data.offset)),
  };
}

/**
 * Reads the layout of a PCM WAV file.
 *
 * @param path The file.
 * @returns The layout.
 * @throws {RangeError} When it is not a PCM WAV file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav, readWavLayout } from "./wav_pcm.ts";
 * const file = await Deno.makeTempFile({ suffix: ".wav" });
 * await Deno.writeFile(file, pcmWav(new Uint8Array(64), { sampleRate: 8000 }));
 * assert.equal((await readWavLayout(file)).dataBytes, 64);
 * await Deno.remove(file);
 * ```
 */
export async function readWavLayout(path: string): Promise<WavLayout> {
  const { header, size } = await readWavHeader(path);
  return wavLayout(header, size);
}

/**
 * {@linkcode wavCutShort} of a file: how much sound its header claims and how much it holds, when it claims more.
 *
 * @param path The file (a plain file: opening a named pipe waits for its writer).
 * @returns The claim and what is held in seconds, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav, readWavCutShort } from "./wav_pcm.ts";
 * const file = await Deno.makeTempFile({ suffix: ".wav" });
 * await Deno.writeFile(file, pcmWav(new Uint8Array(32_000), { sampleRate: 16_000 }).subarray(0, 44 + 3200));
 * assert.deepEqual(await readWavCutShort(file), { claimed: 1, held: 0.1 });
 * await Deno.remove(file);
 * ```
 */
export async function readWavCutShort(path: string): Promise<{ claimed: number; held: number } | null> {
  const { header, size } = await readWavHeader(path);
  return wavCutShort(header, size);
}

/** A file's first 64 KB (its chunks' headers, in any WAV reel reads) and its size. */
async function readWavHeader(path: string): Promise<{ header: Uint8Array; size: number }> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const header = new Uint8Array(Math.min(size, 65_536));
  const read = await readFull(file, header);
  return { header: header.subarray(0, read), size };
}

/**
 * Reads the samples of frames `from` to `to` (a frame holds one sample per channel) of a PCM WAV file.
 *
 * @param path The file.
 * @param layout Its layout.
 * @param range The first frame and the frame after the last.
 * @returns The samples' bytes, as stored.
 * @throws {RangeError} When the range is not inside the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav, readPcmRange, readWavLayout } from "./wav_pcm.ts";
 * const file = await Deno.makeTempFile({ suffix: ".wav" });
 * await Deno.writeFile(file, pcmWav(new Uint8Array([1, 0, 2, 0, 3, 0]), { sampleRate: 8000 }));
 * const bytes = await readPcmRange(file, await readWavLayout(file), { from: 1, to: 3 });
 * assert.deepEqual([...bytes], [2, 0, 3, 0]);
 * await Deno.remove(file);
 * ```
 */
export async function readPcmRange(
  path: string,
  layout: WavLayout,
  range: { from: number; to: number },
): Promise<Uint8Array> {
  const frame = layout.channels * (layout.bitsPerSample / 8);
  const frames = layout.dataBytes / frame;
  const { from, to } = range;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > frames) {
    throw new RangeError(`Frames ${from} to ${to} are not inside ${path} (${frames} frames)`);
  }
  const bytes = new Uint8Array((to - from) * frame);
  using file = await Deno.open(path, { read: true });
  await file.seek(layout.dataOffset + from * frame, Deno.SeekMode.Start);
  if (await readFull(file, bytes) < bytes.length) throw new RangeError(`${path} ended before frame ${to}`);
  return bytes;
}

/**
 * Wraps PCM samples in a WAV header.
 *
 * @param pcm The samples' bytes (little-endian).
 * @param format Sample rate, channels (default 1), bits per sample (default 16), and `float` for IEEE floats
 * (32 or 64 bits) instead of integers.
 * @returns The WAV file's bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav } from "./wav_pcm.ts";
 * assert.equal(pcmWav(new Uint8Array(100), { sampleRate: 16_000 }).length, 144);
 * ```
 */
export function pcmWav(
  pcm: Uint8Array,
  format: { sampleRate: number; channels?: number; bitsPerSample?: number; float?: boolean },
): Uint8Array<ArrayBuffer> {
  const { sampleRate, channels = 1, bitsPerSample = 16, float = false } = format;
  const bytes = new Uint8Array(44 + pcm.length);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => bytes.set(new TextEncoder().encode(text), offset);
  const blockAlign = channels * (bitsPerSample / 8);
  ascii(0, "RIFF");
  view.setUint32(4, 36 + pcm.length, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  // WAVE_FORMAT_PCM, or WAVE_FORMAT_IEEE_FLOAT.
  view.setUint16(20, float ? 3 : 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitsPerSample, true);
  ascii(36, "data");
  view.setUint32(40, pcm.length, true);
  bytes.set(pcm, 44);
  return bytes;
}

/** The loudest 16-bit sample a silence holds: -60 dBFS, far under any speech and above a dither's noise. */
const SILENT_PEAK = 32;

/**
 * Whether a 16-bit PCM WAV holds no sound: no sample louder than -60 dBFS. False for any other WAV (its samples are
 * not read) and for none.
 *
 * @param bytes The whole file.
 * @returns True for silence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcmWav, silentWav } from "./wav_pcm.ts";
 * assert.equal(silentWav(pcmWav(new Uint8Array(3200), { sampleRate: 16_000 })), true);
 * assert.equal(silentWav(pcmWav(new Uint8Array(3200).fill(0x40), { sampleRate: 16_000 })), false);
 * ```
 */
export function silentWav(bytes: Uint8Array): boolean {
  const chunks = wavChunks(bytes);
  if (chunks?.format?.tag !== 1 || chunks.format.bitsPerSample !== 16 || chunks.data === null) return false;
  const { offset, size } = chunks.data;
  // A streaming writer's "no length" (0, or near 2 or 4 GiB): the samples run to the end of the file.
  const held = size === 0 || size >= STREAMED_SIZE ? bytes.length - offset : size;
  const end = offset + (Math.min(bytes.length - offset, held) & ~1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = offset; at < end; at += 2) {
    if (Math.abs(view.getInt16(at, true)) > SILENT_PEAK) return false;
  }
  return true;
}
