/**
 * The clip step: one slide held for the length of its narration, as H.264 + AAC in MP4.
 * @module
 */
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";

/** The last frame of a clip lasts this long (ffmpeg's default for a frame with no known duration). */
const LAST_FRAME = 0.04;

/**
 * Builds the filter that repeats the decoded slide at `fps` and ends with one frame placed so that the video
 * ends exactly at `duration`: a still image decoded once, no per-frame rendering.
 *
 * @param duration Clip length in seconds.
 * @param fps Frame rate.
 * @returns The filter graph (input 0 is the slide, output label `[v]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stillFilter } from "./clip_step.ts";
 * assert.ok(stillFilter(3.48, 1).includes("loop=loop=4"));
 * ```
 */
export function stillFilter(duration: number, fps: number): string {
  const end = Math.max(0.001, duration - LAST_FRAME);
  const frames = Math.max(1, Math.ceil(end * fps - 1e-9));
  const endMs = Math.round(end * 1000);
  return `[0:v]format=yuv420p,loop=loop=${frames}:size=1,settb=1/1000,` +
    `setpts='if(lt(N,${frames}),floor(N*1000/${fps}),${endMs})'[v]`;
}

/** Encodes a slide and a narration into a clip; its value is `{ duration }` in seconds. */
export const clipStep: StepKindDefinition = {
  kind: "clip",
  version: 1,
  blocking: false,
  run: async (task, { signal }) => {
    const slide = inputPath(task, 0);
    const narration = inputPath(task, 1);
    const duration = numberField(task.inputs[1]!.value, "duration");
    const fps = numberField(task.params, "fps");
    await runFfmpeg(task.ffmpeg, [
      "-i",
      slide,
      "-i",
      narration,
      "-filter_complex",
      stillFilter(duration, fps),
      "-map",
      "[v]",
      "-map",
      "1:a",
      "-fps_mode",
      "passthrough",
      "-enc_time_base",
      "1:1000",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-tune",
      "stillimage",
      "-bf",
      "0",
      "-c:a",
      "copy",
      "-f",
      "mp4",
      outputPath(task),
    ], { signal });
    return { duration };
  },
};
