/**
 * The probe step: what the recording holds (its length, its audio stream), read by `probeMedia` (ffprobe, or an
 * MP4's boxes).
 * @module
 */
import { InputError } from "../../../core/errors.ts";
import { probeMedia } from "../../../media/ffmpeg.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";

/** Probes `runtime.input`; its value is `{ duration, codec, video }`, and it has no artifact. */
export const probeStep: StepKindDefinition = {
  kind: "transcribe-probe",
  version: 1,
  blocking: false,
  optionalArtifact: true,
  run: async (task, { signal }) => {
    const input = String(task.runtime.input);
    const probed = await probeMedia(task.ffmpeg, input, { signal, unknownLength: "measure" });
    const audio = probed.streams.find((stream) => stream.type === "audio");
    if (audio === undefined) throw new InputError(`No audio stream in ${input}`, { where: input });
    return {
      duration: probed.duration,
      codec: audio.codec,
      video: probed.streams.some((stream) => stream.type === "video"),
    };
  },
};
