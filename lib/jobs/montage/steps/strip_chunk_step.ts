/**
 * A chunk of a scrolling strip: the items it shows stacked into one strip (`hstack`/`vstack`; a strip of stills is
 * composed once, as one frame), moved over the background by one `overlay` whose position is a time expression.
 * Only the items in view are decoded and only one frame of strip is held, so memory stays bounded however many
 * items the montage has.
 * @module
 */
import type { Json } from "../../../core/json.ts";
import { runFfmpegWithProgress } from "../../../media/ffmpeg_progress.ts";
import { encoderFromIdentity, videoEncodingArgs } from "../../../media/video_encoder.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";
import { cellFilters, ffmpegColor, frameTimes, itemInput } from "../montage_cells.ts";
import { easedExpression, type Easing, horizontal } from "../scroll_layout.ts";

/** The params of a chunk: everything that shapes its bytes. */
export interface StripChunkParams {
  frame: { width: number; height: number };
  fps: number;
  background: string;
  fit: "contain" | "cover";
  band: number;
  captionColor: string;
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
    seek: number;
    delay: number;
  }[];
  /** The item whose cell starts the strip. */
  origin: number;
  encoder: Json;
  crf: number;
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
 * import { stripPosition } from "./strip_chunk_step.ts";
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

/** Encodes one chunk; its value is `{ duration }` (its frames over the rate). */
export const stripChunkStep: StepKindDefinition = {
  kind: "montage-strip",
  version: 1,
  blocking: false,
  run: async (task, { signal, reportProgress }) => {
    const params = task.params as unknown as StripChunkParams;
    const paths = task.runtime.items as string[];
    const font = typeof task.runtime.font === "string" ? task.runtime.font : null;
    const { frames, fps } = params;
    const encoding = videoEncodingArgs(encoderFromIdentity(params.encoder), {
      crf: params.crf,
      bitrate: null,
      gop: null,
    });
    const color = ffmpegColor(params.background);
    const { width, height } = params.frame;
    const across = horizontal(params.direction);
    const still = params.items.every((item) => item.still);
    const chains = [
      `color=c=${color}:s=${width}x${height}:r=${fps},trim=end_frame=${frames},settb=1/${fps}[bg]`,
    ];
    for (const [k, item] of params.items.entries()) {
      const textFile = `${task.scratchDir}/caption-${k}.txt`;
      if (item.caption !== null) await Deno.writeTextFile(textFile, item.caption);
      chains.push(cellFilters(k, `c${k}`, {
        ...params.cell,
        band: params.band,
        fit: params.fit,
        background: params.background,
        fps,
        frames: still ? null : frames,
        still: item.still,
        caption: item.caption === null || font === null
          ? null
          : { textFile, fontFile: font, color: params.captionColor },
        delay: item.delay,
      }));
      // A gap after every cell but the last, in the background colour.
      if (k < params.items.length - 1 && params.gap > 0) {
        const { width: w, height: h } = params.cell;
        const size = across ? `${w + params.gap}:${h}` : `${w}:${h + params.gap}`;
        chains.push(`[c${k}]pad=${size}:0:0:color=${color}[g${k}]`);
      }
    }
    const labels = params.items.map((_, k, all) =>
      k === all.length - 1 || params.gap === 0 ? `[c${k}]` : `[g${k}]`
    );
    if (params.items.length === 0) chains.push(`[bg]${encoding.filter}[v]`);
    else {
      const stack = labels.length === 1
        ? `${labels[0]}null`
        : `${labels.join("")}${across ? "hstack" : "vstack"}=inputs=${labels.length}`;
      const hold = still ? `,loop=loop=${frames - 1}:size=1,${frameTimes(fps).join(",")}` : "";
      chains.push(`${stack}${hold}[strip]`);
      const position = stripPosition(params);
      const cross = across
        ? `y=${Math.floor((height - params.cell.height) / 4) * 2}:x='${position}'`
        : `x=${Math.floor((width - params.cell.width) / 4) * 2}:y='${position}'`;
      chains.push(
        `[bg][strip]overlay=${cross}:eval=frame:eof_action=pass:repeatlast=0,${encoding.filter}[v]`,
      );
    }
    await runFfmpegWithProgress(task.ffmpeg, [
      ...encoding.input,
      ...params.items.flatMap((item, k) => itemInput(paths[k]!, { still: item.still, seek: item.seek })),
      "-filter_complex",
      chains.join(";"),
      "-map",
      "[v]",
      ...encoding.output,
      "-frames:v",
      String(frames),
      "-an",
      "-f",
      "mp4",
      outputPath(task),
    ], { signal, duration: frames / fps, onProgress: reportProgress });
    return { duration: frames / fps };
  },
};
