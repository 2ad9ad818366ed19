/**
 * The time axis shared by the timeline and the provider charts: ms to x, and round tick marks.
 * @module
 */
import { formatDuration } from "./format_units.ts";

/** Maps ms since the run started to x, with round ticks. */
export interface TimeAxis {
  /** The x of the run's start. */
  left: number;
  /** The width from start to end. */
  width: number;
  /** The run's length in ms. */
  endMs: number;
  /** Tick positions in ms, from 0. */
  ticks: number[];
  /** x of a time in ms. */
  x(ms: number): number;
  /** The label of a tick: `0s`, `0.5s`, `12s`, `1:30`. */
  label(ms: number): string;
}

/** The smallest 1, 2 or 5 × 10^k at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * power >= raw) return factor * power;
  }
  return 10 * power;
}

/** An axis from 0 to `endMs` over `width` pixels starting at `left`, with about `targetTicks` ticks. */
export function timeAxis(
  endMs: number,
  options: { left: number; width: number; targetTicks?: number },
): TimeAxis {
  const { left, width, targetTicks = 8 } = options;
  const step = Math.max(1, niceStep(endMs / targetTicks));
  const ticks: number[] = [];
  for (let tick = 0; tick <= endMs + step / 1000; tick += step) ticks.push(tick);
  const decimals = step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
  return {
    left,
    width,
    endMs,
    ticks,
    x: (ms) => round(left + (Math.min(Math.max(ms, 0), endMs) / endMs) * width),
    label: (
      ms,
    ) => (ms >= 60_000 ? formatDuration(ms, { tenths: false }) : `${(ms / 1000).toFixed(decimals)}s`),
  };
}

/** Rounds to 0.1 px, enough for a crisp drawing and a short document. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
