/**
 * Encoding the stretches of a stills video that move: a transition between two pictures (ffmpeg's `xfade`) or a
 * slow pan and zoom over one (`perspective`, placed to a fraction of a pixel), under a band that stays where it is (`overlay`), with the same encoder
 * settings as the stills so that the clip's pictures join the stills' stream as they are (see
 * `stillEncoderArgs`).
 * @module
 */
import type { FfmpegPaths } from "../../core/ffmpeg_paths.ts";
import type { Cue } from "../captions.ts";
import { runFfmpeg } from "../ffmpeg.ts";
import { captionFontsEnv } from "../libass_fonts.ts";
import { escapeFilterOption } from "../escape_filter_option.ts";
import { assFrameCentiseconds, formatAss } from "../ass_subtitles.ts";
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

/** Options for {@linkcode encodeClips}. */
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
  /** Pixels of pictures one ffmpeg holds at most. @default CLIP_BATCH_PIXELS */
  batchPixels?: number;
  signal?: AbortSignal;
}

/**
 * The filter chain that makes one side of a clip: `frames` frames of the picture from `offset` in its part, each
 * frame's view interpolated along the move (held at its ends outside the part), or the picture repeated; with a
 * band, the band laid over every frame where it is, in RGB (`gbrp`, the band `gbrap`: no chroma is subsampled at
 * its edges before the clip is encoded).
 *
 * @param side The picture, its move, its band and where the clip starts in its part.
 * @param options The input's label (and the band's, when the side has a band), the clip's frames and rate, and the
 * output's label.
 * @returns The chain, from `[input]` (and `[band]`) to `[label]`.
 * @throws {TypeError} When the side has a band and the options no band input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sideFilter } from "./encode_clips.ts";
 * const still = { image: "a.png", band: null, motion: null, partFrames: 30, offset: 25 };
 * assert.equal(
 *   sideFilter(still, { input: "0:v", band: null, frames: 10, fps: 30, label: "a" }),
 *   "[0:v]loop=loop=9:size=1,settb=1/30,setpts=N,setsar=1,format=gbrp[a]",
 * );
 * const banded = { ...still, band: "band.png" };
 * assert.equal(
 *   sideFilter(banded, { input: "0:v", band: "1:v", frames: 10, fps: 30, label: "a" }),
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
    fps: number;
    label: string;
  },
): string {
  const { input, frames, fps, label } = options;
  if (side.band !== null && options.band === null) {
    throw new TypeError(`Cannot lay the band ${side.band} over a clip's side without the band's input`);
  }
  // Both sides of a transition must agree on time base, timestamps, pixel shape and format.
  const times = `settb=1/${fps},setpts=N,setsar=1`;
  const out = side.band === null ? label : `${label}-picture`;
  const chain = `[${input}]${pictureFilter(side, frames)},${times},format=gbrp[${out}]`;
  if (side.band === null) return chain;
  // The band is decoded and converted once, then repeated: one frame over each of the picture's.
  return `${chain};[${options.band}]format=gbrap,loop=loop=${frames - 1}:size=1,${times}[${label}-band];` +
    `[${out}][${label}-band]overlay=format=gbrp[${label}]`;
}

/** The filters that make a side's frames from its picture: the picture repeated, or its view moved. */
function pictureFilter(side: ClipPicture, frames: number): string {
  const repeated = `loop=loop=${frames - 1}:size=1`;
  if (side.motion === null) return repeated;
  const { from, to } = side.motion;
  // The view's corners on the picture, frame `in` of the clip, stretched over the whole frame with bicubic
  // interpolation: placed to a fraction of a pixel. zoompan places its window on whole pixels (at twice the size
  // too): a slow move juddered, its edge stepping on, still and back (+0.2, 0, -0.35 px a frame at 320×180).
  // perspective counts its frames (`in`) from 1, where zoompan counted them (`on`) from 0.
  const progress = `clip((${side.offset}+in-1)/${Math.max(1, side.partFrames - 1)},0,1)`;
  const along = (a: number, b: number) => `(${a}+(${b - a})*${progress})`;
  const span = (size: string) => `${size}/${along(from.zoom, to.zoom)}`;
  const left = `(${along(from.x, to.x)}*W-${span("W")}/2)`;
  const top = `(${along(from.y, to.y)}*H-${span("H")}/2)`;
  const [right, bottom] = [`(${left}+${span("W")})`, `(${top}+${span("H")})`];
  return `format=gbrp,${repeated},perspective=x0='${left}':y0='${top}':x1='${right}':y1='${top}':` +
    `x2='${left}':y2='${bottom}':x3='${right}':y3='${bottom}':interpolation=cubic:eval=frame`;
}

