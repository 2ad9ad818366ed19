/**
 * Whether a media file was cut short (a partial download or copy): ffmpeg plays the part there is and exits 0,
 * while its header or index gives the whole length, so a step made a part and called it done. Told from what the
 * container says of its own length, without decoding: an MP4's boxes, a Matroska or WebM segment's size, an Ogg
 * stream's last page, a GIF's trailer, an MP3's Xing or VBRI header, a WAV's data chunk, an AIFF's FORM size, a
 * FLAC's total samples against its last frame's.
 * @module
 */
import { readFull } from "../core/read_full.ts";
import { mp4CutShort } from "./_mp4_boxes.ts";
import { readWavCutShort } from "./wav_pcm.ts";

/** The largest Ogg page: a 27-byte header, 255 lacing values and 255 × 255 bytes of data. */
const MAX_OGG_PAGE = 27 + 255 + 255 * 255;

/**
 * Why a file is cut short, or null when it is whole or its kind cannot tell (an MP3 without a Xing or VBRI header,
 * a FLAC or AIFF whose header leaves its length out, a Matroska segment of unknown size as a live recorder writes
 * it, a stream).
 *
 * @param file The file.
 * @returns The reason, e.g. `its data ends before its index says`, or null.
 * @throws {Deno.errors.NotFound} And the other errors of opening and reading the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cutShort } from "./cut_short.ts";
 * const file = await Deno.makeTempFile({ suffix: ".gif" });
 * await Deno.writeFile(file, new Uint8Array([...new TextEncoder().encode("GIF89a"), 1, 0, 1, 0, 0, 0, 0, 0x3b]));
 * assert.equal(await cutShort(file), null);
 * await Deno.writeFile(file, new TextEncoder().encode("GIF89a"));
 * assert.equal(await cutShort(file), "it ends before a GIF's trailer");
 * await Deno.remove(file);
 * ```
 */
