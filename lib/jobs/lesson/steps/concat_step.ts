/**
 * The concat step: joins a video's clips, in plan order, with the concat demuxer and stream copy, then checks the
 * result with ffprobe.
 * @module
 */
import { concatList } from "../../../media/concat_list.ts";
import { probeMedia, runFfmpeg } from "../../../media/ffmpeg.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";

/** The joined file may differ from the sum of its clips by this much (AAC priming, millisecond rounding). */
const TOLERANCE = 0.15;

/** Joins the clips; its value is `{ duration }` as ffprobe measured it. */
export const concatStep: StepKindDefinition = {
  kind: "concat",
  version: 1,
  blocking: false,
  run: async (task, { signal }) => {
    const clips = task.inputs.map((input, i) => ({
      path: inputPath(task, i),
      duration: numberField(input.value, "duration"),
    }));
    const list = `${task.scratchDir}/clips.ffconcat`;
    await Deno.writeTextFile(list, concatList(clips));
    const output = outputPath(task);
    await runFfmpeg(task.ffmpeg, [
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      list,
      "-c",
      "copy",
      "-movflags",
      "+faststart",
      "-f",
      "mp4",
      output,
    ], {
      signal,
    });
    const probe = await probeMedia(task.ffmpeg, output, { signal });
    const codecs = probe.streams.map((stream) => stream.codec).sort().join("+");
    if (codecs !== "aac+h264") {
      throw new Error(`The joined file has streams ${codecs}, expected h264 and aac`);
    }
    const expected = clips.reduce((sum, clip) => sum + clip.duration, 0);
    if (Math.abs(probe.duration - expected) > TOLERANCE) {
      throw new Error(
        `The joined file lasts ${probe.duration.toFixed(3)} s, expected ${expected.toFixed(3)} s`,
      );
    }
    return { duration: probe.duration };
  },
};
