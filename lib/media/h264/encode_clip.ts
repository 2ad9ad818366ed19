/**
 * Encoding the stretches of a stills video that move: a transition between two pictures (ffmpeg's `xfade`) or a
 * slow pan and zoom over one (`zoompan`), under a band that stays where it is (`overlay`), with the same encoder
 * settings as the stills so that the clip's pictures join the stills' stream as they are (see
 * `stillEncoderArgs`).
 * @module
 */
import type { FfmpegPaths } from "../../core/ffmpeg_paths.ts";
import type { Cue } from "../captions.ts";
import { runFfmpeg } from "../ffmpeg.ts";
import { captionFontsEnv } from "../libass_fonts.ts";
import { escapeFilterOption } from "../escape_filter_option.ts";
import { formatAss } from "../ass_subtitles.ts";
import type { BurnedCaptions } from "./encode_stills.ts";
import { stillEncoderArgs } from "./encode_stills.ts";

/** A view of a picture: its zoom and its centre, as shares of the width and height. */
export interface ClipView {
  zoom: number;
  x: number;
  y: number;
}

/** One side of a clip: a picture, still or moving, and where the clip's first frame is in its part. */
export interface ClipPicture {
  /** The image (of the clip's size). */
  image: string;
  /**
   * An image with alpha (of the clip's size) laid over every frame of the side, unmoved, or null: a moving
   * picture's caption band, which stays where it is while the picture under it moves.
   */
  band: string | null;
  /** A move from one view to another over the part's frames, or null for a still picture. */
  motion: { from: ClipView; to: ClipView } | null;
  /** The part's frames (the move's length) and the part's frame at the clip's first frame. */
  partFrames: number;
  offset: number;
}

/** What to encode. */
export interface ClipSpec {
  frames: number;
  from: ClipPicture;
  /** The picture a transition goes to, or null for one picture alone. */
  to: ClipPicture | null;
  /** `xfade`'s transition (`fade`, `slideleft`…), used when `to` is given. */
  transition: string;
  /** Captions drawn over the clip, times from its first frame. */
  cues: readonly Cue[];
}

/** Options for {@linkcode encodeClip}. */
export interface EncodeClipOptions {
  fps: number;
  width: number;
  height: number;
  /** An IDR at least every `gop` frames, as in the stills' stream. */
  gop: number;
  /** How burned captions look, or null for none. */
  captions: Omit<BurnedCaptions, "texts"> | null;
  scratchDir: string;
  /** The Annex-B stream to write. */
  output: string;
  signal?: AbortSignal;
}

/**
 * The filter chain that makes one side of a clip: `frames` frames of the picture from `offset` in its part, each
 * frame's view interpolated along the move (held at its ends outside the part), or the picture repeated; with a
 * band, the band laid over every frame where it is, in RGB (`gbrp`, the band `gbrap`: no chroma is subsampled at
 * its edges before the clip is encoded).
 *
 * @param side The picture, its move, its band and where the clip starts in its part.
 * @param options The input's label (and the band's, when the side has a band), the clip's frames, size and rate,
 * and the output's label.
 * @returns The chain, from `[input]` (and `[band]`) to `[label]`.
 * @throws {TypeError} When the side has a band and the options no band input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sideFilter } from "./encode_clip.ts";
 * const still = { image: "a.png", band: null, motion: null, partFrames: 30, offset: 25 };
 * assert.equal(
 *   sideFilter(still, { input: "0:v", band: null, frames: 10, width: 64, height: 36, fps: 30, label: "a" }),
 *   "[0:v]loop=loop=9:size=1,settb=1/30,setpts=N,setsar=1,format=gbrp[a]",
 * );
 * const banded = { ...still, band: "band.png" };
 * assert.equal(
 *   sideFilter(banded, { input: "0:v", band: "1:v", frames: 10, width: 64, height: 36, fps: 30, label: "a" }),
 *   "[0:v]loop=loop=9:size=1,settb=1/30,setpts=N,setsar=1,format=gbrp[a-picture];" +
 *     "[1:v]format=gbrap,loop=loop=9:size=1,settb=1/30,setpts=N,setsar=1[a-band];" +
 *     "[a-picture][a-band]overlay=format=gbrp[a]",
 * );
 * ```
 */
