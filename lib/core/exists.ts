/**
 * Whether a path exists.
 * @module
 */

/**
 * Tells whether a file or folder exists; any error other than its absence is thrown.
 *
 * @param path The path.
 * @returns True when it exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exists } from "./exists.ts";
 * assert.equal(await exists("/definitely/not/here"), false);
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