export async function cutShort(file: string): Promise<string | null> {
  // A stream (a pipe) is not opened: that waits for its writer, and what it gives is read once, by its step.
  const { isFile, size } = await Deno.stat(file);
  if (!isFile || size === 0) return null;
  using handle = await Deno.open(file, { read: true });
  const head = new Uint8Array(Math.min(size, 4096));
  await readFull(handle, head);
  const starts = (bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (starts([0x1a, 0x45, 0xdf, 0xa3])) return matroskaCutShort(head, size);
  if (starts([0x47, 0x49, 0x46, 0x38])) {
    if (size > MAX_GIF_BYTES) return null;
    const bytes = new Uint8Array(size);
    await handle.seek(0, Deno.SeekMode.Start);
    await readFull(handle, bytes);
    return gifReachesTrailer(bytes) ? null : "it ends before a GIF's trailer";
  }
  if (starts([0x4f, 0x67, 0x67, 0x53])) return await oggCutShort(handle, size);
  if (starts([0x52, 0x49, 0x46, 0x46]) && String.fromCharCode(...head.subarray(8, 12)) === "WAVE") {
    const cut = await readWavCutShort(file);
    return cut === null
      ? null
      : `its WAV header says ${cut.claimed.toFixed(2)} s of sound, the file holds ${cut.held.toFixed(2)} s`;
  }
  if (head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === "ftyp") {
    return await mp4CutShort(file) ? "its data ends before its index says" : null;
  }
  // fi4: an AIFF or FLAC cut short was transcribed in part, exit 0.
  if (starts([0x46, 0x4f, 0x52, 0x4d]) && /^AIF[FC]$/.test(String.fromCharCode(...head.subarray(8, 12)))) {
    return aiffCutShort(head, size);
  }
  if (starts([0x66, 0x4c, 0x61, 0x43])) return await flacCutShort(handle, head, size);
  const afterTag = id3Length(head);
  if (afterTag > 0 && afterTag + 42 <= size) {
    // A FLAC after an ID3v2 tag, as some taggers write it (rv6: it went to the MP3 check, never told).
    const flac = new Uint8Array(42);
    await handle.seek(afterTag, Deno.SeekMode.Start);
    await readFull(handle, flac);
    if (String.fromCharCode(...flac.subarray(0, 4)) === "fLaC") return await flacCutShort(handle, flac, size);
  }
  return await mp3CutShort(handle, head, size);
}

/**
 * An AIFF whose FORM chunk says more bytes than the file holds (a writer to a pipe leaves the size 0, or all ones:
 * not told).
 */
function aiffCutShort(head: Uint8Array, size: number): string | null {
  const form = new DataView(head.buffer, head.byteOffset).getUint32(4);
  if (form === 0 || form === 0xffffffff) return null;
  // A chunk of odd size is padded to an even one: a writer may leave the pad byte out at the end.
  return 8 + form > size + 1 ? `its AIFF header says ${8 + form} bytes, the file holds ${size}` : null;
}

/** The tail of a FLAC searched for its last frame: more than its largest frame (16 bits a sample, 65535 of them). */
const FLAC_TAIL = 1 << 20;

/**
 * A FLAC whose STREAMINFO gives more samples than its last frame reaches: the frames are read back from the end,
 * the last one whose header is whole (its CRC-8 right) telling where the sound stops. A stream's STREAMINFO of 0
 * samples (unknown) tells nothing.
 */
async function flacCutShort(handle: Deno.FsFile, head: Uint8Array, size: number): Promise<string | null> {
  // The first block is STREAMINFO (type 0): its 34 bytes start at 8.
  if (head.length < 42 || (head[4]! & 0x7f) !== 0) return null;
  const info = head.subarray(8, 42);
  // Of a stream of fixed blocks, every frame but the last has the largest (rv6: not the least, which an encoder may
  // give smaller).
  const blockSize = (info[2]! << 8) | info[3]!;
  const rate = (info[10]! << 12) | (info[11]! << 4) | (info[12]! >> 4);
  const total = (info[13]! & 0x0f) * 2 ** 32 + new DataView(info.buffer, info.byteOffset).getUint32(14);
  if (total === 0 || rate === 0) return null;
  const length = Math.min(size, FLAC_TAIL);
  const tail = new Uint8Array(length);
  await handle.seek(size - length, Deno.SeekMode.Start);
  await readFull(handle, tail);
  for (let at = tail.length - 6; at >= 0; at--) {
    if (tail[at] !== 0xff || (tail[at + 1]! & 0xfe) !== 0xf8) continue;
    const frame = flacFrame(tail, at, { blockSize, rate });
    if (frame === null) continue;
    const held = frame.start + frame.samples;
    return held < total
      ? `its FLAC header says ${(total / rate).toFixed(2)} s of sound, the file holds ${
        (held / rate).toFixed(2)
      } s`
      : null;
  }
  return "none of its frames is whole";
}

/** The sample rates of a FLAC frame header's codes 1 to 11 (0: STREAMINFO's; 12 to 14: written after). */
const FLAC_RATES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];

/**
 * The first sample and the samples of the FLAC frame whose header starts at `at`, or null when no whole header
 * that fits the stream (its rate, no reserved code) with a right CRC-8 starts there.
 */
