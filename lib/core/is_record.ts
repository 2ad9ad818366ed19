/**
 * Telling a plain object apart when reading data (JSON, a worker's message): the one test, so that each reader
 * agrees on what a record is.
 * @module
 */

/**
 * Whether a value is an object with string keys: not null, not an array.
 *
 * @param value Anything.
 * @returns True for a record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRecord } from "./is_record.ts";
 * assert.ok(isRecord({ a: 1 }));
 * assert.ok(!isRecord([1]) && !isRecord(null) && !isRecord("a"));
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
