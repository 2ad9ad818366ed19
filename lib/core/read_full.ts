/**
 * Reading a file into a buffer until the buffer is full or the file ends (one `read` may return fewer bytes).
 * @module
 */

/**
 * Reads from where the file stands until `into` is full or the file ends.
 *
 * @param file An open file.
 * @param into The buffer to fill.
 * @returns The bytes read: `into.length` unless the file ended first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFull } from "./read_full.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * using file = await Deno.open(path);
 * assert.equal(await readFull(file, new Uint8Array(8)), 3);
 * await Deno.remove(path);
 * ```
 */
export async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<number> {
  let read = 0;
  while (read < into.length) {
    const n = await file.read(into.subarray(read));
    if (n === null) break;
    read += n;
  }
  return read;
}

/**
 * Reads a file's first bytes (to sniff what it is).
 *
 * @param path The file.
 * @param length How many bytes at most.
 * @returns Its first `length` bytes, fewer when it is shorter.
 * @throws What `Deno.open` throws (`NotFound`…).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readHead } from "./read_full.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * assert.deepEqual(await readHead(path, 2), new TextEncoder().encode("ab"));
 * await Deno.remove(path);
 * ```
 */
export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const head = new Uint8Array(length);
  using file = await Deno.open(path, { read: true });
  return head.subarray(0, await readFull(file, head));
}
