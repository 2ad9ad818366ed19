/**
 * Encoding stills for {@linkcode stillStream}: one ffmpeg (libx264) pass over the images, each as an IDR picture
 * in High profile with CAVLC (so skipped pictures can be written by hand) and one reference frame.
 * @module
 */
import type { FfmpegPaths } from "../../core/ffmpeg_paths.ts";
import { runFfmpeg } from "../ffmpeg.ts";
import { h264Level } from "./h264_level.ts";
import { type EncodedStills, readStills } from "./still_stream.ts";

/** The x264 settings of stills: part of the keys of the steps that encode them. */
export const STILL_ENCODING = {
  codec: "libx264",
  preset: "ultrafast",
  crf: 18,
  params: "scenecut=0:bframes=0:cabac=0:8x8dct=1:weightp=0",
} as const;

/** Options for {@linkcode encodeStills}. */
export interface EncodeStillsOptions {
  /** The frame rate the stream will play at (written into the stream's timing information). */
  fps: number;
  /** The pictures' size, for the level. */
  width: number;
  height: number;
  /** A folder for the encoder's input links. */
  scratchDir: string;
  /** The Annex-B stream to write (its IDR pictures are the stills; {@linkcode readStills} reads them). */
  output: string;
  /** Kills ffmpeg. */
  signal?: AbortSignal;
}

/**
 * Encodes images (all of one size) as stills, and checks the stream can be read back as one still per image.
 *
 * @param ffmpeg The binaries.
 * @param images Image files (PNG or JPEG), in order.
 * @param options Frame rate, size, scratch folder, signal.
 * @returns The stills, in the order of `images`.
 * @throws {ProcessError} When ffmpeg fails.
 *
 * @example
 * ```ts
 * import { encodeStills } from "./encode_stills.ts";
 * // const stills = await encodeStills(ffmpeg, ["a.png", "b.png"], { fps: 30, width: 1920, height: 1080, scratchDir, output });
 * ```
 */
export async function encodeStills(
  ffmpeg: FfmpegPaths,
  images: readonly string[],
  options: EncodeStillsOptions,
): Promise<EncodedStills> {
  const { fps, scratchDir, output, signal } = options;
  for (const [i, image] of images.entries()) {
    await Deno.symlink(image, `${scratchDir}/still-${String(i).padStart(6, "0")}.png`);
  }
  await runFfmpeg(ffmpeg, [
    // Each image is read at half the rate and shown twice: an IDR, then a P picture, so that the encoder allows a
    // reference frame (the P pictures are dropped); decoding and converting each image once.
    "-framerate",
    `${fps}/2`,
    "-i",
    `${scratchDir}/still-%06d.png`,
    "-vf",
    // BT.709, tagged as such: what players assume of HD video, so colours come out as the slide has them.
    `scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,fps=${fps}`,
    "-colorspace",
    "bt709",
    "-color_primaries",
    "bt709",
    "-color_trc",
    "bt709",
    "-color_range",
    "tv",
    "-c:v",
    STILL_ENCODING.codec,
    "-preset",
    STILL_ENCODING.preset,
    "-crf",
    String(STILL_ENCODING.crf),
    "-profile:v",
    "high",
    "-x264-params",
    `keyint=2:min-keyint=2:${STILL_ENCODING.params}:level=${h264Level(options)}`,
    "-threads",
    "1",
    "-f",
    "h264",
    output,
  ], { signal });
  const stills = readStills(await Deno.readFile(output));
  if (stills.stills.length !== images.length) {
    throw new Error(`Encoding ${images.length} stills gave ${stills.stills.length} pictures`);
  }
  return stills;
}
