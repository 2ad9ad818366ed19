/**
 * Sizes and durations as users write them (`256MiB`, `7d`): read once, for every option and field that takes one;
 * and seconds to the microsecond, as ffmpeg's options take them.
 * @module
 */

/**
 * Parses a size such as `500MB`, `2G`, `1.5 GiB` or `1000` (bytes).
 *
 * @param text The size as the user wrote it.
 * @returns Bytes, or null when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSize } from "./units.ts";
 * assert.equal(parseSize("500MB"), 500e6);
 * assert.equal(parseSize("1 GiB"), 2 ** 30);
 * assert.equal(parseSize("lots"), null);
 * ```
 */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(text);
  if (match === null) return null;
  const power = "bkmgt".indexOf((match[2] || "b").toLowerCase());
  const base = match[3] === "" ? 1000 : 1024;
  return Math.round(Number(match[1]) * base ** power);
}

/**
 * Parses a duration such as `10m`, `90s`, `1h`, `500ms` or `0` (a bare number is seconds).
 *
 * @param text The duration as the user wrote it.
 * @returns Milliseconds, or null when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDuration } from "./units.ts";
 * assert.equal(parseDuration("10m"), 600_000);
 * assert.equal(parseDuration("0"), 0);
 * assert.equal(parseDuration("soon"), null);
 * ```
 */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (match === null) return null;
  // A bare number is seconds.
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? "s").toLowerCase()]!;
  return Math.round(Number(match[1]) * unit);
}

/**
 * A duration as {@linkcode parseDuration} reads it back, in its largest whole unit (`10m`, `90s`, `0`).
 *
 * @param ms Milliseconds.
 * @returns The duration written as an option takes it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { durationOption } from "./units.ts";
 * assert.equal(durationOption(600_000), "10m");
 * assert.equal(durationOption(100_000), "100s");
 * assert.equal(durationOption(0), "0");
 * ```
 */
export function durationOption(ms: number): string {
  if (ms === 0) return "0";
  const unit = ([["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const)
    .find(([, size]) => ms % size === 0);
  return unit === undefined ? `${ms}ms` : `${ms / unit[1]}${unit[0]}`;
}

/**
 * Seconds rounded to the microsecond, as ffmpeg parses a time in its options (and as a graph is best written: no
 * float noise such as `2.4000000000000004`).
 *
 * @param seconds Seconds.
 * @returns The same, to the microsecond.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toMicroseconds } from "./units.ts";
 * assert.equal(toMicroseconds(0.1 + 0.2), 0.3);
 * assert.equal(toMicroseconds(1.23456789), 1.234568);
 * ```
 */
export function toMicroseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
