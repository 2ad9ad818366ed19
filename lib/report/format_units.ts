/**
 * Formatting of durations and sizes for the terminal, the plain log and the run summary.
 * @module
 */

/** Options of {@linkcode formatDuration}. */
export interface FormatDurationOptions {
  /**
   * Whether to show tenths of a second (`1:23.4`) or whole seconds, rounded up (`1:24`).
   * Rounding up suits an ETA: it never reads `0:00` while work is left.
   * @default true
   */
  tenths?: boolean;
}

function checkAmount(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`Cannot format ${what}: expected a finite number >= 0, got ${value}`);
  }
}

/**
 * Formats a duration as `m:ss.t`, or `h:mm:ss.t` from one hour on.
 *
 * @param ms The duration in milliseconds.
 * @param options Whether to show tenths of a second.
 * @returns The duration, e.g. `0:12.3`, `1:23.4`, `1:02:03.0`, or `0:12` without tenths.
 * @throws {RangeError} When `ms` is negative or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./format_units.ts";
 * assert(formatDuration(83_400) === "1:23.4");
 * assert(formatDuration(11_200, { tenths: false }) === "0:12");
 * assert(formatDuration(3_723_000) === "1:02:03.0");
 * ```
 */
export function formatDuration(ms: number, options: FormatDurationOptions = {}): string {
  const { tenths = true } = options;
  checkAmount(ms, "duration");
  const units = tenths ? Math.round(ms / 100) : Math.ceil(ms / 1000);
  const perSecond = tenths ? 10 : 1;
  const totalSeconds = Math.floor(units / perSecond);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const seconds = String(totalSeconds % 60).padStart(2, "0");
  const fraction = tenths ? `.${units % perSecond}` : "";
  const head = hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}` : `${minutes}`;
  return `${head}:${seconds}${fraction}`;
}

/**
 * Formats a short elapsed time in seconds with one decimal (`3.2s`), switching to
 * {@linkcode formatDuration} from one minute on (`1:23.4`).
 *
 * @param ms The elapsed time in milliseconds.
 * @returns The elapsed time, e.g. `0.4s`, `3.2s`, `1:05.0`.
 * @throws {RangeError} When `ms` is negative or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatElapsed } from "./format_units.ts";
 * assert(formatElapsed(3_240) === "3.2s");
 * assert(formatElapsed(65_000) === "1:05.0");
 * ```
 */
export function formatElapsed(ms: number): string {
  checkAmount(ms, "elapsed time");
  const tenths = Math.round(ms / 100);
  if (tenths >= 600) return formatDuration(ms);
  return `${(tenths / 10).toFixed(1)}s`;
}

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB", "PB"] as const;

/**
 * Formats a size in bytes with decimal (SI) units and one decimal: `512 B`, `3.2 MB`.
 *
 * @param bytes The size in bytes.
 * @returns The size, e.g. `0 B`, `1.5 kB`, `3.2 MB`.
 * @throws {RangeError} When `bytes` is negative or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./format_units.ts";
 * assert(formatBytes(512) === "512 B");
 * assert(formatBytes(3_200_000) === "3.2 MB");
 * ```
 */
export function formatBytes(bytes: number): string {
  checkAmount(bytes, "size");
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let unit = Math.min(Math.floor(Math.log10(bytes) / 3), BYTE_UNITS.length - 1);
  let value = Math.round(bytes / 1000 ** unit * 10) / 10;
  if (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    unit += 1;
    value = Math.round(bytes / 1000 ** unit * 10) / 10;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}