/**
 * Pixels of decoded pictures one ffmpeg of {@linkcode encodeClips} holds at most: four 1920×1080 slides. ffmpeg
 * decodes every input's picture before its filters start, and holds each (about 30 MB at 1920×1080, measured:
 * 384 MB for twelve): a long lesson's clips in one process would hold them all. The bench lesson with fades (11
 * a format) at two, three, four and six pictures a batch: 16.3 / 13.5 / 12.6 / 14.3 s, 516 / 577 / 623 / 736 MB
 * for the whole process tree (two runs each): four is the fastest of them.
 */
export const CLIP_BATCH_PIXELS = 4 * 1920 * 1080;

/**
 * Clips one ffmpeg of {@linkcode encodeClips} encodes at most, whatever their size: its `-force_key_frames`
 * expression has a term a clip, and ffmpeg 5.1 refuses a sum of more than 100 (each input costs threads and about
 * 2 MB besides, which the pixels do not count).
 */
export const CLIP_BATCH_CLIPS = 32;

/**
 * Cuts clips, in order, into the batches that {@linkcode encodeClips} encodes in one ffmpeg each: as many clips as
 * keep the batch's distinct pictures within {@linkcode CLIP_BATCH_PIXELS} (a moving picture counts twice: its view
 * is drawn into a frame of its own), one at least and {@linkcode CLIP_BATCH_CLIPS} at most. The batches depend on
 * the clips and the size only, so the bytes do too.
 *
 * @param clips The clips.
 * @param size Their frame size, and the pixels a batch holds at most ({@linkcode CLIP_BATCH_PIXELS} unless given).
 * @returns The batches, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipBatches } from "./encode_clips.ts";
 * const side = (image: string) => ({ image, band: null, motion: null, partFrames: 30, offset: 0 });
 * const fade = (a: string, b: string) => ({ frames: 15, from: side(a), to: side(b), transition: "fade", cues: [] });
 * const clips = ["a", "b", "c", "d", "e", "f", "g", "h"].slice(1).map((to, i) => fade("abcdefgh"[i]!, to));
 * assert.deepEqual(clipBatches(clips, { width: 1920, height: 1080 }).map((batch) => batch.length), [3, 3, 1]);
 * assert.deepEqual(clipBatches(clips, { width: 320, height: 180 }).map((batch) => batch.length), [7]);
 * const many = Array.from({ length: 40 }, () => fade("a", "b"));
 * assert.deepEqual(clipBatches(many, { width: 320, height: 180 }).map((batch) => batch.length), [32, 8]);
 * ```
 */
export function clipBatches(
  clips: readonly ClipSpec[],
  size: { width: number; height: number; batchPixels?: number },
): ClipSpec[][] {
  const budget = size.batchPixels ?? CLIP_BATCH_PIXELS;
  // Each distinct picture of a batch, by file, with its weight.
  const withPictures = (weights: ReadonlyMap<string, number>, clip: ClipSpec) => {
    const next = new Map(weights);
    for (const side of [clip.from, ...clip.to === null ? [] : [clip.to]]) {
      next.set(side.image, Math.max(next.get(side.image) ?? 0, side.motion === null ? 1 : 2));
      if (side.band !== null) next.set(side.band, 1);
    }
    return next;
  };
  const pixels = (weights: ReadonlyMap<string, number>) =>
    [...weights.values()].reduce((sum, weight) => sum + weight, 0) * size.width * size.height;
  const batches: ClipSpec[][] = [];
  let batch: ClipSpec[] = [];
  let weights = new Map<string, number>();
  for (const clip of clips) {
    let next = withPictures(weights, clip);
    if (batch.length === CLIP_BATCH_CLIPS || (batch.length > 0 && pixels(next) > budget)) {
      batches.push(batch);
      batch = [];
      next = withPictures(new Map(), clip);
    }
    weights = next;
    batch.push(clip);
  }
  batches.push(batch);
  return batches;
}

/**
 * Encodes clips one after another into one stream, each starting with an IDR (its GOPs as its own encode's), in as few
 * ffmpeg processes as {@linkcode clipBatches} allows: a picture that two clips of a batch share (a transition's
 * second side and the next clip's first) is read once. One process a clip paid a start, the caption fonts'
 * loading and its pictures' decoding each time: a lesson's transitions at 1920×1080 took a third more CPU so.
 *
 * @param ffmpeg The binaries.
 * @param clips What to encode, in order (one at least).
 * @param options Rate, size, GOP, captions' look, scratch folder, output.
 * @throws {ProcessError} When ffmpeg fails.
 * @throws {RangeError} When there is no clip.
 *
 * @example
 * ```ts
 * import { encodeClips } from "./encode_clips.ts";
 * // await encodeClips(ffmpeg, [{ frames: 15, from, to, transition: "fade", cues: [] }], { fps: 30, width, height, gop: 60, captions: null, scratchDir, output });
 * ```
 */
