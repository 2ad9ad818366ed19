/**
 * One montage cell as ffmpeg filters: an item fitted into its cell (whole inside it, or covering it), its caption
 * drawn in a band below, held for the run's frames when it is a still (decoded once) or played at the run's rate
 * when it is a clip.
 * @module
 */
import { escapeFilterOption } from "../../media/escape_filter_option.ts";
import { fileInput } from "../../media/ffmpeg.ts";
import { ffmpegColor } from "../../media/ffmpeg_filters.ts";
import { loopFilters, type SoundLoop } from "../../media/music_mix_filter.ts";
import { fittedTextSize } from "../../providers/local/slides/font_for_text.ts";

/**
 * How captions sit in their band, held in the params of a montage with captions (`captionLine`): on one baseline
 * (before, each was centred by its own ink). Only a grid, or a strip's chunk, that shows captions changed bytes and
 * re-keys.
 */
export const CAPTION_LINE = "baseline";

/** Capital letters' height as a share of the font's size (DejaVu Sans: 0.73 em). */
const CAP_HEIGHT = 0.73;

/** What a cell's filters need. */
export interface CellOptions {
  /** The cell's size. */
  width: number;
  height: number;
  /** Pixels at the bottom kept for captions (0 for none). */
  band: number;
  /** Whole inside the cell, or covering it. */
  fit: "contain" | "cover";
  /** The background colour, `#rrggbb`. */
  background: string;
  /** Frames per second of the run. */
  fps: number;
  /** Frames the cell must last; null for one frame (a still composed once). */
  frames: number | null;
  /** True for a still image, false for a clip. */
  still: boolean;
  /**
   * The caption: the file holding its text, the font, its colour, and how wide its text is in that font in ems
   * (`textEms`: a caption too wide for the cell is drawn smaller, to fit); or null.
   */
  caption: { textFile: string; fontFile: string; color: string; ems: number } | null;
  /** Frames of the clip's first frame held before it plays (a clip that enters mid-chunk), or 0. */
  delay: number;
  /** Frames of the looped clip dropped before the cell's first (a clip shown from later in its play), or 0. */
  skip: number;
}

/**
 * The font size of a cell's caption: 70% of its band, smaller where the caption would be wider than the cell
 * within its margins (before: cut at both edges, exit 0), 6 px at least; `fits` is false where even 6 px is too
 * wide.
 *
 * @param band The caption band's height.
 * @param width The cell's width.
 * @param ems How wide the caption is in its font, in ems (0: unknown, drawn at the band's size).
 * @returns The size in pixels, and whether the caption fits at it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionFontSize } from "./montage_cells.ts";
 * assert.deepEqual(captionFontSize(36, 160, 2), { size: 25, fits: true });
 * assert.deepEqual(captionFontSize(36, 160, 60), { size: 6, fits: false });
 * ```
 */
export function captionFontSize(band: number, width: number, ems: number): { size: number; fits: boolean } {
  const room = width - 2 * Math.max(2, Math.round(width * 0.04));
  return fittedTextSize(ems, { size: bandFontSize(band), room, least: 6 });
}

/**
 * Pixels at the bottom of each cell kept for captions: `size` of the cell's height, even, 8 at least; none when no
 * item has a caption.
 *
 * @param captioned Whether any item has a caption.
 * @param cellHeight The cell's height in pixels.
 * @param size The caption's size, a share of the cell's height (`caption.size`).
 * @returns The band's height in pixels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionBand } from "./montage_cells.ts";
 * assert.equal(captionBand(true, 100, 0.12), 12);
 * assert.equal(captionBand(true, 20, 0.12), 8);
 * assert.equal(captionBand(false, 100, 0.12), 0);
 * ```
 */
export function captionBand(captioned: boolean, cellHeight: number, size: number): number {
  return captioned ? Math.max(8, Math.round((cellHeight * size) / 2) * 2) : 0;
}

/** The caption font's size in a band of this height when it fits: 70% of it, 6 px at least. */
function bandFontSize(band: number): number {
  return Math.max(6, Math.round(band * 0.7));
}

/**
 * A step value's warnings of captions too long for their cells even at 6 px (drawn cut at the edges), or none.
 *
 * @param captions The captions cut.
 * @returns `{ warnings }`, or `{}`.
 */
