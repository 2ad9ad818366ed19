/**
 * Reads a slide's background image and checks it is a whole PNG or JPEG before resvg sees it (resvg skips an image
 * it cannot decode without saying so).
 * @module
 */
import { Buffer } from "node:buffer";
import { InputError } from "../../../core/errors.ts";
import { exifOrientation } from "../../../media/exif_orientation.ts";
import { imageProblem } from "../../../media/image_problem.ts";
import { sniffImage } from "../../../media/sniff_media.ts";
import type { SvgImage } from "./_svg.ts";

/**
 * Reads `path` as an SVG image: a `data:` URI for an `<image>`, and how to turn it (a JPEG's EXIF orientation).
 *
 * @throws {InputError} When the file is missing, is not a PNG or JPEG, or is truncated or corrupt.
 */
export async function readSlideImage(path: string, signal?: AbortSignal): Promise<SvgImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path, { signal });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new InputError(`Cannot read the slide image ${path}: no such file`, { where: path, cause: error });
  }
  const mime = sniffImage(bytes) === "png" ? "image/png" : "image/jpeg";
  // Checked whole at load (pixels inflated too); here the chunks and segments again, in case the file changed.
  const problem = imageProblem(bytes, { pixels: false, slide: true });
  if (problem === "not a PNG or JPEG image") {
    throw new InputError(`Cannot use ${path} as a slide image: it is not a PNG or JPEG file`, {
      where: path,
    });
  }
  if (problem !== null) {
    throw new InputError(`Cannot use ${path} as a slide image: ${problem}`, { where: path });
  }
  return {
    uri: `data:${mime};base64,${
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")
    }`,
    turn: exifOrientation(bytes),
  };
}
