/**
 * The narration step: a video's section narrations joined on whole frames and encoded once to AAC, shared by every
 * format. Each section's audio is resampled to 48 kHz and padded with silence to the sample where its last frame
 * ends, and the joined PCM is encoded as one AAC track: on several encoders at once when it is long (parts of
 * `partSeconds` at least, cut on the whole track's AAC frame grid near section joins, see `aac_parts.ts`), so the
 * encoder's priming happens once, at the start, and no join has a gap, a click or drift.
 * @module
 */
import { probeMedia } from "../../../media/ffmpeg.ts";
import { frameTimeline, sampleAtFrame } from "../../../media/frame_timeline.ts";
import { NARRATION_SAMPLE_RATE } from "../../../media/narration_encoding.ts";
import { narrationFrames } from "./_lesson_timeline.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";
import { narrationSound, writeNarrationSound } from "./_narration_sound.ts";

export { soundParams } from "./_narration_sound.ts";

/** An input of silence for a card of `frames` frames (trimmed to its samples like every part). */
function silence(frames: number, fps: number): string[] {
  return ["-f", "lavfi", "-t", String(frames / fps + 1), "-i", `anullsrc=r=${NARRATION_SAMPLE_RATE}:cl=mono`];
}

/**
 * Joins the speech WAVs of a video's sections (its inputs, in order) into one AAC track, after `lead` seconds of
 * silence (the title card) and before `tail` seconds (the end card), with `music` under it (its file at
 * `runtime.musicPath`) and brought to `loudness` (see `_narration_sound.ts`), encoded in parts of `partSeconds` at
 * least. Its value is `{ duration, fps, frames,
 * lead, tail }`: the track's length in seconds, how many frames each section lasts at `fps`, and the frames of the
 * silences before and after them (0 for none).
 */
export const narrationStep: StepKindDefinition = {
  kind: "narration",
  // 5: music fades longer together than the track share it (a fade-out longer than a short video was cut off at
  // the end, the music loudest there). 6: music looped by its decoded samples, an MP4's cut at the length it says
  // (an M4A's, AAC's or Opus's encoder delay played as a dropout at every loop).
  version: 6,
  blocking: false,
  // Its AAC parts (two minutes of speech or more each) go to several encoders: on the cores idle when it starts,
  // and on each the run lends it as one falls idle (`borrowCore`); one after the other otherwise. The same bytes
  // either way.
  cores: 4,
  run: async (task, { signal, borrowCore }) => {
    const sections = narrationFrames(task.inputs.map((input) => numberField(input.value, "duration")), {
      fps: numberField(task.params, "fps"),
      lead: numberField(task.params, "lead"),
      tail: numberField(task.params, "tail"),
    });
    const { fps, lead, tail } = sections;
    const timeline = frameTimeline(
      [
        ...lead > 0 ? [lead / fps] : [],
        ...sections.frames.map((count) => count / fps),
        ...tail > 0 ? [tail / fps] : [],
      ],
      fps,
    );
    const ends = timeline.starts.map((start, i) =>
      sampleAtFrame(start + timeline.frames[i]!, fps, NARRATION_SAMPLE_RATE)
    );
    const inputs = [
      ...lead > 0 ? [silence(lead, fps)] : [],
      ...task.inputs.map((_, i) => ["-i", inputPath(task, i)]),
      ...tail > 0 ? [silence(tail, fps)] : [],
    ];
    const output = outputPath(task);
    await writeNarrationSound(task.ffmpeg, {
      parts: inputs.map((input, i) => ({ input, samples: ends[i]! - (i === 0 ? 0 : ends[i - 1]!) })),
      sound: narrationSound(task),
      partSamples: numberField(task.params, "partSeconds") * NARRATION_SAMPLE_RATE,
      concurrency: task.cores ?? 1,
      borrowCore,
      output,
      scratchDir: task.scratchDir,
      signal,
    });
    const duration = timeline.total / fps;
    const probed = await probeMedia(task.ffmpeg, output, { signal });
    if (!(Math.abs(probed.duration - duration) < 1 / fps)) {
      throw new Error(`The joined narration lasts ${probed.duration} s, expected ${duration.toFixed(3)} s`);
    }
    return { duration, fps, frames: sections.frames, lead, tail };
  },
};
