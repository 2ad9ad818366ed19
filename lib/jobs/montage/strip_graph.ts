/**
 * A chunk of a scrolling strip as ffmpeg filtergraphs: the strip (its items' cells side by side, with gaps) and the
 * motion (the strip held or played over the background, placed by a time expression).
 * @module
 */
import type { Json } from "../../core/json.ts";
import { ffmpegColor } from "../../media/ffmpeg_filters.ts";
import { type CAPTION_LINE, cellFilters, frameTimes, skippedFrames, TO_BT709 } from "./montage_cells.ts";
import { easedExpression, type Easing, horizontal } from "./scroll_layout.ts";

/** The params of a chunk: everything that shapes its bytes. */
export interface StripChunkParams {
  frame: { width: number; height: number };
  fps: number;
  background: string;
  fit: "contain" | "cover";
  band: number;
  /** {@linkcode CAPTION_LINE} where there are captions (their place changed: those montages re-key). */
  captionLine?: typeof CAPTION_LINE;
  /** The captions' colour; empty where none is drawn (see `captionKeys` of the planner). */
  captionColor: string;
  /** The caption font's identity; null where no caption is drawn with it. */
  font: string | null;
  cell: { width: number; height: number };
  gap: number;
  direction: "left" | "right" | "up" | "down";
  easing: Easing;
  /** The whole run's length in seconds and the strip's travel in pixels. */
  duration: number;
  distance: number;
  /** The chunk's first frame and its number of frames. */
  start: number;
  frames: number;
  /** The items in stacking order (left to right, top to bottom), with where a clip starts. */
  items: {
    index: number;
    item: string;
    still: boolean;
    caption: string | null;
    /** Its caption font's identity where it is not the strip's (`font`). */
    font?: string;
    /** True for a name ffmpeg once read as a pattern (see `plan_montage.ts`). */
    literal?: true;
    seek: number;
    delay: number;
  }[];
  /** The item whose cell starts the strip. */
  origin: number;
  encoder: Json;
  crf: number;
  /** The encoder's speed. */
  preset: "fast" | "fastest";
}

/**
 * The strip's position along the axis of motion, as an ffmpeg expression of the chunk's time `t`.
 *
 * @param params The chunk.
 * @returns The expression.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripPosition } from "./strip_graph.ts";
 * const expression = stripPosition({
 *   frame: { width: 320, height: 180 }, cell: { width: 100, height: 80 }, gap: 10, direction: "left",
 *   easing: "linear", duration: 4, distance: 640, start: 20, fps: 10, origin: 2,
 * });
 * assert.equal(expression, "320-640*(min(1,(t+2)/4))+220");
 * ```
 */
export function stripPosition(
  params: Pick<
    StripChunkParams,
    "frame" | "cell" | "gap" | "direction" | "easing" | "duration" | "distance" | "start" | "fps" | "origin"
  >,
): string {
  const across = horizontal(params.direction);
  const along = across ? params.cell.width : params.cell.height;
  const frame = across ? params.frame.width : params.frame.height;
  const pitch = along + params.gap;
  const u = `min(1,(t+${params.start / params.fps})/${params.duration})`;
  const offset = `${params.distance}*${easedExpression(params.easing, u)}`;
  return params.direction === "left" || params.direction === "up"
    ? `${frame}-${offset}+${params.origin * pitch}`
    : `-${along}+${offset}-${params.origin * pitch}`;
}

/** What the strip's cells need besides the params: the caption files and the font. */
export interface StripFiles {
  /** The file holding each item's caption (written where the item has one). */
  captionFiles: string[];
  /** The caption font, or null. */
  font: string | null;
  /** Each item's caption font where it is not `font`, in `items`' order. @default none */
  fonts?: readonly (string | null)[];
  /** How wide each item's caption is in its font, in ems (0 for none). @default none: drawn at the band's size */
  captionEms?: readonly number[];
}

/**
 * The graph from the items' inputs (0…n-1) to `[strip]`: one frame for a strip of stills, else `frames` frames.
 *
 * @param params The chunk.
 * @param files The caption files and the font.
 * @returns The graph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripGraph } from "./strip_graph.ts";
 * const item = { index: 0, item: "sha256:00", still: true, caption: null, seek: 0, delay: 0 };
 * const graph = stripGraph({
 *   frame: { width: 320, height: 180 }, fps: 10, background: "#000000", fit: "contain", band: 0, captionColor: "#ffffff",
 *   font: null, cell: { width: 100, height: 80 }, gap: 10, direction: "left", easing: "linear", duration: 6.4,
 *   distance: 640, start: 0, frames: 50, items: [item, { ...item, index: 1 }], origin: 0, encoder: null, crf: 23,
 *   preset: "fastest",
 * }, { captionFiles: [], font: null });
 * assert.match(graph, /\[c0\]pad=110:80:0:0:color=0x000000\[g0\];/);
 * assert.match(graph, /\[g0\]\[c1\]hstack=inputs=2\[strip\]$/);
 * ```
 */