export async function encodeClips(
  ffmpeg: FfmpegPaths,
  clips: readonly ClipSpec[],
  options: EncodeClipOptions,
): Promise<void> {
  if (clips.length === 0) throw new RangeError("No clip to encode");
  const batches = clipBatches(clips, options);
  if (batches.length === 1) return await encodeBatch(ffmpeg, clips, { ...options, name: "clips" });
  const output = await Deno.open(options.output, { write: true, create: true, truncate: true });
  try {
    for (const [b, batch] of batches.entries()) {
      const part = `${options.scratchDir}/clips-${b}.h264`;
      await encodeBatch(ffmpeg, batch, { ...options, name: `clips-${b}`, output: part });
      const bytes = await Deno.readFile(part);
      for (let written = 0; written < bytes.length;) written += await output.write(bytes.subarray(written));
      await Deno.remove(part);
    }
  } finally {
    output.close();
  }
}

/** Encodes clips into one stream in one ffmpeg (see {@linkcode encodeClips}); `name` names its scratch files. */
async function encodeBatch(
  ffmpeg: FfmpegPaths,
  clips: readonly ClipSpec[],
  options: EncodeClipOptions & { name: string },
): Promise<void> {
  const { fps, width, height } = options;
  // Each file is one input, split when several chains read it.
  const inputs: string[] = [];
  const reads: number[] = [];
  const inputOf = (file: string) => {
    let index = inputs.indexOf(file);
    if (index < 0) index = inputs.push(file) - 1;
    reads[index] = (reads[index] ?? 0) + 1;
    return index;
  };
  const planned = clips.map((clip) =>
    [clip.from, ...clip.to === null ? [] : [clip.to]].map((side) => ({
      side,
      image: inputOf(side.image),
      band: side.band === null ? null : inputOf(side.band),
    }))
  );
  const taken = inputs.map(() => 0);
  const label = (index: number) => reads[index] === 1 ? `${index}:v` : `in${index}-${taken[index]!++}`;
  const splits = inputs.flatMap((_, index) =>
    reads[index] === 1
      ? []
      : [`[${index}:v]split=${reads[index]}${
        Array.from({ length: reads[index]! }, (_, i) => `[in${index}-${i}]`).join("")
      }`]
  );
  const chains = clips.map((clip, c) => {
    const sides = planned[c]!.map((use, i) =>
      sideFilter(use.side, {
        input: label(use.image),
        band: use.band === null ? null : label(use.band),
        frames: clip.frames,
        fps,
        label: `c${c}s${i}`,
      })
    );
    const joined = clip.to === null
      ? `[c${c}s0]null`
      : `[c${c}s0][c${c}s1]xfade=transition=${clip.transition}:duration=${clip.frames / fps}:offset=0`;
    return `${sides.join(";")};${joined},trim=end_frame=${clip.frames}[c${c}]`;
  });
  // One timeline of frames: clip c starts at frame starts[c], and its cues with it.
  const starts: number[] = [];
  let total = 0;
  for (const clip of clips) {
    starts.push(total);
    total += clip.frames;
  }
  const cues = clips.flatMap((clip, c) =>
    clip.cues.map((cue) => ({
      ...cue,
      start: assFrameCentiseconds(starts[c]! + Math.round(cue.start * fps), fps) / 100,
      end: assFrameCentiseconds(starts[c]! + Math.round(cue.end * fps), fps) / 100,
    }))
  );
  let burn = "";
  if (options.captions !== null && cues.length > 0) {
    const path = `${options.scratchDir}/${options.name}-captions.ass`;
    await Deno.writeTextFile(path, formatAss(cues, { width, height, ...options.captions }));
    burn = `,subtitles=filename=${escapeFilterOption(path)}:fontsdir=${
      escapeFilterOption(options.captions.fontsDir)
    }`;
  }
  const labels = clips.map((_, c) => `[c${c}]`).join("");
  const tail = `${labels}concat=n=${clips.length}:v=1:a=0,settb=1/${fps},setpts=N${burn},` +
    `scale=out_color_matrix=bt709:out_range=tv,format=yuv420p[clip]`;
  await runFfmpeg(ffmpeg, [
    ...inputs.flatMap((input) => ["-framerate", String(fps), "-i", input]),
    "-filter_complex",
    [...splits, ...chains, tail].join(";"),
    "-map",
    "[clip]",
    "-frames:v",
    String(total),
    "-r",
    String(fps),
    ...stillEncoderArgs({ width, height, fps, keyint: options.gop }),
    // Each clip from an IDR; x264 counts its GOP from there. (Its rate control carries on across them: a clip's
    // bytes depend on the clips before it in the batch, which depend on the key alone.)
    "-force_key_frames",
    `expr:${starts.map((start) => `eq(n,${start})`).join("+")}`,
    "-forced-idr",
    "1",
    "-f",
    "h264",
    options.output,
  ], {
    signal: options.signal,
    // libass draws with the keyed fonts only (see `libass_fonts.ts`).
    env: burn === "" ? undefined : await captionFontsEnv(options.scratchDir, options.captions!.fontsDir),
  });
}
