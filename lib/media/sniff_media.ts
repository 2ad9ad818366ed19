/**
 * Telling what a provider's bytes are from their first bytes, before trusting them.
 * @module
 */

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  return prefix.every((value, i) => bytes[offset + i] === value);
}

/**
 * Recognizes PNG and JPEG.
 *
 * @param bytes The file's bytes.
 * @returns `png`, `jpeg`, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffImage } from "./sniff_media.ts";
 * assert.equal(sniffImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "png");
 * assert.equal(sniffImage(new TextEncoder().encode("<html>")), null);
 * ```
 */
export function sniffImage(bytes: Uint8Array): "png" | "jpeg" | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  return null;
}

/**
 * Recognizes the audio formats speech APIs answer with: WAV, MP3, Ogg/Opus, FLAC and ADTS AAC.
 *
 * @param bytes The file's bytes.
 * @returns The format, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffAudio } from "./sniff_media.ts";
 * assert.equal(sniffAudio(new TextEncoder().encode("RIFF\0\0\0\0WAVEfmt ")), "wav");
 * assert.equal(sniffAudio(new TextEncoder().encode('{"error":1}')), null);
 * ```
 */
export function sniffAudio(bytes: Uint8Array): "wav" | "mp3" | "ogg" | "flac" | "aac" | null {
  const text = (offset: number, length: number) =>
    String.fromCharCode(...bytes.subarray(offset, offset + length));
  if (text(0, 4) === "RIFF" && text(8, 4) === "WAVE") return "wav";
  if (text(0, 3) === "ID3" || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe6) === 0xe2)) return "mp3";
  if (text(0, 4) === "OggS") return "ogg";
  if (text(0, 4) === "fLaC") return "flac";
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0) return "aac";
  return null;
}
