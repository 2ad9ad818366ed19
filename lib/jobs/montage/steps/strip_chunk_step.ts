/**
 * A chunk of a scrolling strip: the items it shows stacked into one strip (`hstack`/`vstack`; a strip of stills is
 * composed once, as one frame), moved over the background by one `overlay` whose position is a time expression.
 * Only the items in view are decoded and only one frame of strip is held, so memory stays bounded however many
 * items the montage has.
 * @module
 */
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import { runFfmpegWithProgress } from "../../../media/ffmpeg_progress.ts";
import { drawtextText, textEms } from "../../../providers/local/slides/font_for_text.ts";
import {
  BT709_TAGS,
  encoderFromIdentity,
  KEYFRAME_SECONDS,
  videoEncodingArgs,
} from "../../../media/video_encoder.ts";
import type { StepTask } from "../../../core/step_task.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";
import { motionGraph, type StripChunkParams, type StripFiles, stripGraph } from "../strip_graph.ts";
import { captionFontSize, captionWarnings, itemInput } from "../montage_cells.ts";
import { loopedItems } from "../_looped_items.ts";

/**
 * Encodes one chunk; its value is `{ duration }` (its frames over the rate). A chunk of stills is made in two
 * processes: the strip composed once into a raw frame in the scratch folder (its per-item buffers freed with that
 * process), then held and moved while encoding; a chunk with clips is one process.
 */
export const stripChunkStep: StepKindDefinition = {
  kind: "montage-strip",
  // 2: a clip in a format that ffmpeg cannot loop copied into one that loops (a transport stream spun; an FLV
  // stopped after one play). 3: AVI, ASF and MPEG program streams too (a program stream lost pictures at each loop).
  // 4: a caption too wide for its cell drawn smaller, to fit. 5: an Arabic or Hebrew caption set right to left.
  // 6: a clip shown from later in its play (a chunk after the first) by its looped frames dropped, not by `-ss`.
  // 7: a still laid on its cell's background (its transparent pixels showed black), a clip's pixels made square.
  // 8: a keyframe every 2 s, BT.709 colours, tagged.
  version: 8,
  blocking: false,
  run: async (task, { signal, reportProgress }) => {
    const params = task.params as unknown as StripChunkParams;
    const files: StripFiles = {
      captionFiles: params.items.map((_, k) => `${task.scratchDir}/caption-${k}.txt`),
      font: typeof task.runtime.font === "string" ? task.runtime.font : null,
      fonts: Array.isArray(task.runtime.fonts) ? task.runtime.fonts as (string | null)[] : [],
    };
    const captionEms: number[] = [];
    for (const [k, item] of params.items.entries()) {
      const font = files.fonts?.[k] ?? files.font;
      if (item.caption !== null) {
        const text = font === null ? item.caption : await drawtextText(item.caption, font);
        await Deno.writeTextFile(files.captionFiles[k]!, text);
      }
      captionEms.push(item.caption === null || font === null ? 0 : await textEms(item.caption, font));
    }
    files.captionEms = captionEms;
    const encoding = videoEncodingArgs(encoderFromIdentity(params.encoder), {
      crf: params.crf,
      bitrate: null,
      // Seekable as a lesson's video is (fi12: a 60-s grid had a keyframe every 8.3 s, x264's default).
      gop: Math.round(KEYFRAME_SECONDS * params.fps),
      preset: params.preset,
      // Chunks run side by side: a thread each is as fast and takes less memory.
      threads: 1,
    });
    const { graph, sources } = await sourcesOf(task, {
      params,
      files,
      encoderFilter: encoding.filter,
      signal,
    });
    await runFfmpegWithProgress(task.ffmpeg, [
      ...encoding.input,
      ...sources,
      "-filter_complex",
      graph,
      "-map",
      "[v]",
      ...encoding.output,
      ...BT709_TAGS,
      "-frames:v",
      String(params.frames),
      "-an",
      "-f",
      "mp4",
      outputPath(task),
    ], { signal, duration: params.frames / params.fps, onProgress: reportProgress });
    const cut = params.items.filter((item, k) =>
      item.caption !== null && !captionFontSize(params.band, params.cell.width, captionEms[k]!).fits
    );
    return { duration: params.frames / params.fps, ...captionWarnings(cut.map((item) => item.caption!)) };
  },
};

/**
 * What the encoding process reads and its graph: nothing but the background (no item in view); the strip of
 * stills, composed first by a process of its own into a raw frame in the scratch folder; or the items themselves
 * (clips play, so their strip is composed frame by frame in the same process).
 */
async function sourcesOf(
  task: StepTask,
  context: { params: StripChunkParams; files: StripFiles; encoderFilter: string; signal: AbortSignal },
): Promise<{ graph: string; sources: string[] }> {
  const { params, files, encoderFilter, signal } = context;
  if (params.items.length === 0) {
    return { graph: motionGraph(params, { strip: null, hold: false, encoderFilter }), sources: [] };
  }
  const paths = await loopedItems(
    task,
    params.items.map((item) => ({ ...item, seconds: item.seek + params.frames / params.fps })),
    signal,
  );
  const inputs = params.items.flatMap((item, k) => itemInput(paths[k]!, { still: item.still }));
  if (!params.items.every((item) => item.still)) {
    const motion = motionGraph(params, { strip: "[strip]", hold: false, encoderFilter });
    return { graph: `${stripGraph(params, files)};${motion}`, sources: inputs };
  }
  const strip = `${task.scratchDir}/strip.nut`;
  await runFfmpeg(task.ffmpeg, [
    ...inputs,
    "-filter_complex",
    stripGraph(params, files),
    "-map",
    "[strip]",
    "-frames:v",
    "1",
    "-c:v",
    "rawvideo",
    "-f",
    "nut",
    strip,
  ], { signal });
  return {
    graph: motionGraph(params, { strip: "[0:v]", hold: true, encoderFilter }),
    sources: ["-i", strip],
  };
}
