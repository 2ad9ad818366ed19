/**
 * The subtitles step: one cue per section, at the times the section is on screen.
 * @module
 */
import { type Cue, formatSrt, formatVtt } from "../../../media/captions.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { numberField, numbersField, outputPath } from "../../../steps/task_fields.ts";

/**
 * Lays cues end to end from durations.
 *
 * @param texts Cue texts, in order.
 * @param durations Their lengths in seconds.
 * @returns The cues.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cuesFromDurations } from "./subtitles_step.ts";
 * assert.ok(cuesFromDurations(["a", "b"], [1, 2])[1]?.start === 1);
 * ```
 */
export function cuesFromDurations(texts: readonly string[], durations: readonly number[]): Cue[] {
  let start = 0;
  return texts.map((text, i) => {
    const end = start + (durations[i] ?? 0);
    // One line of text per cue: blank lines end a cue and "-->" starts a timing line in both formats.
    const cue = { start, end, text: text.replace(/\s+/g, " ").trim().replaceAll("-->", "→") };
    start = end;
    return cue;
  });
}

/**
 * Writes the SRT or VTT of a video from its joined narration (its input), whose value says how many frames each
 * section lasts at what frame rate: each cue starts on the frame its section's slide appears. Its value is
 * `{ cues }`.
 */
export const subtitlesStep: StepKindDefinition = {
  kind: "subtitles",
  version: 2,
  blocking: false,
  run: async (task) => {
    const params = task.params as unknown as { format: "srt" | "vtt"; cues: string[] };
    const narration = task.inputs[0]!.value;
    const fps = numberField(narration, "fps");
    const durations = numbersField(narration, "frames").map((frames) => frames / fps);
    const cues = cuesFromDurations(params.cues, durations);
    await Deno.writeTextFile(outputPath(task), params.format === "srt" ? formatSrt(cues) : formatVtt(cues));
    return { cues: cues.length };
  },
};