export function sideFilter(
  side: ClipPicture,
  options: {
    input: string;
    band: string | null;
    frames: number;
    width: number;
    height: number;
    fps: number;
    label: string;
  },
): string {
  const { input, frames, width, height, fps, label } = options;
  if (side.band !== null && options.band === null) {
    throw new TypeError(`Cannot lay the band ${side.band} over a clip's side without the band's input`);
  }
  // Both sides of a transition must agree on time base, timestamps, pixel shape and format.
  const times = `settb=1/${fps},setpts=N,setsar=1`;
  const out = side.band === null ? label : `${label}-picture`;
  const chain = `[${input}]${
    pictureFilter(side, { frames, width, height, fps })
  },${times},format=gbrp[${out}]`;
  if (side.band === null) return chain;
  // The band is decoded and converted once, then repeated: one frame over each of the picture's.
  return `${chain};[${options.band}]format=gbrap,loop=loop=${frames - 1}:size=1,${times}[${label}-band];` +
    `[${out}][${label}-band]overlay=format=gbrp[${label}]`;
}

/** The filters that make a side's frames from its picture: the picture repeated, or its view moved. */
function pictureFilter(
  side: ClipPicture,
  options: { frames: number; width: number; height: number; fps: number },
): string {
  const { frames, width, height, fps } = options;
  if (side.motion === null) return `loop=loop=${frames - 1}:size=1`;
  const { from, to } = side.motion;
  const progress = `clip((${side.offset}+on)/${Math.max(1, side.partFrames - 1)},0,1)`;
  const along = (a: number, b: number) => `(${a}+(${b - a})*${progress})`;
  // Twice the size first: zoompan places its window on whole pixels, so a slow move would otherwise judder.
  const zoom = along(from.zoom, to.zoom);
  return `scale=${2 * width}:${2 * height}:flags=bicubic,` +
    `zoompan=z='${zoom}':x='${along(from.x, to.x)}*iw-iw/zoom/2':y='${along(from.y, to.y)}*ih-ih/zoom/2':` +
    `d=${frames}:s=${width}x${height}:fps=${fps}`;
}

/**
 * Encodes a clip and checks it has its frames.
 *
 * @param ffmpeg The binaries.
 * @param clip What to encode.
 * @param options Rate, size, GOP, captions' look, scratch folder, output.
 * @throws {ProcessError} When ffmpeg fails.
 *
 * @example
 * ```ts
 * import { encodeClip } from "./encode_clip.ts";
 * // await encodeClip(ffmpeg, { frames: 15, from, to, transition: "fade", cues: [] }, { fps: 30, width, height, gop: 60, captions: null, scratchDir, output });
 * ```
 */
export async function encodeClip(
  ffmpeg: FfmpegPaths,
  clip: ClipSpec,
  options: EncodeClipOptions,
): Promise<void> {
  const { fps, width, height } = options;
  const frames = clip.frames;
  const sides = [clip.from, ...clip.to === null ? [] : [clip.to]];
  // The inputs: the sides' images, then their bands.
  const inputs = [...sides.map((side) => side.image), ...sides.flatMap((side) => side.band ?? [])];
  const bandInput = (i: number) =>
    `${sides.length + sides.slice(0, i).filter((side) => side.band !== null).length}:v`;
  const chains = sides.map((side, i) =>
    sideFilter(side, {
      input: `${i}:v`,
      band: side.band === null ? null : bandInput(i),
      frames,
      width,
      height,
      fps,
      label: `s${i}`,
    })
  );
  const joined = clip.to === null
    ? "[s0]"
    : `[s0][s1]xfade=transition=${clip.transition}:duration=${frames / fps}:offset=0`;
  let burn = "";
  if (options.captions !== null && clip.cues.length > 0) {
    const path = `${options.scratchDir}/clip-captions.ass`;
    await Deno.writeTextFile(path, formatAss(clip.cues, { width, height, ...options.captions }));
    burn = `,subtitles=filename=${escapeFilterOption(path)}:fontsdir=${
      escapeFilterOption(options.captions.fontsDir)
    }`;
  }
  const tail = `${clip.to === null ? "[s0]null" : joined}${burn},` +
    `scale=out_color_matrix=bt709:out_range=tv,format=yuv420p[clip]`;
  await runFfmpeg(ffmpeg, [
    ...inputs.flatMap((input) => ["-framerate", String(fps), "-i", input]),
    "-filter_complex",
    `${chains.join(";")};${tail}`,
    "-map",
    "[clip]",
    "-frames:v",
    String(frames),
    "-r",
    String(fps),
    ...stillEncoderArgs({ width, height, fps, keyint: options.gop }),
    "-f",
    "h264",
    options.output,
  ], {
    signal: options.signal,
    // libass draws with the keyed fonts only (see `libass_fonts.ts`).
    env: burn === "" ? undefined : await captionFontsEnv(options.scratchDir, options.captions!.fontsDir),
  });
}
