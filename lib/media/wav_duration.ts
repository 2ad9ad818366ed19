/**
 * Reading a WAV file's duration from its header, without starting ffprobe.
 * @module
 */
import { wavChunks } from "./wav_pcm.ts";

/**
 * Computes the duration of PCM WAV bytes from the `fmt ` and `data` chunks.
 *
 * @param bytes The whole file, or at least its header and the data chunk's size field.
 * @param fileSize The file's size, used when the data chunk claims more bytes than the file holds.
 * @returns Seconds.
 * @throws {RangeError} When the bytes are not a PCM WAV file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wavDuration } from "./wav_duration.ts";
 * const header = new Uint8Array(44);
 * const view = new DataView(header.buffer);
 * header.set(new TextEncoder().encode("RIFF"), 0);
 * header.set(new TextEncoder().encode("WAVEfmt "), 8);
 * view.setUint32(16, 16, true);
 * view.setUint32(28, 32000, true); // byte rate
 * header.set(new TextEncoder().encode("data"), 36);
 * view.setUint32(40, 16000, true);
 * assert.ok(wavDuration(header, 16044) === 0.5);
 * ```
 */
export function wavDuration(bytes: Uint8Array, fileSize: number): number {
  const chunks = wavChunks(bytes);
  if (chunks === null) throw new RangeError("Not a WAV file");
  const { format, data } = chunks;
  if (data === null) throw new RangeError("WAV file has no data chunk");
  if (format === null || format.byteRate === 0) {
    throw new RangeError("WAV file has no fmt chunk before its data");
  }
  return Math.min(data.size, Math.max(0, fileSize - data.offset)) / format.byteRate;
}
