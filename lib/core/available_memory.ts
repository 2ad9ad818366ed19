/**
 * How much memory the system can give new work without swapping: `MemAvailable` of `/proc/meminfo` (Linux).
 * @module
 */

/**
 * Reads the memory available to new work, in bytes.
 *
 * @param meminfo The file to read. @default "/proc/meminfo"
 * @returns `MemAvailable` in bytes, or null where the system does not say (not Linux).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { availableMemory } from "./available_memory.ts";
 * const bytes = await availableMemory();
 * assert.ok(bytes === null || bytes > 0);
 * ```
 */
export function availableMemory(meminfo = "/proc/meminfo"): Promise<number | null> {
  let text: string;
  try {
    text = readProcFile(meminfo);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Promise.resolve(null);
    return Promise.reject(error);
  }
  const match = /^MemAvailable:\s+(\d+)\s*kB/m.exec(text);
  return Promise.resolve(match === null ? null : Number(match[1]) * 1024);
}

/**
 * Reads a small file whose size the system does not tell (a `/proc` file says 0) in one read of 16 KB, more only
 * if it is longer: `Deno.readTextFile` reads such a file 32 bytes, then 64..., ten system calls for meminfo, and
 * the memory gate reads it before each heavy step. Synchronous, as the store's small files (STYLE 14).
 */
function readProcFile(path: string): string {
  const file = Deno.openSync(path);
  try {
    let bytes = new Uint8Array(16_384);
    let length = 0;
    for (;;) {
      const read = file.readSync(bytes.subarray(length));
      if (read === null || read === 0) break;
      length += read;
      if (length === bytes.length) {
        const grown = new Uint8Array(bytes.length * 2);
        grown.set(bytes);
        bytes = grown;
      }
    }
    return new TextDecoder().decode(bytes.subarray(0, length));
  } finally {
    file.close();
  }
}
