/**
 * The `captions` field of a lesson: whether captions are burned into the videos, how they look, and the rules their
 * cues follow; and its resolved form.
 * @module
 */
import { z } from "zod";
import type { CaptionRules } from "../../../media/caption_rules.ts";
import type { CaptionStyle } from "../../../media/caption_placement.ts";
import { color } from "../../../schema/fields.ts";

const between = (what: string, min: number, max: number, unit = "") =>
  z.number({ error: `Expected ${what} as a number` }).min(
    min,
    `Expected ${what} from ${min} to ${max}${unit}`,
  )
    .max(max, `Expected ${what} from ${min} to ${max}${unit}`);

const wholeBetween = (what: string, min: number, max: number) =>
  between(what, min, max).int(`Expected ${what} as a whole number`);

const styleSchema = z.strictObject({
  size: between("a text size", 0.02, 0.12, " of the frame's height").optional(),
  color: color.optional(),
  outline: color.optional(),
  box: z.boolean({ error: "Expected box: true or false" }).optional(),
});

const rulesSchema = z.strictObject({
  maxLineLength: wholeBetween("a line length", 16, 80).optional(),
  maxLines: wholeBetween("a number of lines", 1, 3).optional(),
  minDuration: between("a shortest cue", 0.5, 5, " s").optional(),
  maxDuration: between("a longest cue", 2, 20, " s").optional(),
  maxCharsPerSecond: between("a reading speed", 5, 40, " characters a second").optional(),
});

/**
 * The `captions` field: `{ burn, style: { size, color, outline, box }, rules: { maxLineLength, maxLines,
 * minDuration, maxDuration, maxCharsPerSecond } }`, every part optional.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionsSchema } from "./captions_schema.ts";
 * assert.ok(captionsSchema.safeParse({ burn: true, style: { size: 0.06, box: true } }).success);
 * assert.equal(captionsSchema.safeParse({ rules: { maxLines: 4 } }).error?.issues[0]?.message, "Expected a number of lines from 1 to 3");
 * ```
 */
export const captionsSchema = z.strictObject({
  burn: z.boolean({ error: "Expected burn: true or false" }).optional(),
  style: styleSchema.optional(),
  rules: rulesSchema.optional(),
});

/** The `captions` field as a workflow file writes it. */
export type CaptionsInput = z.output<typeof captionsSchema>;

/** A lesson's captions with every field resolved. */
export interface ResolvedCaptions {
  /** True to burn the captions into every video. */
  burn: boolean;
  /** How burned captions look. */
  style: CaptionStyle;
  /** The rules every cue follows. */
  rules: CaptionRules;
}
