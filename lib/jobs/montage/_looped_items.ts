/**
 * The files a montage step reads its items from: a still or a stream as named, a clip as a file ffmpeg loops (see
 * `loopable_clip.ts`: a transport stream's video copied into the scratch folder first).
 * @module
 */
import type { StepTask } from "../../core/step_task.ts";
import { loopableClip } from "../../media/loopable_clip.ts";

/**
 * Each item's file, in order.
 *
 * @param task The step: its items' paths (`runtime.items`), ffmpeg, its scratch folder.
 * @param items Each item's identity, whether it is a still, and the seconds of it played from its start.
 * @param signal Kills ffprobe and ffmpeg.
 * @returns The paths to read, a copy where the clip's own format does not loop.
 */
export async function loopedItems(
  task: StepTask,
  items: readonly { item: string; still: boolean; seconds: number }[],
  signal: AbortSignal,
): Promise<string[]> {
  const paths = task.runtime.items as string[];
  const files: string[] = [];
  for (const [k, { item, still, seconds }] of items.entries()) {
    // A pipe or a device is read once, by ffmpeg: probing it would take what the encode needs.
    if (still || item.startsWith("stream:")) {
      files.push(paths[k]!);
      continue;
    }
    files.push(
      await loopableClip(task.ffmpeg, paths[k]!, {
        copy: `${task.scratchDir}/clip-${k}.mkv`,
        seconds,
        signal,
      }),
    );
  }
  return files;
}
