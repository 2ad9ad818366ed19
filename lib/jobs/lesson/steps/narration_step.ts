/**
 * The narration step: a video's section narrations joined on whole frames and encoded once to AAC, shared by every
 * format. Each section's audio is resampled to 48 kHz and padded with silence to the sample where its last frame
 * ends, then the joined PCM goes through one AAC encoder: the encoder's priming happens once, at the start, so no
 * join has a gap, a click or drift.
 * @module
 */
import { probeMedia } from "../../../media/ffmpeg.ts";
import { frameTimeline, sampleAtFrame } from "../../../media/frame_timeline.ts";
import { NARRATION_SAMPLE_RATE } from "../../../media/narration_encoding.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField, outputPath } from "../../../steps/task_fields.ts";
import { narrationSound, writeNarrationSound } from "./_narration_sound.ts";

export { soundParams } from "./_narration_sound.ts";

/** An input of silence for a card of `frames` frames (trimmed to its samples like every part). */
function silence(frames: number, fps: number): string[] {
  return ["-f", "lavfi", "-t", String(frames / fps + 1), "-i", `anullsrc=r=${NARRATION_SAMPLE_RATE}:cl=mono`];
}

/**
 * Builds the filter graph that pads each input to its length in samples and joins them.
 *
 * @param lengths Samples of each part, in order (input `i` is part `i`).
 * @param sampleRate The output's sample rate.
 * @returns The graph; its output label is `[narration]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinFilter } from "./narration_step.ts";
 * assert.equal(
 *   joinFilter([48_000, 1600], 48_000),
 *   "[0:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=mono,apad,atrim=end_sample=48000[a0];" +
 *     "[1:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=mono,apad,atrim=end_sample=1600[a1];" +
 *     "[a0][a1]concat=n=2:v=0:a=1[narration]",
 * );
 * ```
 */
export function joinFilter(lengths: readonly number[], sampleRate: number): string {
  const parts = lengths.map((samples, i) =>
    `[${i}:a]aresample=${sampleRate},aformat=sample_fmts=fltp:channel_layouts=mono,apad,` +
    `atrim=end_sample=${samples}[a${i}]`
  );
  const labels = lengths.map((_, i) => `[a${i}]`).join("");
  return `${parts.join(";")};${labels}concat=n=${lengths.length}:v=0:a=1[narration]`;
}

/**
 * Joins the speech WAVs of a video's sections (its inputs, in order) into one AAC track, after `lead` seconds of
 * silence (the title card) and before `tail` seconds (the end card), with `music` under it (its file at
 * `runtime.musicPath`) and brought to `loudness` (see `_narration_sound.ts`). Its value is `{ duration, fps, frames,
 * lead, tail }`: the track's length in seconds, how many frames each section lasts at `fps`, and the frames of the
 * silences before and after them (0 for none).
 */
export const narrationStep: StepKindDefinition = {
  kind: "narration",
  version: 3,
  blocking: false,
  run: async (task, { signal }) => {
    const fps = numberField(task.params, "fps");
    const lead = Math.round(numberField(task.params, "lead") * fps);
    const tail = Math.round(numberField(task.params, "tail") * fps);
    const sections = frameTimeline(task.inputs.map((input) => numberField(input.value, "duration")), fps);
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
    const lengths = ends.map((end, i) => end - (i === 0 ? 0 : ends[i - 1]!));
    const output = outputPath(task);
    await writeNarrationSound(task.ffmpeg, {
      inputs: [
        ...lead > 0 ? silence(lead, fps) : [],
        ...task.inputs.flatMap((_, i) => ["-i", inputPath(task, i)]),
        ...tail > 0 ? silence(tail, fps) : [],
      ],
      join: joinFilter(lengths, NARRATION_SAMPLE_RATE),
      samples: ends.at(-1)!,
      sound: narrationSound(task),
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
