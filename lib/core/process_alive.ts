/**
 * Telling whether a process on this host that left something behind (a temporary file, a claim on a key, a mark in
 * a store) is still running.
 * @module
 */

/**
 * True when a process with this id exists (on Linux, by `/proc/<pid>`; elsewhere assumed alive).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processAlive } from "./process_alive.ts";
 * assert.equal(await processAlive(Deno.pid), true);
 * ```
 */
export async function processAlive(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Deno.build.os !== "linux";
    throw error;
  }
}
