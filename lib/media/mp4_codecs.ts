/**
 * The codecs of an MP4's tracks as RFC 6381 writes them (`avc1.64001f`, `hvc1.1.6.L93.B0`, `mp4a.40.2`): what an
 * HLS master playlist's `CODECS` attribute lists, so that a player picks a rendition it can play before it loads one
 * (RFC 8216 says it SHOULD be there, Apple's authoring rules that it must; nt3: reel's masters had none). Read from
 * the sample entries' configuration boxes (ISO/IEC 14496-15 and 14496-3), not guessed from the settings.
 * @module
 */
import { childBox, children, fourCc, readMoov } from "./_mp4_boxes.ts";

/**
 * The codecs of a file's tracks, in track order.
 *
 * @param file An MP4 (plain or fragmented) that ffmpeg wrote.
 * @returns The codec strings, or null when a track's codec is none of H.264, HEVC and AAC, or the file is not an
 *   MP4 (a playlist then lists no CODECS rather than a wrong one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mp4Codecs } from "./mp4_codecs.ts";
 * const file = await Deno.makeTempFile({ suffix: ".mp4" });
 * assert.equal(await mp4Codecs(file), null); // empty: not an MP4
 * await Deno.remove(file);
 * ```
 */
export async function mp4Codecs(file: string): Promise<string[] | null> {
  const moov = await readMoov(file);
  if (moov === null) return null;
  const codecs: string[] = [];
  for (const trak of children(moov, 0, moov.length).filter((box) => box.type === "trak")) {
    const stsd = childBox(
      moov,
      childBox(moov, childBox(moov, childBox(moov, trak, "mdia"), "minf"), "stbl"),
      "stsd",
    );
    // stsd: version and flags, an entry count, then the entries.
    const entry = stsd === undefined ? undefined : children(moov, stsd.start + 8, stsd.end)[0];
    const codec = entry === undefined ? null : sampleEntryCodec(moov.subarray(entry.offset, entry.end));
    if (codec === null) return null;
    codecs.push(codec);
  }
  return codecs.length === 0 ? null : codecs;
}

/**
 * A sample entry's codec string (the entry's bytes, from its box header on), or null for another codec: an
 * `mp4a` entry gives one only for MPEG-4 audio of an AAC object type, which `probeMp4` reads as `aac`.
 *
 * @param entry The sample entry box.
 * @returns The codec string, or null.
 */
export function sampleEntryCodec(entry: Uint8Array): string | null {
  const format = fourCc(entry, 4);
  if (["avc1", "avc3", "hvc1", "hev1"].includes(format)) {
    // A visual sample entry: 8 bytes of box header and 78 of fields before its child boxes.
    const config = children(entry, 86, entry.length).find((box) =>
      box.type === "avcC" || box.type === "hvcC"
    );
    if (config === undefined) return null;
    const body = entry.subarray(config.start, config.end);
    return config.type === "avcC" ? `${format}.${hex(body.subarray(1, 4))}` : hevcCodec(format, body);
  }
  if (format === "mp4a") {
    // An audio sample entry: 8 bytes of box header and 28 of fields before its child boxes.
    const esds = children(entry, 36, entry.length).find((box) => box.type === "esds");
    return esds === undefined ? null : aacCodec(entry.subarray(esds.start + 4, esds.end));
  }
  return null;
}

/** `hvc1.<space><profile>.<compatibility>.<tier><level>[.<constraints>]` from an `hvcC` box's body. */
function hevcCodec(format: string, body: Uint8Array): string | null {
  if (body.length < 13) return null;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const space = ["", "A", "B", "C"][body[1]! >> 6]!;
  const tier = (body[1]! & 0x20) === 0 ? "L" : "H";
  const profile = body[1]! & 0x1f;
  // The compatibility flags, their bits in reverse order, in hexadecimal without leading zeros.
  let flags = view.getUint32(2);
  let reversed = 0;
  for (let i = 0; i < 32; i++, flags >>>= 1) reversed = (reversed << 1 | (flags & 1)) >>> 0;
  const constraints = [...body.subarray(6, 12)];
  while (constraints.at(-1) === 0) constraints.pop();
  return [
    `${format}.${space}${profile}`,
    reversed.toString(16).toUpperCase(),
    `${tier}${body[12]}`,
    ...constraints.map((byte) => byte.toString(16).toUpperCase()),
  ].join(".");
}

/** `mp4a.40.<audio object type>` from an `esds` box's descriptors (after its version and flags). */
function aacCodec(descriptors: Uint8Array): string | null {
  let at = 0;
  /** Steps into the descriptor of `tag` at `at`, past its tag and size bytes. */
  const enter = (tag: number): boolean => {
    if (descriptors[at] !== tag) return false;
    at++;
    for (let i = 0; i < 4 && at < descriptors.length; i++) if ((descriptors[at++]! & 0x80) === 0) break;
    return true;
  };
  // ES descriptor: an ES ID and flags (as ffmpeg writes it, none: the config descriptor follows).
  if (!enter(3) || descriptors[at + 2] !== 0) return null;
  at += 3;
  // Decoder config: object type (0x40, MPEG-4 audio), 12 more bytes, then the decoder-specific info.
  if (!enter(4) || descriptors[at] !== 0x40) return null;
  at += 13;
  if (!enter(5) || at >= descriptors.length) return null;
  // AudioSpecificConfig: its first five bits are the audio object type (2: AAC-LC).
  const type = descriptors[at]! >> 3;
  return type === 0 || type === 31 ? null : `mp4a.40.${type}`;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
