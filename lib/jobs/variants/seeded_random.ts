/**
 * A seeded pseudo-random generator: the same seed gives the same numbers on every machine, so drawn variants
 * (and their keys) are the same on every run.
 * @module
 */
import { createHash } from "node:crypto";

/**
 * Makes a generator of numbers in [0, 1) from a seed (sfc32 seeded from the seed's SHA-256).
 *
 * @param seed Any number or text.
 * @returns The generator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./seeded_random.ts";
 * const a = seededRandom("1/shuffle");
 * const b = seededRandom("1/shuffle");
 * assert.equal(a(), b());
 * assert.notEqual(seededRandom(2)(), seededRandom(3)());
 * ```
 */
export function seededRandom(seed: number | string): () => number {
  const digest = createHash("sha256").update(String(seed)).digest();
  let a = digest.readUInt32LE(0),
    b = digest.readUInt32LE(4),
    c = digest.readUInt32LE(8),
    d = digest.readUInt32LE(12);
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first numbers of sfc32 follow its state too closely: seeds that differ little would start alike.
  for (let i = 0; i < 16; i++) next();
  return next;
}
