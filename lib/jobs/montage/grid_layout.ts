/**
 * The geometry of a grid: rows × cols cells of one size with gaps between them and around them, centred in the
 * frame; without rows and cols given, the shape that gives 16:9 items the most room.
 * @module
 */
import type { Rect } from "./montage_schema.ts";

/** A grid's shape and its cells. */
export interface GridLayout {
  rows: number;
  cols: number;
  /** One cell per item, row by row; sizes and positions even. */
  cells: Rect[];
}

/**
 * A grid that cannot be laid out: its shape holds too few cells (`count`), or its cells would be under 2 px
 * (`size`).
 */
export class GridLayoutError extends RangeError {
  constructor(message: string, readonly reason: "count" | "size") {
    super(message);
    this.name = "GridLayoutError";
  }
}

/** The even number at or under `value`. */
const evenDown = (value: number) => Math.floor(value / 2) * 2;

/**
 * Lays out `count` cells in a frame.
 *
 * @param count How many items.
 * @param options The frame, the gap, and rows or cols when given (null to choose).
 * @returns The shape and the cells.
 * @throws {GridLayoutError} When the given rows × cols cannot hold `count` items, or the cells would be under 2 px.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gridLayout } from "./grid_layout.ts";
 * const grid = gridLayout(4, { frame: { width: 320, height: 180 }, gap: 10, rows: null, cols: null });
 * assert.deepEqual([grid.rows, grid.cols], [2, 2]);
 * assert.deepEqual(grid.cells[3], { x: 164, y: 94, width: 144, height: 74 });
 * ```
 */
export function gridLayout(
  count: number,
  options: {
    frame: { width: number; height: number };
    gap: number;
    rows: number | null;
    cols: number | null;
  },
): GridLayout {
  const { frame, gap } = options;
  const [rows, cols] = shape(count, options);
  if (rows * cols < count) {
    throw new GridLayoutError(`${rows} × ${cols} cells cannot hold ${count} items`, "count");
  }
  const width = Math.max(2, evenDown((frame.width - (cols + 1) * gap) / cols));
  const height = Math.max(2, evenDown((frame.height - (rows + 1) * gap) / rows));
  if (frame.width - (cols + 1) * gap < 2 * cols || frame.height - (rows + 1) * gap < 2 * rows) {
    throw new GridLayoutError(
      `${rows} × ${cols} cells with ${gap} px gaps do not fit in ${frame.width}×${frame.height}`,
      "size",
    );
  }
  // A margin is the gap at least (the cells' sizes leave that much), 0 with no gap: cells that fill the frame start at
  // its edge, or they would run past it.
  const left = Math.max(gap, evenDown((frame.width - cols * width - (cols - 1) * gap) / 2));
  const top = Math.max(gap, evenDown((frame.height - rows * height - (rows - 1) * gap) / 2));
  const cells: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / cols);
    const col = i % cols;
    cells.push({ x: left + col * (width + gap), y: top + row * (height + gap), width, height });
  }
  return { rows, cols, cells };
}

function shape(
  count: number,
  options: {
    frame: { width: number; height: number };
    gap: number;
    rows: number | null;
    cols: number | null;
  },
): [number, number] {
  const { rows, cols, frame, gap } = options;
  if (rows !== null && cols !== null) return [rows, cols];
  if (rows !== null) return [rows, Math.ceil(count / rows)];
  if (cols !== null) return [Math.ceil(count / cols), cols];
  // The columns that give a 16:9 item the largest area.
  let best: [number, number] = [count, 1];
  let bestArea = -1;
  for (let c = 1; c <= count; c++) {
    const r = Math.ceil(count / c);
    const width = (frame.width - (c + 1) * gap) / c;
    const height = (frame.height - (r + 1) * gap) / r;
    const itemWidth = Math.min(width, (height * 16) / 9);
    if (itemWidth > bestArea) {
      bestArea = itemWidth;
      best = [r, c];
    }
  }
  return best;
}
