/**
 * The video step: one format of a video, at a constant frame rate, from its encoded stills and its narration. Each
 * still is shown for its section's frames: its IDR picture again at the start of every GOP (so the file can be
 * seeked) and skipped pictures between, written straight into an MP4 with the narration's AAC samples copied, the
 * index at the front (see `mp4_mux.ts`). Nothing is encoded here, and no ffmpeg runs.
 * @module
 */
import type { Json } from "../../../core/json.ts";
import { probeMedia } from "../../../media/ffmpeg.ts";
import {
  type EncodedStills,
  pictureSamples,
  readPictures,
  readStills,
} from "../../../media/h264/still_stream.ts";
import { writeMp4 } from "../../../media/mp4_mux.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numbersField, outputPath } from "../../../steps/task_fields.ts";
import { lessonTimeline, narrationFramesOf, type TimelineParams } from "./_lesson_timeline.ts";

/**
 * Writes one format of a video: its pictures laid on the narration's frames (see `picture_timeline.ts`), stills
 * shown by skipped pictures and clips played as encoded, muxed with the narration; checks the result with ffprobe.
 * Inputs: the stills, the narration, the clips when the video has any (params `clips: true`), then each section's
 * cues when captions are burned. Its value is `{ duration }` in seconds.
 */
export const videoStep: StepKindDefinition = {
  kind: "video",
  version: 3,
  blocking: false,
  run: async (task, { signal }) => {
    const params = task.params as unknown as TimelineParams & { gop: number; clips: boolean };
    const { fps, gop } = params;
    const stills = readStills(await Deno.readFile(inputPath(task, 0), { signal }));
    const narration = narrationFramesOf(task.inputs[1]!.value);
    const first = params.clips ? 3 : 2;
    const timeline = lessonTimeline(params, narration, task.inputs.slice(first).map((input) => input.value));
    const clips = params.clips
      ? splitClips(await Deno.readFile(inputPath(task, 2), { signal }), task.inputs[2]!.value)
      : null;
    const output = outputPath(task);
    const [sps, pps] = stills.parameterSets;
    await writeMp4(
      output,
      {
        fps,
        sps: sps!,
        pps: pps!,
        width: stills.params.sps.width,
        height: stills.params.sps.height,
        samples: () => pictureSamples(stills, clips, { pieces: timeline.pieces, gop }),
      },
      inputPath(task, 1),
      { signal },
    );
    const duration = timeline.total / fps;
    const probed = await probeMedia(task.ffmpeg, output, { signal });
    const streams = probed.streams.map((stream) => stream.codec).sort().join("+");
    if (streams !== "aac+h264") throw new Error(`The video has streams ${streams}, expected h264 and aac`);
    for (const stream of probed.streams) {
      if (stream.duration === null || Math.abs(stream.duration - duration) >= 1 / fps) {
        throw new Error(
          `The video's ${stream.codec} stream lasts ${stream.duration} s, expected ${duration} s`,
        );
      }
    }
    return { duration };
  },
};

/** The clips step's stream cut into its clips, by the frame counts of its value (`{ clips }`). */
function splitClips(stream: Uint8Array, value: Json): EncodedStills[] {
  const counts = numbersField(value, "clips");
  const all = readPictures(stream);
  if (all.stills.length !== counts.reduce((sum, count) => sum + count, 0)) {
    throw new Error(`The clips have ${all.stills.length} pictures, expected ${counts.join(" + ")}`);
  }
  let at = 0;
  return counts.map((count) => ({ ...all, stills: all.stills.slice(at, at += count) }));
}
