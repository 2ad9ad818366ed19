/** A grid's cells lie inside its frame, apart by the gap and as far from its edges, centred, for any count and gap. */
import assert from "node:assert/strict";
import { gridLayout } from "../../../../lib/jobs/montage/grid_layout.ts";

Deno.test("grid cells stay inside the frame, apart by the gap, centred, a gap of 0 included", () => {
  const frames: [number, number][] = [[128, 36], [320, 180], [1280, 720], [1080, 1920], [101, 77]];
  for (const [width, height] of frames) {
    for (const gap of [0, 1, 2, 5, 10]) {
      for (let count = 1; count <= 7; count++) {
        const grid = gridLayout(count, { frame: { width, height }, gap, rows: null, cols: null });
        const where = `${count} items in ${width}×${height}, gap ${gap}`;
        const right = Math.max(...grid.cells.map((cell) => cell.x + cell.width));
        const bottom = Math.max(...grid.cells.map((cell) => cell.y + cell.height));
        const left = Math.min(...grid.cells.map((cell) => cell.x));
        const top = Math.min(...grid.cells.map((cell) => cell.y));
        // Around the grid, the gap at least (a margin that fell under it with an odd gap: 0 for a gap of 1).
        const margins = [left, top, width - right, height - bottom];
        assert.ok(margins.every((margin) => margin >= gap), `${where}: margins ${margins}`);
        // Centred: the margins differ by less than a cell's rounding (2 px) and a gap.
        assert.ok(
          Math.abs(width - right - left) <= 2 + gap,
          `${where}: left ${left}, right ${width - right}`,
        );
        for (const cell of grid.cells.slice(1)) {
          const before = grid.cells[grid.cells.indexOf(cell) - 1]!;
          if (cell.y === before.y) assert.equal(cell.x - (before.x + before.width), gap, where);
        }
      }
    }
  }
  // Cells that fill the frame start at its edge.
  const flush = gridLayout(2, { frame: { width: 128, height: 36 }, gap: 0, rows: null, cols: null });
  assert.deepEqual(flush.cells, [{ x: 0, y: 0, width: 64, height: 36 }, {
    x: 64,
    y: 0,
    width: 64,
    height: 36,
  }]);
});
