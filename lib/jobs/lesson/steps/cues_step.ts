/**
 * The cues step: one section's captions, cut from its narration by the caption rules and timed by its speech (the
 * pauses found in the section's WAV by the rules of ffmpeg's `silencedetect`, see `detectSilences`). Value only:
 * `{ duration, cues }`, times relative to the section's start, each cue `{ start, end, lines }`.
 * @module
 */
import type { Json } from "../../../core/json.ts";
import type { CaptionRules } from "../../../media/caption_rules.ts";
import { detectSilences } from "../../../media/detect_silences.ts";
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { inputPath, numberField } from "../../../steps/task_fields.ts";
import { sectionCues } from "../captions/section_cues.ts";
import type { SettledCue } from "../captions/settle_cues.ts";

/**
 * How pauses are found: quieter than -40 dB for at least 60 ms. Measured on flite's and espeak-ng's voices
 * (`deno task measure:cue-anchors`): their pauses between sentences and clauses last 80–450 ms; the gaps inside
 * words (stop consonants) last up to 55 ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CUE_SILENCE } from "./cues_step.ts";
 * assert.equal(CUE_SILENCE.noise, -40);
 * ```
 */
export const CUE_SILENCE: Readonly<{ noise: number; minDuration: number }> = Object.freeze({
  noise: -40,
  minDuration: 0.06,
});

/** The cues step's params. */
export interface CuesParams {
  /** The narration that was spoken. */
  text: string;
  /** The caption rules. */
  rules: CaptionRules;
  /** How pauses are found. */
  silence: { noise: number; minDuration: number };
  /** The language the voice speaks (`de`), or null where its name tells none; the text's words overrule it. */
  voiceLanguage: string | null;
}

/** Times one section's cues from its speech (its one input, a WAV with value `{ duration }`). */
export const cuesStep: StepKindDefinition = {
  kind: "cues",
  // 2: pauses scanned in-process, which keeps two pauses that end within one of ffmpeg's frames (ffmpeg mixed
  // them up). 3: no sentence ends at a month's abbreviation or an initialism ("Jan. 5", "9 a.m. Eastern"). 4: a
  // word longer than a line (a web address) and writing without spaces (Chinese, Japanese, Thai) cut into pieces
  // that fit, lines counted with wide characters as two (the address ran off the frame, a Chinese section had one
  // cue).
  // 5: a lone mark (`!` set apart, as French sets it) joined to its word, a lone zero-width character dropped, and
  // the leaning words and conjunctions of German, French, Spanish, Italian, Portuguese and Dutch known.
  version: 5,
  blocking: false,
  optionalArtifact: true,
  run: async (task, { signal }) => {
    const params = task.params as unknown as CuesParams;
    const duration = numberField(task.inputs[0]!.value, "duration");
    const silences = await detectSilences(task.ffmpeg, inputPath(task, 0), {
      ...params.silence,
      duration,
      signal,
    });
    const cues = sectionCues(params.text, {
      rules: params.rules,
      silences,
      duration,
      voiceLanguage: params.voiceLanguage,
    });
    return { duration, cues: cues.map(({ start, end, lines }) => ({ start, end, lines })) };
  },
};

/**
 * Reads the cues of a `cues` step's value, checked.
 *
 * @param value The step's value, `{ duration, cues }`.
 * @returns The cues.
 * @throws {TypeError} When it holds no list of cues `{ start, end, lines }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cuesOf } from "./cues_step.ts";
 * assert.deepEqual(cuesOf({ duration: 1, cues: [{ start: 0, end: 1, lines: ["Hi"] }] })[0]?.lines, ["Hi"]);
 * ```
 */
export function cuesOf(value: Json): SettledCue[] {
  const cues = typeof value === "object" && value !== null && !Array.isArray(value) ? value.cues : undefined;
  const valid = Array.isArray(cues) &&
    cues.every((cue) =>
      typeof cue === "object" && cue !== null && !Array.isArray(cue) && typeof cue.start === "number" &&
      typeof cue.end === "number" && Array.isArray(cue.lines) && cue.lines.every((line) =>
        typeof line === "string"
      )
    );
  if (!valid) {
    throw new TypeError('Expected a list of cues { start, end, lines } in field "cues" of a step\'s value');
  }
  return cues as unknown as SettledCue[];
}
