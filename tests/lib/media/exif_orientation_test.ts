/** A JPEG's EXIF orientation read from its APP1 segment, in either byte order, and nothing read past a segment. */
import assert from "node:assert/strict";
import { exifOrientation, orientationTransform } from "../../../lib/media/exif_orientation.ts";
import { jpegWithOrientation } from "../../_support/test_video.ts";

/** A JPEG's start, its APP1 of `exif`, and a frame header of 320x180. */
function jpeg(exif: number[]): Uint8Array {
  const app1 = [0xff, 0xe1, (exif.length + 2) >> 8, (exif.length + 2) & 0xff, ...exif];
  const sof = [0xff, 0xc0, 0, 17, 8, 0, 180, 1, 64, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return new Uint8Array([0xff, 0xd8, ...app1, ...sof, 0xff, 0xd9]);
}

/** "Exif\0\0", a little-endian TIFF header and one IFD of one entry: the orientation, a SHORT. */
function littleEndian(orientation: number): number[] {
  return [
    0x45,
    0x78,
    0x69,
    0x66,
    0,
    0,
    0x49,
    0x49,
    42,
    0,
    8,
    0,
    0,
    0,
    1,
    0,
    0x12,
    0x01,
    3,
    0,
    1,
    0,
    0,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
}

Deno.test("exifOrientation() reads the orientation in either byte order, and the stored size", () => {
  for (const orientation of [2, 3, 4, 5, 6, 7, 8]) {
    assert.deepEqual(exifOrientation(jpeg(littleEndian(orientation))), {
      orientation,
      width: 320,
      height: 180,
    });
    const big = jpegWithOrientation(jpeg([0x41, 0x42]), orientation);
    assert.equal(exifOrientation(big)?.orientation, orientation);
  }
  assert.equal(exifOrientation(jpeg(littleEndian(1))), null, "upright: nothing to turn");
  assert.equal(exifOrientation(jpeg([])), null, "no EXIF");
});

Deno.test("exifOrientation() reads nothing past its segment: a cut APP1 or an IFD beyond it is no orientation", () => {
  const whole = littleEndian(6);
  assert.equal(exifOrientation(jpeg(whole.slice(0, 20))), null, "the entry cut off");
  const far = [...whole];
  far[10] = 200; // the IFD's offset past the segment
  assert.equal(exifOrientation(jpeg(far)), null);
  const file = jpeg(whole);
  assert.equal(exifOrientation(file.subarray(0, 30)), null, "the file cut inside its APP1");
});

Deno.test("orientationTransform() maps the stored corners to the shown frame's", () => {
  // Where the stored top-left corner (0, 0) and top-right (w, 0) land, for a 320x180 image.
  const apply = (matrix: string, [x, y]: [number, number]) => {
    const [a, b, c, d, e, f] = matrix.slice(7, -1).split(" ").map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return [a * x + c * y + e, b * x + d * y + f];
  };
  const expected: Record<number, [number[], number[], number, number]> = {
    2: [[320, 0], [0, 0], 320, 180],
    3: [[320, 180], [0, 180], 320, 180],
    4: [[0, 180], [320, 180], 320, 180],
    5: [[0, 0], [0, 320], 180, 320],
    6: [[180, 0], [180, 320], 180, 320],
    7: [[180, 320], [180, 0], 180, 320],
    8: [[0, 320], [0, 0], 180, 320],
  };
  for (const [orientation, [topLeft, topRight, width, height]] of Object.entries(expected)) {
    const turned = orientationTransform({ orientation: Number(orientation), width: 320, height: 180 });
    assert.deepEqual(apply(turned.matrix, [0, 0]), topLeft, `orientation ${orientation}`);
    assert.deepEqual(apply(turned.matrix, [320, 0]), topRight, `orientation ${orientation}`);
    assert.deepEqual([turned.width, turned.height], [width, height]);
  }
});
