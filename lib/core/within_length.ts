/**
 * Names kept short enough for file names: a long one keeps its start and ends with a digest of the whole.
 * @module
 */
import { sha256Hex } from "./sha256.ts";

/** Hex digits of the whole name's SHA-256 that a shortened name ends with. */
const DIGEST_LENGTH = 8;

/**
 * The name, or, when it is longer than `max` characters, its first `max - 9` and `-` and 8 hex digits of its
 * SHA-256: two long names that start alike still differ.
 *
 * @param name A name of ASCII characters.
 * @param max The most characters it may have (more than 9).
 * @returns The name, at most `max` characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withinLength } from "./within_length.ts";
 * assert.equal(withinLength("talk", 100), "talk");
 * assert.match(withinLength("a".repeat(240), 100), /^a{91}-[0-9a-f]{8}$/);
 * ```
 */
export function withinLength(name: string, max: number): string {
  if (name.length <= max) return name;
  return `${name.slice(0, max - DIGEST_LENGTH - 1)}-${shortDigest(name)}`;
}

/**
 * The first 8 hex digits of a text's SHA-256: what names a file apart where its own name cannot (too long, or of no
 * Latin letter).
 *
 * @param text The text.
 * @returns 8 hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shortDigest } from "./within_length.ts";
 * assert.match(shortDigest("講義"), /^[0-9a-f]{8}$/);
 * ```
 */
export function shortDigest(text: string): string {
  return sha256Hex(text).slice(0, DIGEST_LENGTH);
}
