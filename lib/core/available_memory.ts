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
export async function availableMemory(meminfo = "/proc/meminfo"): Promise<number | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(meminfo);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const match = /^MemAvailable:\s+(\d+)\s*kB/m.exec(text);
  return match === null ? null : Number(match[1]) * 1024;
}
