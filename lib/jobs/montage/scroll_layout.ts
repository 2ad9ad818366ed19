/**
 * The geometry and timing of a scrolling strip: items in a row (or a column) enter on one side and leave on the
 * other, the strip travelling its length plus the frame's. The run is cut into chunks of frames, each encoded alone
 * with only the items it shows, so memory stays bounded and chunks run in parallel.
 * @module
 */

/** How the motion speeds up and slows down. */
export type Easing = "linear" | "ease-in" | "ease-out" | "ease-in-out";

/** What a strip's layout depends on. */
export interface StripShape {
  /** The number of items. */
  count: number;
  /** The output frame. */
  frame: { width: number; height: number };
  /** Each item's cell. */
  cell: { width: number; height: number };
  /** Pixels between cells. */
  gap: number;
  /** Where the strip moves. */
  direction: "left" | "right" | "up" | "down";
}

/** One chunk of the run: a range of frames and the items it shows. */
export interface StripChunk {
  /** Its first frame. */
  start: number;
  /** How many frames. */
  frames: number;
  /** The first and last item it shows (indexes), or null when it shows none. */
  items: { first: number; last: number } | null;
}

/** Chunks are at most this long, in seconds. */
const CHUNK_SECONDS = 5;
/** A chunk's strip is at most this many pixels long (a wider one is split). */
const MAX_STRIP = 12_000;

/**
 * Whether the strip moves along the frame's width.
 *
 * @param direction The direction.
 * @returns True for left and right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { horizontal } from "./scroll_layout.ts";
 * assert.ok(horizontal("left") && !horizontal("up"));
 * ```
 */
export function horizontal(direction: StripShape["direction"]): boolean {
  return direction === "left" || direction === "right";
}

/**
 * How far the strip travels, in pixels: its length plus the frame's, so it starts just outside and ends just outside.
 *
 * @param shape The strip.
 * @returns Pixels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { travel } from "./scroll_layout.ts";
 * const shape = { count: 3, frame: { width: 320, height: 180 }, cell: { width: 100, height: 80 }, gap: 10, direction: "left" as const };
 * assert.equal(travel(shape), 3 * 100 + 2 * 10 + 320);
 * ```
 */
export function travel(shape: StripShape): number {
  const along = horizontal(shape.direction) ? shape.cell.width : shape.cell.height;
  const frame = horizontal(shape.direction) ? shape.frame.width : shape.frame.height;
  return shape.count * along + (shape.count - 1) * shape.gap + frame;
}

/**
 * The share of the travel done at a share `u` of the time.
 *
 * @param easing The easing.
 * @param u From 0 to 1.
 * @returns From 0 to 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eased } from "./scroll_layout.ts";
 * assert.equal(eased("linear", 0.25), 0.25);
 * assert.ok(Math.abs(eased("ease-in-out", 0.5) - 0.5) < 1e-9);
 * ```
 */
export function eased(easing: Easing, u: number): number {
  const v = Math.min(1, Math.max(0, u));
  switch (easing) {
    case "linear":
      return v;
    case "ease-in":
      return v * v;
    case "ease-out":
      return 1 - (1 - v) * (1 - v);
    case "ease-in-out":
      return (1 - Math.cos(Math.PI * v)) / 2;
  }
}

/**
 * The share of the time at which a share `s` of the travel is done: the inverse of {@linkcode eased}.
 *
 * @param easing The easing.
 * @param s From 0 to 1.
 * @returns From 0 to 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eased, uneased } from "./scroll_layout.ts";
 * assert.ok(Math.abs(eased("ease-out", uneased("ease-out", 0.3)) - 0.3) < 1e-9);
 * ```
 */
export function uneased(easing: Easing, s: number): number {
  const v = Math.min(1, Math.max(0, s));
  switch (easing) {
    case "linear":
      return v;
    case "ease-in":
      return Math.sqrt(v);
    case "ease-out":
      return 1 - Math.sqrt(1 - v);
    case "ease-in-out":
      return Math.acos(1 - 2 * v) / Math.PI;
  }
}

/**
 * {@linkcode eased} as an ffmpeg expression of `u` (itself an expression).
 *
 * @param easing The easing.
 * @param u An ffmpeg expression of the share of the time.
 * @returns The expression.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { easedExpression } from "./scroll_layout.ts";
 * assert.equal(easedExpression("ease-in", "U"), "((U)*(U))");
 * ```
 */
export function easedExpression(easing: Easing, u: string): string {
  switch (easing) {
    case "linear":
      return `(${u})`;
    case "ease-in":
      return `((${u})*(${u}))`;
    case "ease-out":
      return `(1-(1-(${u}))*(1-(${u})))`;
    case "ease-in-out":
      return `((1-cos(PI*(${u})))/2)`;
  }
}

/**
 * Cuts the run into chunks (at most 5 s, and at most 12,000 px of strip each) and says which items each shows.
 *
 * @param shape The strip.
 * @param timing The run's length in seconds, its frame rate and its easing.
 * @returns The chunks, in order, covering every frame.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripChunks } from "./scroll_layout.ts";
 * const shape = { count: 3, frame: { width: 320, height: 180 }, cell: { width: 100, height: 80 }, gap: 10, direction: "left" as const };
 * const chunks = stripChunks(shape, { duration: 6.4, fps: 10, easing: "linear" });
 * assert.deepEqual(chunks.map((chunk) => chunk.frames), [50, 14]);
 * assert.deepEqual(chunks[0]?.items, { first: 0, last: 2 });
 * ```
 */
export function stripChunks(
  shape: StripShape,
  timing: { duration: number; fps: number; easing: Easing },
): StripChunk[] {
  const total = Math.max(1, Math.round(timing.duration * timing.fps));
  const per = Math.max(1, Math.round(CHUNK_SECONDS * timing.fps));
  const chunks: StripChunk[] = [];
  for (let start = 0; start < total; start += per) split(start, Math.min(per, total - start), chunks);
  return chunks;

  function split(start: number, frames: number, into: StripChunk[]): void {
    const items = shown(start, frames);
    const along = horizontal(shape.direction) ? shape.cell.width + shape.gap : shape.cell.height + shape.gap;
    const length = items === null ? 0 : (items.last - items.first + 1) * along;
    if (length <= MAX_STRIP || frames < 2) {
      into.push({ start, frames, items });
      return;
    }
    const half = Math.floor(frames / 2);
    split(start, half, into);
    split(start + half, frames - half, into);
  }

  /** The items any frame of the range shows. */
  function shown(start: number, frames: number): StripChunk["items"] {
    const distance = travel(shape);
    const offsetAt = (frame: number) => distance * eased(timing.easing, frame / timing.fps / timing.duration);
    const along = horizontal(shape.direction) ? shape.cell.width : shape.cell.height;
    const frameSize = horizontal(shape.direction) ? shape.frame.width : shape.frame.height;
    // Offsets grow with time: the range's first and last frames bound what it shows (with a frame to spare).
    const low = offsetAt(Math.max(0, start - 1));
    const high = offsetAt(start + frames);
    let first: number | null = null;
    let last: number | null = null;
    for (let index = 0; index < shape.count; index++) {
      // Item `index` is in view while its cell overlaps [0, frame): offset in (index·pitch, index·pitch + cell + frame).
      const enters = index * (along + shape.gap);
      const leaves = enters + along + frameSize;
      if (high <= enters || low >= leaves) continue;
      first ??= index;
      last = index;
    }
    return first === null || last === null ? null : { first, last };
  }
}
