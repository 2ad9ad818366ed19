/**
 * Joining byte arrays into one.
 * @module
 */

/**
 * The parts' bytes one after another, in a new array.
 *
 * @param parts The arrays, in order.
 * @param length Their total length, when the caller already has it. @default the sum of their lengths
 * @returns The joined bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatBytes } from "./concat_bytes.ts";
 * assert.deepEqual([...concatBytes([Uint8Array.of(1, 2), Uint8Array.of(3)])], [1, 2, 3]);
 * ```
 */
export function concatBytes(
  parts: readonly Uint8Array[],
  length: number = parts.reduce((sum, part) => sum + part.length, 0),
): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