function flacFrame(
  bytes: Uint8Array,
  at: number,
  stream: { blockSize: number; rate: number },
): { start: number; samples: number } | null {
  const variable = (bytes[at + 1]! & 1) === 1;
  const sizeCode = bytes[at + 2]! >> 4;
  const rateCode = bytes[at + 2]! & 0x0f;
  const depthCode = (bytes[at + 3]! >> 1) & 7;
  if (sizeCode === 0 || rateCode === 15 || (bytes[at + 3]! & 1) !== 0 || (bytes[at + 3]! >> 4) > 10) {
    return null;
  }
  // 3 is reserved (7 is 32 bits a sample, rv7).
  if (depthCode === 3) return null;
  if (rateCode >= 1 && rateCode <= 11 && FLAC_RATES[rateCode] !== stream.rate) return null;
  // The frame's (or, of variable blocks, the first sample's) number, coded as UTF-8 codes its characters.
  let i = at + 4;
  const lead = bytes[i++];
  if (lead === undefined) return null;
  if (lead === 0xff) return null;
  const extra = lead < 0x80 ? 0 : lead === 0xfe ? 6 : Math.clz32(~(lead << 24)) - 1;
  if (extra < 0 || (lead >= 0x80 && extra === 0)) return null;
  let number = extra === 0 ? lead : lead & (0x3f >> extra);
  for (let n = 0; n < extra; n++) {
    const next = bytes[i++];
    if (next === undefined || (next & 0xc0) !== 0x80) return null;
    number = number * 64 + (next & 0x3f);
  }
  let samples = sizeCode === 1
    ? 192
    : sizeCode <= 5
    ? 576 << (sizeCode - 2)
    : sizeCode >= 8
    ? 256 << (sizeCode - 8)
    : 0;
  if (sizeCode === 6) samples = (bytes[i++] ?? -1) + 1;
  if (sizeCode === 7) samples = (((bytes[i++] ?? 0) << 8) | (bytes[i++] ?? -1)) + 1;
  if (rateCode === 12) i += 1;
  if (rateCode === 13 || rateCode === 14) i += 2;
  if (i >= bytes.length || samples <= 0) return null;
  let crc = 0;
  for (let b = at; b < i; b++) {
    crc ^= bytes[b]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  if (crc !== bytes[i]) return null;
  return { start: variable ? number : number * stream.blockSize, samples };
}

/** Where the data after an ID3v2 tag at the start of `head` begins (its footer counted), or 0 without one. */
function id3Length(head: Uint8Array): number {
  if (head.length < 10 || String.fromCharCode(...head.subarray(0, 3)) !== "ID3") return 0;
  const tag = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) |
    (head[9]! & 0x7f);
  return 10 + tag + ((head[5]! & 0x10) !== 0 ? 10 : 0);
}

/** Bytes an MP3 may fall short of its header's count at most and still be whole. */
const MP3_SLACK = 16 * 1024;

/**
 * An MP3 whose Xing (or Info) or VBRI header, in its first frame after any ID3v2 tag, gives the stream's bytes,
 * and the file holds fewer (tx: half of one was transcribed, exit 0, no word said). Without such a header (a
 * constant bitrate one may have none) nothing tells its length: null.
 */
async function mp3CutShort(handle: Deno.FsFile, head: Uint8Array, size: number): Promise<string | null> {
  const start = id3Length(head);
  const frame = new Uint8Array(64);
  await handle.seek(start, Deno.SeekMode.Start);
  if (await readFull(handle, frame) < frame.length) return null;
  // A frame header: 11 bits of sync, then the version (3 for MPEG-1) and layer (1 for Layer III).
  if (frame[0] !== 0xff || (frame[1]! & 0xe0) !== 0xe0 || ((frame[1]! >> 1) & 3) !== 1) return null;
  const mpeg1 = ((frame[1]! >> 3) & 3) === 3;
  const mono = (frame[3]! >> 6) === 3;
  const xing = 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
  const word = (at: number) => new DataView(frame.buffer).getUint32(at);
  const tag = (at: number) => String.fromCharCode(...frame.subarray(at, at + 4));
  let bytes: number | null = null;
  if (tag(xing) === "Xing" || tag(xing) === "Info") {
    const flags = word(xing + 4);
    // Bit 0: the frame count follows; bit 1: the byte count, after it.
    if ((flags & 2) !== 0) bytes = word(xing + 8 + ((flags & 1) !== 0 ? 4 : 0));
  } else if (tag(36) === "VBRI") bytes = word(36 + 10);
  if (bytes === null || bytes === 0) return null;
  // Compared with the whole file: LAME counts its ID3v2 tag in the bytes, ffmpeg does not (rv15: a whole LAME file
  // with cover art was refused). A little slack (a tool that counts the header frame, or not): 2%, 16 KB at most
  // (about a second at 128 kbit/s: 2% of an hour's file was 72 s).
  const slack = Math.min(MP3_SLACK, bytes * 0.02);
  return size + slack < bytes ? `its MP3 header says ${bytes} bytes, the file holds ${size}` : null;
}

