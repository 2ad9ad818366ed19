/**
 * Encoding stills for {@linkcode stillStream}: each image as an IDR picture in High profile with CAVLC (so skipped
 * pictures can be written by hand) and one reference frame, by libx264: in-process where the library can be opened
 * and the images are plain PNGs (`encode_stills_in_process.ts`), else in one ffmpeg pass ({@linkcode encodeStills}).
 * Both give the same parameter sets.
 * @module
 */
import { BT709_TAGS } from "../video_encoder.ts";
import type { FfmpegPaths } from "../../core/ffmpeg_paths.ts";
import { runFfmpeg } from "../ffmpeg.ts";
import { captionFontsEnv } from "../libass_fonts.ts";
import { assFrameCentiseconds, type AssOptions, formatAss } from "../ass_subtitles.ts";
import type { CaptionStyle } from "../caption_placement.ts";
import { escapeFilterOption } from "../escape_filter_option.ts";
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
  /** Captions to burn, one text (or null) per image, drawn as `formatAss` places them; none when absent. */
  captions?: BurnedCaptions | null;
  /** Kills ffmpeg. */
  signal?: AbortSignal;
}

/** Captions burned into pictures: each picture's text and how all of them look. */
export interface BurnedCaptions {
  /** One per picture: its lines joined by `\n`, or null for none. */
  texts: readonly (string | null)[];
  /** The look, the longest line (for the font size) and the font's folder. */
  style: CaptionStyle;
  maxLineLength: number;
  fontsDir: string;
  /** The font of each word of joining letters that the caption font lacks a letter of (see `AssOptions`). */
  wordFonts?: AssOptions["wordFonts"];
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
  const burn = options.captions
    ? await captionFilter(options.captions, { ...options, count: images.length })
    : "";
  for (const [i, image] of images.entries()) {
    await Deno.symlink(image, `${scratchDir}/still-${String(i).padStart(6, "0")}.png`);
  }
  await runFfmpeg(ffmpeg, [
    // Each image is read at half the rate and shown twice: an IDR, then a P picture, so that the encoder allows a
    // reference frame (the P pictures are dropped); decoding and converting each image once.
    "-framerate",
    `${fps}/2`,
    "-i",
    // A numbered pattern: a "%" of the folder's own (a store under "100% done/") is written "%%".
    `${scratchDir.replaceAll("%", "%%")}/still-%06d.png`,
    "-vf",
    // BT.709, tagged as such: what players assume of HD video, so colours come out as the slide has them.
    // Square pixels, said in the SPS as the clips' encodes say it, so that both join in one stream.
    `${burn}scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,setsar=1,fps=${fps}`,
    ...stillEncoderArgs({ ...options, keyint: 2 }),
    "-f",
    "h264",
    output,
  ], {
    signal,
    env: options.captions ? await captionFontsEnv(scratchDir, options.captions.fontsDir) : undefined,
  });
  const stills = readStills(await Deno.readFile(output));
  if (stills.stills.length !== images.length) {
    throw new Error(`Encoding ${images.length} stills gave ${stills.stills.length} pictures`);
  }
  return stills;
}

/**
 * Writes an ASS script that shows picture `i`'s text on picture `i` alone, and returns the `subtitles` filter that
 * burns it. The images are read at `fps / 2`, so picture `i` is at `i · 2 / fps` s; each text lasts the centisecond
 * libass sees its picture at (see `assFrameCentiseconds`).
 */
async function captionFilter(
  captions: BurnedCaptions,
  options: { fps: number; width: number; height: number; scratchDir: string; count: number },
): Promise<string> {
  if (captions.texts.length !== options.count) {
    throw new RangeError(`Expected a caption or null for each of ${options.count} pictures`);
  }
  const cues = captions.texts.flatMap((text, i) => {
    if (text === null) return [];
    // `1 / (fps / 2)` is the double `2 / fps` is: division is rounded once, from the same number.
    const centiseconds = assFrameCentiseconds(i, options.fps / 2);
    return [{ start: centiseconds / 100, end: (centiseconds + 1) / 100, text }];
  });
  const path = `${options.scratchDir}/captions.ass`;
  await Deno.writeTextFile(path, formatAss(cues, { ...options, ...captions }));
  return `subtitles=filename=${escapeFilterOption(path)}:fontsdir=${escapeFilterOption(captions.fontsDir)},`;
}

/**
 * The output options every picture of a lesson is encoded with (stills, transitions, moves), so that all of them
 * share one SPS and PPS and can be joined in one stream: BT.709 tags, x264 in High profile with CAVLC, no B-frames,
 * one reference frame, an IDR every `keyint` frames.
 *
 * @param options The size and frame rate (for the level) and the keyframe interval.
 * @returns ffmpeg's output options, before the output's format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stillEncoderArgs } from "./encode_stills.ts";
 * assert.ok(stillEncoderArgs({ width: 64, height: 36, fps: 30, keyint: 60 }).includes("high"));
 * ```
 */
export function stillEncoderArgs(
  options: { width: number; height: number; fps: number; keyint: number },
): string[] {
  return [
    ...BT709_TAGS,
    "-c:v",
    STILL_ENCODING.codec,
    "-preset",
    STILL_ENCODING.preset,
    "-crf",
    String(STILL_ENCODING.crf),
    "-profile:v",
    "high",
    "-x264-params",
    `keyint=${options.keyint}:min-keyint=${options.keyint}:${STILL_ENCODING.params}:level=${
      h264Level(options)
    }`,
    "-threads",
    "1",
  ];
}
