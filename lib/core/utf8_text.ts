/**
 * The text files a user writes (workflows, recipes) read as UTF-8, strictly. Read as Deno reads text, a file
 * saved in Latin-1 or Windows-1252 had U+FFFD in place of each byte it could not decode, and a slide said "caf�"
 * without a word; a program or a picture named `.yaml` was told in the parser's words ("Expected an object, got a
 * string").
 * @module
 */

/** Bytes that are not UTF-8 text, at the first place they stop being so. */
export class NotTextError extends Error {
  /** The line and column (1-based; the column in characters) of the first byte that is not text. */
  readonly place: { line: number; column: number };
  /** What to do about it. */
  readonly hint: string;

  constructor(message: string, options: { place: { line: number; column: number }; hint: string }) {
    super(message);
    this.name = "NotTextError";
    this.place = options.place;
    this.hint = options.hint;
  }
}

const SAVE_AS_UTF8 =
  'Save it as UTF-8: in an editor, "Save with encoding"; or convert it with iconv -f latin1 -t utf-8';

/**
 * Decodes a text file's bytes as UTF-8 (a byte order mark is kept, as `TextDecoder` with `ignoreBOM` keeps it).
 *
 * @param bytes The file's bytes.
 * @returns The text.
 * @throws {NotTextError} When the bytes hold a NUL (not a text file), begin with UTF-16's byte order mark, or
 *   hold a byte that UTF-8 cannot read there: at its line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeUtf8Text, NotTextError } from "./utf8_text.ts";
 * assert.equal(decodeUtf8Text(new TextEncoder().encode("café")), "café");
 * const latin1 = new Uint8Array([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9]);
 * assert.throws(() => decodeUtf8Text(latin1), (error: NotTextError) =>
 *   error.message === "The file is not UTF-8: byte 0xE9 cannot be read as UTF-8" &&
 *   error.place.line === 2 && error.place.column === 4);
 * ```
 */
export function decodeUtf8Text(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new NotTextError("The file is UTF-16 text, not UTF-8", {
      place: { line: 1, column: 1 },
      hint: SAVE_AS_UTF8,
    });
  }
  const nul = bytes.indexOf(0);
  if (nul === -1) {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
  }
  // At the NUL, else at the first byte that is not UTF-8 there.
  const offset = nul !== -1 ? nul : Math.max(0, firstNonUtf8(bytes));
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const column = [...new TextDecoder().decode(bytes.subarray(lineStart, offset))].length + 1;
  const place = { line, column };
  if (nul !== -1) {
    throw new NotTextError(
      "The file is not text: it holds a NUL byte, as programs, pictures and archives do",
      {
        place,
        hint: "Name the text file you wrote",
      },
    );
  }
  const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, "0");
  throw new NotTextError(`The file is not UTF-8: byte 0x${byte} cannot be read as UTF-8`, {
    place,
    hint: SAVE_AS_UTF8,
  });
}

/** The offset of the first byte that does not begin or continue a UTF-8 character where it is; -1 for none. */
function firstNonUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The continuation bytes a lead byte takes, and the range its first one must lie in (no overlong forms, no
    // surrogates, nothing above U+10FFFF).
    const [count, low, high] = lead >= 0xc2 && lead <= 0xdf
      ? [1, 0x80, 0xbf]
      : lead === 0xe0
      ? [2, 0xa0, 0xbf]
      : lead === 0xed
      ? [2, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef
      ? [2, 0x80, 0xbf]
      : lead === 0xf0
      ? [3, 0x90, 0xbf]
      : lead >= 0xf1 && lead <= 0xf3
      ? [3, 0x80, 0xbf]
      : lead === 0xf4
      ? [3, 0x80, 0x8f]
      : [0, 0, 0];
    if (count === 0) return i;
    for (let k = 1; k <= count; k++) {
      const next = bytes[i + k];
      const [from, to] = k === 1 ? [low, high] : [0x80, 0xbf];
      // A character cut short is said at its lead byte.
      if (next === undefined || next < from || next > to) return i;
    }
    i += count + 1;
  }
  return -1;
}
