/**
 * The format step: a transcript (the merge step's `<id>.json`) written as plain text, SRT or WebVTT.
 * @module
 */
import { formatSrt, formatVtt } from "../../../media/captions.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, outputPath } from "../../../steps/task_fields.ts";
import { type Transcript, transcriptCues, transcriptText } from "../transcript.ts";

/** The formats a transcript is written in besides its JSON. */
export type TranscriptFormat = "txt" | "srt" | "vtt";

/** Writes `params.format` from its input's transcript; its value is `{ duration, segments }`. */
export const formatStep: StepKindDefinition = {
  kind: "transcribe-format",
  // 2: a cue's text in lines of at most 42 characters (was one line of up to 84). 3: its lines break at no sentence
  // end after a month's abbreviation or an initialism. 4: lines counted with wide characters as two, and a word
  // longer than a line or writing without spaces cut into pieces that fit. 5: a lone mark (`!` set apart, as
  // French sets it) joined to its word, a lone zero-width character dropped, and the leaning words and conjunctions
  // of German, French, Spanish, Italian, Portuguese and Dutch known.
  version: 5,
  blocking: false,
  run: async (task) => {
    const { format } = task.params as { format: TranscriptFormat };
    const transcript = JSON.parse(await Deno.readTextFile(inputPath(task, 0))) as Transcript;
    const text = format === "txt"
      ? transcriptText(transcript)
      : format === "srt"
      ? formatSrt(transcriptCues(transcript))
      : formatVtt(transcriptCues(transcript));
    await Deno.writeTextFile(outputPath(task), text);
    return { duration: transcript.duration, segments: transcript.segments.length };
  },
};
