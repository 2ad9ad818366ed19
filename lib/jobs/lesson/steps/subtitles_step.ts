/**
 * The subtitles step: a video's SRT or WebVTT, every section's cues (its `cues` steps) placed where the section
 * starts in the video (from the narration's frames), so each caption appears with its words and its slide.
 * @module
 */
import { type Cue, formatSrt, formatVtt } from "../../../media/captions.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { numberField, numbersField, outputPath } from "../../../steps/task_fields.ts";
import type { SettledCue } from "../captions/settle_cues.ts";
import { cuesOf } from "./cues_step.ts";

/**
 * Places sections' cues on the video's timeline.
 *
 * @param sections Each section's start in the video (seconds) and its cues (times from that start), in order.
 * @returns The cues at absolute times, their lines joined by `\n`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeSettledCues } from "./subtitles_step.ts";
 * const cues = placeSettledCues([
 *   { start: 0, cues: [{ start: 0.2, end: 2, lines: ["Hello,", "and welcome."] }] },
 *   { start: 2.5, cues: [{ start: 0.1, end: 1.5, lines: ["Part two."] }] },
 * ]);
 * assert.deepEqual(cues, [
 *   { start: 0.2, end: 2, text: "Hello,\nand welcome." },
 *   { start: 2.6, end: 4, text: "Part two." },
 * ]);
 * ```
 */
export function placeSettledCues(sections: readonly { start: number; cues: readonly SettledCue[] }[]): Cue[] {
  return sections.flatMap((section) =>
    section.cues.map((cue) => ({
      start: section.start + cue.start,
      end: section.start + cue.end,
      text: cue.lines.join("\n"),
    }))
  );
}

/**
 * Writes a video's SRT or VTT from its joined narration (its first input: `{ fps, frames }`, how many frames each
 * section lasts) and each section's cues (the inputs after it, in order). Params: `format` (`srt` or `vtt`) and
 * `settings`, WebVTT cue settings for every cue (a position for a format, or null). Its value is `{ cues }`, how
 * many it wrote.
 */
export const subtitlesStep: StepKindDefinition = {
  kind: "subtitles",
  version: 4,
  blocking: false,
  run: async (task) => {
    const params = task.params as unknown as { format: "srt" | "vtt"; settings: string | null };
    const [narration, ...sections] = task.inputs;
    const fps = numberField(narration!.value, "fps");
    const frames = numbersField(narration!.value, "frames");
    if (frames.length !== sections.length) {
      throw new TypeError(
        `Step "${task.id}" has ${sections.length} sections' cues for ${frames.length} sections`,
      );
    }
    // The sections start after the title card's frames.
    let frame = numberField(narration!.value, "lead");
    const cues = placeSettledCues(sections.map((section, i) => {
      const start = frame / fps;
      frame += frames[i]!;
      return { start, cues: cuesOf(section.value) };
    }));
    const text = params.format === "srt" ? formatSrt(cues) : formatVtt(cues, { settings: params.settings });
    await Deno.writeTextFile(outputPath(task), text);
    return { cues: cues.length };
  },
};
