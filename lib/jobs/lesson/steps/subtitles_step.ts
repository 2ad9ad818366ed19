/**
 * The subtitles step: one cue per section, at the times the section is on screen.
 * @module
 */
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { numberField, numbersField, outputPath } from "../../../steps/task_fields.ts";

/** One subtitle cue. */
export interface Cue {
  /** Start in seconds. */
  start: number;
  /** End in seconds. */
  end: number;
  /** The text shown. */
  text: string;
}

function timestamp(seconds: number, separator: "," | "."): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

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
 * Formats cues as SubRip (SRT).
 *
 * @param cues The cues.
 * @returns The file's text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSrt } from "./subtitles_step.ts";
 * assert.ok(formatSrt([{ start: 0, end: 1.5, text: "Hi" }]).startsWith("1\n00:00:00,000 --> 00:00:01,500\nHi"));
 * ```
 */
export function formatSrt(cues: readonly Cue[]): string {
  return cues.map((cue, i) =>
    `${i + 1}\n${timestamp(cue.start, ",")} --> ${timestamp(cue.end, ",")}\n${cue.text}\n`
  )
    .join("\n");
}

/**
 * Formats cues as WebVTT, with `&`, `<` and `>` in cue text written as `&amp;`, `&lt;` and `&gt;` (WebVTT reads
 * `<` as the start of a tag and `&` as the start of a character reference).
 *
 * @param cues The cues.
 * @returns The file's text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatVtt } from "./subtitles_step.ts";
 * assert.ok(formatVtt([{ start: 0, end: 1.5, text: "Hi" }]).startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500"));
 * assert.ok(formatVtt([{ start: 0, end: 1, text: "a < b & c" }]).includes("a &lt; b &amp; c"));
 * ```
 */
export function formatVtt(cues: readonly Cue[]): string {
  return `WEBVTT\n\n${
    cues.map((cue) =>
      `${timestamp(cue.start, ".")} --> ${timestamp(cue.end, ".")}\n${escapeVttText(cue.text)}\n`
    )
      .join("\n")
  }`;
}

/** Escapes cue text for WebVTT; SRT has no escapes and takes the text as it is. */
function escapeVttText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
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
