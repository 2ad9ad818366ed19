/**
 * The bytes of a text file a user names (a workflow, a recipe), told apart from what is no text: a program, a
 * picture or a video under a workflow's name was told in a parser's words ("Expected an object, got a string"), and
 * UTF-16 as a syntax error at its first byte. Text in another encoding than UTF-8 is read as Deno reads text, each
 * byte it cannot decode as U+FFFD: a lesson's text that holds one is said by its checks (`lesson_preflight.ts`), and
 * a comment that does is no matter.
 * @module
 */

/** Bytes that are no text, at the first place that says so. */
export class NotTextError extends Error {
  /** The line and column (1-based; the column in characters) of that place. */
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

/**
 * Decodes a text file's bytes as UTF-8 (a byte order mark kept, a byte that is not UTF-8 read as U+FFFD).
 *
 * @param bytes The file's bytes.
 * @returns The text.
 * @throws {NotTextError} When the bytes hold a NUL (no text file has one: a program, a picture, an archive) or
 *   begin with UTF-16's byte order mark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeText, NotTextError } from "./text_bytes.ts";
 * assert.equal(decodeText(new TextEncoder().encode("café")), "café");
 * assert.equal(decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9])), "caf\uFFFD");
 * assert.throws(() => decodeText(new Uint8Array([0x61, 0x0a, 0x62, 0x00])), (error: NotTextError) =>
 *   error.place.line === 2 && error.place.column === 2);
 * ```
 */
export function decodeText(bytes: Uint8Array): string {
  refuseNoText(bytes);
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/** Throws what {@linkcode decodeText} throws for bytes that are no text; decodes nothing. */
function refuseNoText(bytes: Uint8Array): void {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new NotTextError("The file is UTF-16 text, not UTF-8", {
      place: { line: 1, column: 1 },
      hint: 'Save it as UTF-8: in an editor, "Save with encoding"',
    });
  }
  const nul = bytes.indexOf(0);
  if (nul === -1) return;
  // At 0, there is no line before it (`lastIndexOf(…, -1)` would search from the end: rv44).
  const lineStart = nul === 0 ? 0 : bytes.lastIndexOf(0x0a, nul - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const column = [...new TextDecoder().decode(bytes.subarray(lineStart, nul))].length + 1;
  throw new NotTextError("The file is not text: it holds a NUL byte, as programs, pictures and archives do", {
    place: { line, column },
    hint: "Name the text file you wrote",
  });
}

/** Bytes of a file looked at for a NUL before the whole is read (see {@linkcode readText}). */
const HEAD_BYTES = 64 * 1024;

/**
 * Reads a text file as {@linkcode decodeText} decodes it; a file whose first 64 KiB say it is no text is refused
 * before the rest is read (rv45: a transport stream named `clip.ts`, gigabytes, was read whole to be refused).
 *
 * @param path The file.
 * @returns Its text.
 * @throws {NotTextError} As {@linkcode decodeText}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readText } from "./text_bytes.ts";
 * assert.match(await readText("deno.json"), /"tasks"/);
 * ```
 */
export async function readText(path: string | URL): Promise<string> {
  const head = new Uint8Array(HEAD_BYTES);
  let filled = 0;
  {
    using file = await Deno.open(path, { read: true });
    for (;;) {
      const read = await file.read(head.subarray(filled));
      if (read === null) break;
      filled += read;
      if (filled === head.length) break;
    }
  }
  if (filled < head.length) return decodeText(head.subarray(0, filled));
  refuseNoText(head);
  return decodeText(await Deno.readFile(path));
}
