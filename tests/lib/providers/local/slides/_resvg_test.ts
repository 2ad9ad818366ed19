/**
 * borrowPixels() gives a rendered image's pixels as resvg holds them, byte for byte what `image.pixels` copies out,
 * for each image in turn, and without the copy (a view into resvg's memory, not an array of the image's size).
 */
import assert from "node:assert/strict";
import { Resvg } from "@resvg/resvg-wasm";
import { borrowPixels, ensureResvg } from "../../../../../lib/providers/local/slides/_resvg.ts";

/** A `width × height` picture: a colour filled, and a diagonal of another so that no two rows are alike. */
function svg(width: number, height: number, fill: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="${width}" height="${height}" fill="${fill}"/>` +
    `<path d="M0 0 L${width} ${height}" stroke="#ff8000" stroke-width="3"/></svg>`;
}

Deno.test("borrowPixels: the pixels resvg rendered, read in place, image after image", async () => {
  await ensureResvg();
  for (
    const [width, height, fill] of [[64, 36, "#123456"], [37, 50, "#fedcba"], [64, 36, "#00ff00"]] as const
  ) {
    const image = new Resvg(svg(width, height, fill)).render();
    try {
      const borrowed = borrowPixels(image);
      assert.equal(borrowed.length, width * height * 4);
      assert.ok(borrowed.buffer.byteLength > borrowed.length, "a view into resvg's memory, not a copy");
      assert.deepEqual(new Uint8Array(borrowed), image.pixels, `${width}×${height} ${fill}`);
      const fillRgb = [1, 3, 5].map((at) => parseInt(fill.slice(at, at + 2), 16));
      const corner = (width - 1) * 4; // the top right pixel, away from the diagonal
      assert.deepEqual([...borrowed.subarray(corner, corner + 3)], fillRgb);
    } finally {
      image.free();
    }
  }
});
