/**
 * The subtitles step: one cue per section, at the section's real times (from its narration's measured length).
 * @module
 */
import { type Cue, formatSrt, formatVtt } from "../../../media/captions.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { numberField, outputPath } from "../../../steps/task_fields.ts";

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

/** Writes the SRT or VTT of a video from its narrations' durations; its value is `{ cues }`. */
export const subtitlesStep: StepKindDefinition = {
  kind: "subtitles",
  version: 1,
  blocking: false,
  run: async (task) => {
    const params = task.params as unknown as { format: "srt" | "vtt"; cues: string[] };
    const durations = task.inputs.map((input) => numberField(input.value, "duration"));
    const cues = cuesFromDurations(params.cues, durations);
    await Deno.writeTextFile(outputPath(task), params.format === "srt" ? formatSrt(cues) : formatVtt(cues));
    return { cues: cues.length };
  },
};