export function captionWarnings(captions: readonly string[]): { warnings?: string[] } {
  if (captions.length === 0) return {};
  return {
    warnings: captions.map((caption) =>
      `the caption "${caption}" is too long for its cell even at 6 px: it is cut at the edges`
    ),
  };
}

/**
 * From the colours a montage is drawn in to those it is written in: its cells, gaps and background are drawn in
 * BT.601 (ffmpeg 5.1's `pad`, `xstack` and `color` turn an RGB colour into YUV by BT.601 whatever a frame says),
 * and the video is BT.709, as every video reel writes (fi12: untagged BT.601). Primaries and transfer are left as
 * they are (`fast`): only the matrix differs.
 */
export const TO_BT709 = "colorspace=all=bt709:iall=bt601-6-625:range=tv:irange=tv:fast=1";

/**
 * The filters from input `input` to the cell labelled `[label]`.
 *
 * @param input The item's input index.
 * @param label The output label.
 * @param options The cell.
 * @returns A filtergraph chain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellFilters } from "./montage_cells.ts";
 * const chain = cellFilters(0, "c0", {
 *   width: 100, height: 60, band: 0, fit: "contain", background: "#000000", fps: 30, frames: null, still: true,
 *   caption: null, delay: 0, skip: 0,
 * });
 * assert.match(chain, /^color=c=0x000000:s=100x60:r=30,trim=end_frame=1,format=rgba\[bc0\];\[0:v\]scale=100:60/);
 * ```
 */
export function cellFilters(input: number, label: string, options: CellOptions): string {
  const { width, height, band, fps, frames } = options;
  const color = ffmpegColor(options.background);
  const area = height - band;
  const chain: string[] = [];
  // A still is one picture: scaled as it is, then laid on the cell's background, where its transparent pixels show
  // it (fi12: 4:2:0 first turned them black, and a picture 1 px wide lost its colour to the halved chroma). A
  // clip goes into 4:2:0 first (every later buffer of its frames half the size of an RGB one), its pixels made
  // square (fi12: a 2:1 clip was drawn squeezed).
  let background = "";
  if (options.still) {
    background = `color=c=${color}:s=${width}x${area}:r=${fps},trim=end_frame=1,format=rgba[b${label}];`;
    // Scaled and turned into RGBA in one pass (rv12: RGBA first copied a 15000×15000 picture whole, 1.3 GB).
    chain.push(
      options.fit === "contain"
        ? `scale=${width}:${area}:force_original_aspect_ratio=decrease,format=rgba[f${label}];` +
          `[b${label}][f${label}]overlay=(W-w)/2:(H-h)/2:format=rgb`
        : `scale=${width}:${area}:force_original_aspect_ratio=increase,crop=${width}:${area},format=rgba` +
          `[f${label}];[b${label}][f${label}]overlay=0:0:format=rgb`,
      "format=yuv420p",
    );
  } else {
    chain.push(`fps=${fps}`, ...options.skip > 0 ? [`trim=start_frame=${options.skip}`] : []);
    chain.push("scale=iw*sar:ih", "format=yuv420p");
    // In the cells' colours, BT.601 (a BT.709 clip's own were taken for them: fi12, its green beside a picture's
    // green was another).
    const matrix = "in_color_matrix=auto:out_color_matrix=bt601";
    chain.push(
      options.fit === "contain"
        ? `scale=${width}:${area}:force_original_aspect_ratio=decrease:force_divisible_by=2:${matrix},` +
          `pad=${width}:${area}:(ow-iw)/2:(oh-ih)/2:color=${color}`
        : `scale=${width}:${area}:force_original_aspect_ratio=increase:${matrix},crop=${width}:${area}`,
    );
  }
  if (band > 0) chain.push(`pad=${width}:${height}:0:0:color=${color}`);
  if (options.caption !== null) {
    const { size } = captionFontSize(band, width, options.caption.ems);
    // On one baseline, capitals of the band's size centred in the band (a caption drawn smaller to fit sits on it
    // too): `ascent` is the tallest of the caption's glyphs above it. Before, each caption was centred by its ink,
    // and one with descenders ("a clip plays") rose 3 px above the next ("tile-5"). See CAPTION_LINE.
    const baseline = area + band / 2 + Math.round(bandFontSize(band) * CAP_HEIGHT / 2);
    chain.push(
      `drawtext=fontfile=${escapeFilterOption(options.caption.fontFile)}:textfile=${
        escapeFilterOption(options.caption.textFile)
      }:expansion=none:fontsize=${size}:fontcolor=${
        ffmpegColor(options.caption.color)
      }:x=(w-tw)/2:y=${baseline}-ascent`,
    );
  }
  chain.push("setsar=1");
  if (frames !== null && options.still) chain.push(`loop=loop=${frames - 1}:size=1`, ...frameTimes(fps));
  if (frames !== null && !options.still) {
    if (options.delay > 0) chain.push(`tpad=start=${options.delay}:start_mode=clone`);
    chain.push(`trim=end_frame=${frames}`, ...frameTimes(fps));
  }
  if (frames === null) chain.push("trim=end_frame=1");
  return `${background}[${input}:v]${chain.join(",")}[${label}]`;
}