/** The largest GIF read whole to find its trailer; a larger one is not told (GIFs are rarely a few megabytes). */
const MAX_GIF_BYTES = 256 * 2 ** 20;

/**
 * Whether a GIF's blocks lead to its trailer (`;`): its header, screen descriptor and colour table, then extensions
 * and images, each of sub-blocks, read in turn. Bytes after the trailer (padding some tools add) do not count.
 */
function gifReachesTrailer(bytes: Uint8Array): boolean {
  const table = (flags: number) => (flags & 0x80) === 0 ? 0 : 3 * 2 ** ((flags & 0x07) + 1);
  let at = 13 + table(bytes[10] ?? 0);
  const subBlocks = () => {
    while (at < bytes.length && bytes[at] !== 0) at += bytes[at]! + 1;
    at++;
  };
  while (at < bytes.length) {
    const block = bytes[at]!;
    if (block === 0x3b) return true;
    if (block === 0x21) {
      at += 2;
      subBlocks();
    } else if (block === 0x2c) {
      const flags = bytes[at + 9] ?? 0;
      at += 10 + table(flags) + 1;
      subBlocks();
    } else return false;
  }
  return false;
}

/** An EBML variable-length number at `at`: its length in bytes and its value (null: unknown, all ones). */
function vint(bytes: Uint8Array, at: number): { length: number; value: number | null } | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return null;
  let value = first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!;
    allOnes &&= bytes[at + i] === 0xff;
  }
  return { length, value: allOnes ? null : value };
}

/** A Matroska or WebM file whose segment's size, as its header gives it, runs past the file's end. */
function matroskaCutShort(head: Uint8Array, size: number): string | null {
  // The EBML header (ID 1A45DFA3, 4 bytes), its size and body; then the segment (ID 18538067) and its size.
  const header = vint(head, 4);
  if (header === null || header.value === null) return null;
  const segment = 4 + header.length + header.value;
  const id = [0x18, 0x53, 0x80, 0x67];
  if (!id.every((byte, i) => head[segment + i] === byte)) return null;
  const length = vint(head, segment + 4);
  if (length === null || length.value === null) return null;
  return segment + 4 + length.length + length.value > size ? "its data ends before its header says" : null;
}

/**
 * An Ogg file whose last page is not whole or does not end its stream (the end-of-stream flag): the pages are read
 * back from the end, the last one that ends exactly at the file's end being its last page.
 */
async function oggCutShort(handle: Deno.FsFile, size: number): Promise<string | null> {
  const length = Math.min(size, MAX_OGG_PAGE);
  const tail = new Uint8Array(length);
  await handle.seek(size - length, Deno.SeekMode.Start);
  await readFull(handle, tail);
  for (let at = tail.length - 27; at >= 0; at--) {
    if (tail[at] !== 0x4f || tail[at + 1] !== 0x67 || tail[at + 2] !== 0x67 || tail[at + 3] !== 0x53) {
      continue;
    }
    const segments = tail[at + 26]!;
    if (at + 27 + segments > tail.length) continue;
    let end = at + 27 + segments;
    for (let i = 0; i < segments; i++) end += tail[at + 27 + i]!;
    if (end !== tail.length) continue;
    return (tail[at + 5]! & 0x04) === 0 ? "its last page does not end its stream" : null;
  }
  return "its last page is not whole";
}
