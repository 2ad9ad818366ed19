/**
 * Saying what a provider's answer holds in an error message without printing its bytes: its text when it is text,
 * else its size and type, so that a PNG or a WAV where text was expected never puts NUL and control bytes on the
 * terminal.
 * @module
 */
import { sniffAudio, sniffImage } from "../../media/sniff_media.ts";

/** Options for {@linkcode describeBody}. */
export interface DescribeBodyOptions {
  /** The answer's `content-type`, or "" when it sent none. @default "" */
  contentType?: string;
  /** The most characters of text quoted; longer text ends in `…`. @default 300 */
  limit?: number;
  /** Put text in double quotes. @default false */
  quote?: boolean;
}

/** Whether text holds a C0 or C1 control character other than tab, line feed and carriage return, or DEL. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f)) {
      return true;
    }
  }
  return false;
}

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpeg: "image/jpeg",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  flac: "audio/flac",
  aac: "audio/aac",
};

/**
 * Describes an answer's body for an error message: printable text (blanks collapsed, cut at `limit`), or, for a
 * body that is not text, `2,345 bytes of image/png` (the type its bytes show, else the one it was sent as), or
 * `an empty body`.
 *
 * @param bytes The body.
 * @param options The content type it was sent as, the most characters quoted, and whether to quote them.
 * @returns The description; never holds a control character.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeBody } from "./describe_body.ts";
 * assert.equal(describeBody(new TextEncoder().encode("Bad  gateway\n")), "Bad gateway");
 * const png = new Uint8Array(2345);
 * png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
 * assert.equal(describeBody(png, { contentType: "audio/wav" }), "2,345 bytes of image/png (sent as audio/wav)");
 * assert.equal(describeBody(new Uint8Array(0), { quote: true }), "an empty body");
 * ```
 */
export function describeBody(bytes: Uint8Array, options: DescribeBodyOptions = {}): string {
  const { contentType = "", limit = 300, quote = false } = options;
  if (bytes.length === 0) return "an empty body";
  const sent = contentType.split(";")[0]!.trim().toLowerCase();
  const media = sniffImage(bytes) ?? sniffAudio(bytes);
  // A multi-byte character cut at the end of the window is not a sign of binary data.
  const window = bytes.subarray(0, Math.max(4 * limit, 64));
  const decoded = new TextDecoder().decode(window);
  const text = bytes.length > window.length ? decoded.replace(/\uFFFD$/, "") : decoded;
  if (media === null && !text.includes("\uFFFD") && !hasControl(text)) {
    const collapsed = text.replace(/\s+/g, " ").trim();
    const cut = collapsed.length > limit || bytes.length > window.length
      ? `${collapsed.slice(0, limit)}…`
      : collapsed;
    return quote ? `"${cut}"` : cut;
  }
  const type = media === null ? null : MEDIA_TYPES[media]!;
  const shown = type ?? (sent !== "" && !hasControl(sent) ? sent : "binary data");
  const label = type !== null && sent !== "" && sent !== type && !hasControl(sent)
    ? ` (sent as ${sent})`
    : "";
  return `${bytes.length.toLocaleString("en-US")} bytes of ${shown}${label}`;
}