/**
 * Filters that time frames `0, 1/fps, 2/fps…` in a time base of `1/fps`, so that streams stacked together tick alike
 * (a still's own time base, 1/25, cannot hold 1/30 steps).
 *
 * @param fps Frames per second.
 * @returns The filters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameTimes } from "./montage_cells.ts";
 * assert.deepEqual(frameTimes(30), ["settb=1/30", "setpts=N"]);
 * ```
 */
export function frameTimes(fps: number): string[] {
  return [`settb=1/${fps}`, "setpts=N"];
}

/**
 * The input options of an item: a still is read once; a clip loops forever from its start (a cell shown from later
 * in its play drops its first frames, see {@linkcode skippedFrames}).
 *
 * @param path The file.
 * @param options Whether it is a still.
 * @returns ffmpeg input arguments, `-i` included.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { itemInput } from "./montage_cells.ts";
 * assert.deepEqual(itemInput("a.mp4", { still: false }), ["-stream_loop", "-1", "-i", "a.mp4"]);
 * ```
 */
export function itemInput(path: string, options: { still: boolean }): string[] {
  return options.still ? fileInput(path) : ["-stream_loop", "-1", ...fileInput(path)];
}

/**
 * The frames a looped clip's cell drops at its start to show the clip from `seek` seconds into its play: the first
 * chunk's frames continued, the clip looped from its start as there (its loops as ffmpeg makes them, whatever its
 * container says of its length). ffmpeg's `-ss` on a looped input is no way: it loops back to the seek point by
 * the length left after it (ut: a clip red for a second and blue for the next, seen from 5 s in a strip's second
 * chunk, stayed blue). The frames dropped are decoded: as many as the item was in view before the chunk.
 *
 * @param seek Seconds of the clip played before.
 * @param fps The frame rate.
 * @returns The frames to drop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skippedFrames } from "./montage_cells.ts";
 * assert.equal(skippedFrames(5, 10), 50);
 * assert.equal(skippedFrames(0.26, 10), 3);
 * ```
 */
export function skippedFrames(seek: number, fps: number): number {
  return Math.round(seek * fps);
}

/**
 * The soundtrack's filters: looped to the run's length (its input opened once, see `loopFilters`), its gain
 * applied, faded out over the last second.
 *
 * @param input The audio's input index.
 * @param options The run's length in seconds, the gain in dB, and how the audio is looped (see `soundLoop`; null
 *   when it plays once).
 * @returns A chain ending in `[a]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { soundtrackFilters } from "./montage_cells.ts";
 * const chain = soundtrackFilters(1, { duration: 10, gain: 0, loop: { seconds: null } });
 * assert.match(chain, /^\[1:a\]aloop=loop=-1:size=\d+,atrim=duration=10,.*afade=t=out:st=9:d=1/);
 * ```
 */
export function soundtrackFilters(
  input: number,
  options: { duration: number; gain: number; loop: SoundLoop | null },
): string {
  const fade = Math.min(1, options.duration);
  const start = Math.round((options.duration - fade) * 1000) / 1000;
  const gain = options.gain === 0 ? "" : `volume=${options.gain}dB,`;
  return `[${input}:a]${[...loopFilters(options.loop), `atrim=duration=${options.duration}`].join(",")},` +
    `asetpts=PTS-STARTPTS,${gain}afade=t=out:st=${start}:d=${fade},aresample=48000[a]`;
}
