/**
 * Joining a strip's chunks: the concat demuxer with stream copy (every chunk was encoded alike), each chunk's exact
 * duration in the list, and the soundtrack encoded once over the whole.
 * @module
 */
import { concatList } from "../../../media/concat_list.ts";
import { runFfmpeg } from "../../../media/ffmpeg.ts";
import { soundLoop } from "../../../media/music_mix_filter.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";
import { soundtrackFilters } from "../montage_cells.ts";

/** Joins the chunks (its inputs, in order); its value is `{ duration }`. */
export const stripJoinStep: StepKindDefinition = {
  kind: "montage-join",
  // 2: the soundtrack looped by its decoded samples (an M4A's, AAC's or Opus's encoder delay played as a dropout at
  // every loop).
  version: 2,
  blocking: false,
  run: async (task, { signal }) => {
    const { audio: gain } = task.params as { audio: { identity: string; gain: number } | null };
    const chunks = task.inputs.map((input, i) => ({
      path: inputPath(task, i),
      duration: numberField(input.value, "duration"),
    }));
    const duration = chunks.reduce((sum, chunk) => sum + chunk.duration, 0);
    const list = `${task.scratchDir}/chunks.ffconcat`;
    await Deno.writeTextFile(list, concatList(chunks));
    const audio = typeof task.runtime.audio === "string" && gain !== null ? task.runtime.audio : null;
    await runFfmpeg(task.ffmpeg, [
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      list,
      ...(audio === null ? [] : [
        "-i",
        audio,
        "-filter_complex",
        soundtrackFilters(1, {
          duration,
          gain: gain!.gain,
          loop: await soundLoop(task.ffmpeg, audio, { needed: duration, signal }),
        }),
      ]),
      "-map",
      "0:v",
      ...(audio === null ? [] : ["-map", "[a]", "-c:a", "aac", "-b:a", "128k"]),
      "-c:v",
      "copy",
      "-movflags",
      "+faststart",
      "-f",
      "mp4",
      outputPath(task),
    ], { signal });
    return { duration };
  },
};