export function stripGraph(params: StripChunkParams, files: StripFiles): string {
  const across = horizontal(params.direction);
  const color = ffmpegColor(params.background);
  const still = params.items.every((item) => item.still);
  const chains: string[] = [];
  const labels: string[] = [];
  for (const [k, item] of params.items.entries()) {
    chains.push(cellFilters(k, `c${k}`, {
      ...params.cell,
      band: params.band,
      fit: params.fit,
      background: params.background,
      fps: params.fps,
      frames: still ? null : params.frames,
      still: item.still,
      caption: item.caption === null || files.font === null ? null : {
        textFile: files.captionFiles[k]!,
        fontFile: files.fonts?.[k] ?? files.font,
        color: params.captionColor,
        ems: files.captionEms?.[k] ?? 0,
      },
      delay: item.delay,
      skip: item.still ? 0 : skippedFrames(item.seek, params.fps),
    }));
    // A gap after every cell but the last, in the background colour.
    if (k === params.items.length - 1 || params.gap === 0) {
      labels.push(`[c${k}]`);
      continue;
    }
    const { width: w, height: h } = params.cell;
    const size = across ? `${w + params.gap}:${h}` : `${w}:${h + params.gap}`;
    chains.push(`[c${k}]pad=${size}:0:0:color=${color}[g${k}]`);
    labels.push(`[g${k}]`);
  }
  chains.push(
    labels.length === 1
      ? `${labels[0]}null[strip]`
      : `${labels.join("")}${across ? "hstack" : "vstack"}=inputs=${labels.length}[strip]`,
  );
  return chains.join(";");
}

/**
 * The graph from the strip (`options.strip`) to `[v]`: the strip (held, when it is one frame) moved over the
 * background, in the encoder's pixel format.
 *
 * @param params The chunk.
 * @param options The strip's label (null when the chunk shows no item), whether it is one frame to hold, and the
 * encoder's last filter.
 * @returns The graph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { motionGraph } from "./strip_graph.ts";
 * const graph = motionGraph({
 *   frame: { width: 320, height: 180 }, fps: 10, background: "#000000", fit: "contain", band: 0, captionColor: "#ffffff",
 *   font: null, cell: { width: 100, height: 80 }, gap: 10, direction: "left", easing: "linear", duration: 6.4,
 *   distance: 640, start: 0, frames: 50, items: [], origin: 0, encoder: null, crf: 23, preset: "fastest",
 * }, { strip: "[0:v]", hold: true, encoderFilter: "format=yuv420p" });
 * assert.match(graph, /overlay=y=50:x='320-640\*\(min\(1,\(t\+0\)\/6\.4\)\)\+0'/);
 * ```
 */
export function motionGraph(
  params: StripChunkParams,
  options: { strip: string | null; hold: boolean; encoderFilter: string },
): string {
  const { width, height } = params.frame;
  const { fps, frames } = params;
  // Each picture turned to BT.709 once, before it is held (the background; a strip of stills): the overlay only
  // copies their pixels (a turn of each frame cost 8% more CPU).
  const background = `color=c=${ffmpegColor(params.background)}:s=${width}x${height}:r=${fps},` +
    `trim=end_frame=1,${TO_BT709},loop=loop=${frames - 1}:size=1,${frameTimes(fps).join(",")}[bg]`;
  if (options.strip === null) return `${background};[bg]${options.encoderFilter}[v]`;
  const hold = options.hold
    ? `${TO_BT709},loop=loop=${frames - 1}:size=1,${frameTimes(fps).join(",")}`
    : TO_BT709;
  const position = stripPosition(params);
  const cross = horizontal(params.direction)
    ? `y=${Math.floor((height - params.cell.height) / 4) * 2}:x='${position}'`
    : `x=${Math.floor((width - params.cell.width) / 4) * 2}:y='${position}'`;
  return `${background};${options.strip}${hold}[moving];` +
    `[bg][moving]overlay=${cross}:eval=frame:eof_action=pass:repeatlast=0,${options.encoderFilter}[v]`;
}
