/**
 * Stills encoded by libx264 in this thread (see `libx264.ts`), the PNGs decoded here: what `encodeStills`' ffmpeg
 * pass makes, without the process. Its own module, loaded by the stills step when it runs: the planner, which reads
 * the stills' settings from `encode_stills.ts`, never loads the decoder (nor node:zlib) on the main thread.
 * @module
 */
import { isPng, PngDecoder } from "../png_decoder.ts";
import { type EncodeStillsOptions, STILL_ENCODING } from "./encode_stills.ts";
import { h264Level } from "./h264_level.ts";
import { X264Encoder, type X264Settings } from "./libx264.ts";
import { type EncodedStills, readStills } from "./still_stream.ts";
import { rgbToYuv420 } from "./yuv420.ts";

/**
 * Encodes images as stills with libx264 in this thread (see `libx264.ts`): each PNG decoded here, converted to YUV
 * 4:2:0 as ffmpeg's `scale` filter would, and encoded twice as ffmpeg's pass does (an IDR, then a P picture that is
 * dropped), so that the stream and its parameter sets are those of `encodeStills`. Writes the stream to
 * `options.output` as that does.
 *
 * @param library The libx264 file (see `findLibx264`).
 * @param images PNG files, all of `options`' size, in order.
 * @param options Frame rate, size, output, signal (captions are not burned here).
 * @returns The stills in order, or null where an image is not an 8-bit RGB(A) PNG of the size with even sides (then
 * `encodeStills` does; the images decide it, so a key always gets the same encoder).
 * @throws {RangeError} When an image is a broken PNG (naming it).
 * @throws {Error} When the library cannot be used here or x264 fails (naming the library or the image), or the
 * signal's reason when aborted.
 *
 * @example
 * ```ts
 * import { encodeStillsInProcess } from "./encode_stills_in_process.ts";
 * // const stills = await encodeStillsInProcess(findLibx264()!, ["a.png"], { fps: 30, width: 1920, height: 1080, output });
 * ```
 */
export async function encodeStillsInProcess(
  library: string,
  images: readonly string[],
  options: Pick<EncodeStillsOptions, "fps" | "width" | "height" | "output" | "signal">,
): Promise<EncodedStills | null> {
  const { width, height, signal } = options;
  if (width % 2 !== 0 || height % 2 !== 0 || images.length === 0) return null;
  const buffers = takeBuffers(width, height);
  const encoder = X264Encoder.open(library, stillX264Settings(options));
  try {
    const { planes, decoder } = buffers;
    for (const image of images) {
      signal?.throwIfAborted();
      const bytes = await Deno.readFile(image, { signal });
      const decoded = isPng(bytes) ? decodeNamed(decoder, bytes, image) : null;
      if (decoded === null || decoded.width !== width || decoded.height !== height) return null;
      rgbToYuv420(decoded, planes);
      try {
        encoder.encode(planes, { idr: true });
        encoder.encode(planes, { idr: false });
      } catch (error) {
        throw new Error(`Cannot encode the image ${image}: ${(error as Error).message}`, { cause: error });
      }
    }
    const stream = encoder.finish();
    const stills = readStills(stream);
    if (stills.stills.length !== images.length) {
      throw new Error(
        `Encoding ${images.length} stills into ${options.output} gave ${stills.stills.length} pictures`,
      );
    }
    await Deno.writeFile(options.output, stream, { signal });
    return stills;
  } finally {
    encoder.close();
    giveBack(buffers);
  }
}

/** A decoder and room for YUV planes, kept between steps. */
interface StillBuffers {
  decoder: PngDecoder;
  /** Room for the planes of an image up to its length / 1.5 pixels. */
  room: Uint8Array;
}

/**
 * The largest images whose buffers are kept between steps: a 1080p frame's (12–17 MB of decoded rows and pixels,
 * RGB or RGBA, and 3 MB of planes). Fresh buffers cost more than the work here: a stills step of twelve 1080p
 * slides touched 15 MB of new pages, ~3,800 page faults (20 µs each on a virtual machine).
 */
const KEPT_PIXELS = 1920 * 1080;
/** The decoder's buffers for an RGBA image of {@linkcode KEPT_PIXELS} (rows with their filter bytes, pixels). */
const KEPT_DECODER_BYTES = 2 * KEPT_PIXELS * 4 + 1920;
/** This thread's kept buffers, or null while a step uses them (a step running meanwhile makes its own). */
let kept: StillBuffers | null = null;

/** The kept buffers, or fresh ones, with YUV 4:2:0 planes of `width` × `height` (even sides) in their room. */
function takeBuffers(
  width: number,
  height: number,
): StillBuffers & { planes: { y: Uint8Array; u: Uint8Array; v: Uint8Array } } {
  const size = width * height;
  const buffers = kept ?? { decoder: new PngDecoder(), room: new Uint8Array(0) };
  kept = null;
  // The decoder keeps its own buffers, grown to the largest image it has read.
  if (buffers.room.length < size * 1.5) buffers.room = new Uint8Array(size * 1.5);
  const { room } = buffers;
  return {
    ...buffers,
    planes: {
      y: room.subarray(0, size),
      u: room.subarray(size, size * 1.25),
      v: room.subarray(size * 1.25, size * 1.5),
    },
  };
}

/** Keeps the buffers for the next step, unless an image larger than a 1080p frame grew them. */
function giveBack(buffers: StillBuffers): void {
  if (buffers.room.length <= KEPT_PIXELS * 1.5 && buffers.decoder.capacity <= KEPT_DECODER_BYTES) {
    kept = { decoder: buffers.decoder, room: buffers.room };
  }
}

/** Decodes a PNG; a broken one fails naming its file. */
function decodeNamed(decoder: PngDecoder, bytes: Uint8Array, path: string) {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new RangeError(`Cannot read the image ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The x264 settings of `stillEncoderArgs` for the in-process encoder: the same preset, CRF, profile,
 * options and colour tags, by x264's names.
 *
 * @param options The size and frame rate.
 * @returns The settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stillX264Settings } from "./encode_stills_in_process.ts";
 * assert.equal(stillX264Settings({ width: 64, height: 36, fps: 30 }).profile, "high");
 * ```
 */
export function stillX264Settings(options: { width: number; height: number; fps: number }): X264Settings {
  const params = `keyint=2:min-keyint=2:${STILL_ENCODING.params}:level=${h264Level(options)}`;
  return {
    width: options.width,
    height: options.height,
    fps: options.fps,
    preset: STILL_ENCODING.preset,
    profile: "high",
    options: [
      ["crf", String(STILL_ENCODING.crf)],
      ...params.split(":").map((pair) => pair.split("=") as [string, string]),
      ["colorprim", "bt709"],
      ["transfer", "bt709"],
      ["colormatrix", "bt709"],
      ["fullrange", "off"],
      ["sar", "1:1"],
    ],
  };
}
