/**
 * The stills step: a video's slides in one format, each encoded once as an H.264 IDR picture (one ffmpeg pass for
 * all of them). The `video` step shows each for as long as its narration lasts without encoding another frame.
 * @module
 */
import { encodeStills } from "../../../media/h264/encode_stills.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";

/** Encodes the slides (its inputs, in order); its value is `{ stills }`, how many were encoded. */
export const stillsStep: StepKindDefinition = {
  kind: "stills",
  version: 1,
  blocking: false,
  run: async (task, { signal }) => {
    const images = task.inputs.map((_, i) => inputPath(task, i));
    const { stills } = await encodeStills(task.ffmpeg, images, {
      fps: numberField(task.params, "fps"),
      width: numberField(task.params, "width"),
      height: numberField(task.params, "height"),
      scratchDir: task.scratchDir,
      output: outputPath(task),
      signal,
    });
    return { stills: stills.length };
  },
};
