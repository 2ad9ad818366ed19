/**
 * SHA-256 digests as hex: of text or bytes in memory, and of a file read in chunks.
 * @module
 */
import { createHash } from "node:crypto";

/**
 * The SHA-256 of text (as UTF-8) or bytes.
 *
 * @param data The text or bytes.
 * @returns 64 hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./sha256.ts";
 * assert.equal(sha256Hex("abc").slice(0, 8), "ba7816bf");
 * ```
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The SHA-256 of a file's bytes, without reading it whole into memory.
 *
 * @param path The file.
 * @returns 64 hex digits.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256File, sha256Hex } from "./sha256.ts";
 * const file = await Deno.makeTempFile();
 * await Deno.writeTextFile(file, "abc");
 * assert.equal(await sha256File(file), sha256Hex("abc"));
 * await Deno.remove(file);
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const buffer = await takeBuffer();
  try {
    const hash = createHash("sha256");
    using file = await Deno.open(path, { read: true });
    for (let read = await file.read(buffer); read !== null; read = await file.read(buffer)) {
      hash.update(buffer.subarray(0, read));
    }
    return hash.digest("hex");
  } finally {
    giveBack(buffer);
  }
}

// Reads of a megabyte: twice as fast as the file's stream of 64 KB chunks (measured on 48 MB of artifacts). At most
// four files are read at once, through four reused buffers: a re-run that checks 3,000 stored steps at once held a
// megabyte for each (250 MB), and hashing runs on one thread anyway.
const READ_BYTES = 1 << 20;
const BUFFERS = 4;
const idle: Uint8Array[] = [];
const waiting: ((buffer: Uint8Array) => void)[] = [];
let made = 0;

function takeBuffer(): Promise<Uint8Array> {
  const buffer = idle.pop();
  if (buffer !== undefined) return Promise.resolve(buffer);
  if (made < BUFFERS) {
    made++;
    return Promise.resolve(new Uint8Array(READ_BYTES));
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function giveBack(buffer: Uint8Array): void {
  const next = waiting.shift();
  if (next === undefined) idle.push(buffer);
  else next(buffer);
}
