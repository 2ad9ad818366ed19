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
 * The still image format whose signature `bytes` start with: a PNG, a JPEG, a WebP or a BMP (the last two have no
 * length ffprobe gives); null for anything else.
 *
 * @param bytes The file's first 16 bytes, or more.
 * @returns The format, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffStill } from "./sniff_media.ts";
 * assert.equal(sniffStill(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ")), "webp");
 * assert.equal(sniffStill(new TextEncoder().encode("BM")), "bmp");
 * assert.equal(sniffStill(new TextEncoder().encode("ID3")), null);
 * ```
 */
export function sniffStill(bytes: Uint8Array): "png" | "jpeg" | "webp" | "bmp" | null {
  const image = sniffImage(bytes);
  if (image !== null) return image;
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return "webp";
  }
  if (startsWith(bytes, [0x42, 0x4d])) return "bmp";
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

/** ISO BMFF and QuickTime boxes a file starts with (bytes 4–7). */
const MP4_BOXES = ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid"];

/**
 * Whether ffmpeg's `-ss` before `-i` lands on the picture asked for in a file of this container: true for those
 * with an index of keyframes (MP4 and QuickTime, Matroska and WebM, AVI, FLV, MXF, ASF, NUT), false for the rest.
 * In an MPEG transport or program stream, an Ogg file or a raw H.264/HEVC stream the seek lands on a packet near the
 * time, often after its keyframe: every picture to the next keyframe was lost (a trim of a transport stream with a
 * keyframe every 2 s started up to 2 s late, its pictures ahead of their sound), and with none after it, all.
 *
 * @param bytes The file's first bytes (16 are enough; more are ignored).
 * @returns True where the seek is exact.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seeksByIndex } from "./sniff_media.ts";
 * assert.equal(seeksByIndex(new TextEncoder().encode("\0\0\0\x20ftypisom")), true);
 * assert.equal(seeksByIndex(new Uint8Array([0x47, 0x40, 0x00, 0x10])), false);
 * ```
 */
export function seeksByIndex(bytes: Uint8Array): boolean {
  const text = (offset: number, length: number) =>
    String.fromCharCode(...bytes.subarray(offset, offset + length));
  return MP4_BOXES.includes(text(4, 4)) ||
    startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3]) || // Matroska, WebM
    (text(0, 4) === "RIFF" && text(8, 4) === "AVI ") ||
    text(0, 3) === "FLV" ||
    startsWith(bytes, [0x06, 0x0e, 0x2b, 0x34]) || // MXF
    startsWith(bytes, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]) || // ASF, WMV
    text(0, 3) === "nut";
}

/**
 * Whether a file's first bytes begin as an MP4's or a MOV's do, with a box: its size, then a type of four letters
 * (`ftyp`, `moov`, `mdat`, `free`…).
 *
 * @param head The file's first bytes (8 are enough).
 * @returns True for a box.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { beginsAsBox } from "./sniff_media.ts";
 * assert.equal(beginsAsBox(new TextEncoder().encode("\0\0\0\x18ftypisom")), true);
 * assert.equal(beginsAsBox(new TextEncoder().encode("ID3\x04\0\0\0\0")), false);
 * ```
 */
export function beginsAsBox(head: Uint8Array): boolean {
  return head.length >= 8 && /^[a-z0-9 ]{4}$/i.test(String.fromCharCode(...head.subarray(4, 8)));
}

/** The formats a file's extension names, as said to a user, and whether a file's first bytes begin as each does. */
const NAMED_FORMATS: readonly {
  extensions: readonly string[];
  name: string;
  begins: (head: Uint8Array) => boolean;
}[] = [
  {
    extensions: ["mp4", "m4a", "m4v", "m4b", "mov", "3gp", "3g2", "mj2"],
    name: "an MP4 or MOV",
    begins: beginsAsBox,
  },
  {
    extensions: ["mp3"],
    name: "an MP3",
    // Any MPEG audio frame (Layer II named .mp3 too), after zeros that pad it; zeros alone tell nothing (rv32).
    begins: (head) => {
      const start = head.findIndex((byte) => byte !== 0);
      const rest = head.subarray(Math.max(0, start));
      return start < 0 || sniffAudio(rest) === "mp3" ||
        (rest[0] === 0xff && ((rest[1] ?? 0) & 0xe0) === 0xe0);
    },
  },
  {
    extensions: ["ogg", "oga", "ogv", "opus"],
    name: "an Ogg file",
    begins: (head) => sniffAudio(head) === "ogg",
  },
  {
    extensions: ["wav"],
    name: "a WAV file",
    // RF64 and BW64: the WAVs over 4 GB.
    begins: (head) =>
      sniffAudio(head) === "wav" || /^(RF64|BW64)$/.test(String.fromCharCode(...head.subarray(0, 4))),
  },
  {
    extensions: ["flac"],
    name: "a FLAC file",
    // Some taggers put an ID3v2 tag before it (rv32).
    begins: (head) => sniffAudio(head) === "flac" || String.fromCharCode(...head.subarray(0, 3)) === "ID3",
  },
  {
    extensions: ["mkv", "mka", "webm"],
    name: "a Matroska or WebM file",
    begins: (head) => startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]),
  },
];

/**
 * The format a file's name says it is, in words, when its first bytes do not begin as that format's do: random
 * bytes named `.mp3` were told in ffmpeg's words ("Failed to read frame size: Could not seek to 21023"), named `.ogg`
 * as cut short ("End of file"). Null for a name that says no format known here, or bytes that begin as it says.
 *
 * @param file The file's name or path.
 * @param head Its first bytes (16 are enough).
 * @returns `an MP3`, `an Ogg file`…, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notAsNamed } from "./sniff_media.ts";
 * assert.equal(notAsNamed("talk.MP3", new TextEncoder().encode("<html><body>")), "an MP3");
 * assert.equal(notAsNamed("talk.mp3", new TextEncoder().encode("ID3\x04")), null);
 * assert.equal(notAsNamed("talk.bin", new TextEncoder().encode("<html>")), null);
 * ```
 */
export function notAsNamed(file: string, head: Uint8Array): string | null {
  const extension = /\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase();
  const format = NAMED_FORMATS.find((format) =>
    extension !== undefined && format.extensions.includes(extension)
  );
  return format === undefined || format.begins(head) ? null : format.name;
}
