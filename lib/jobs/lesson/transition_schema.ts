/**
 * The `transition` field of a lesson: how one part of a video gives way to the next (sections, title and end
 * cards), one of ffmpeg's `xfade` transitions over a short overlap; and its resolved form.
 * @module
 */
import { z } from "zod";

/** The transitions reel offers: those of ffmpeg's `xfade` that suit slides. */
export const TRANSITION_TYPES = [
  "fade",
  "fadeblack",
  "fadewhite",
  "dissolve",
  "wipeleft",
  "wiperight",
  "wipeup",
  "wipedown",
  "slideleft",
  "slideright",
  "slideup",
  "slidedown",
  "smoothleft",
  "smoothright",
  "circleopen",
  "circleclose",
  "radial",
  "pixelize",
] as const;

/** A transition's type. */
export type TransitionType = (typeof TRANSITION_TYPES)[number];

const type = z.enum(TRANSITION_TYPES, `Expected a transition: ${TRANSITION_TYPES.join(", ")}`);

/**
 * `transition: "fade"`, or `{ type, duration }` (0.1 to 2 seconds, 0.5 by default), or `false` for cuts (the
 * default).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transitionSchema } from "./transition_schema.ts";
 * assert.ok(transitionSchema.safeParse({ type: "slideleft", duration: 0.4 }).success);
 * assert.equal(transitionSchema.safeParse({ duration: 5 }).error?.issues[0]?.message, "Expected 0.1 to 2 seconds");
 * ```
 */
export const transitionSchema = z.union([
  // A boolean, not the literal false: a string then fails this branch on its type and reports the enum's message.
  z.boolean().refine((on) => !on, 'Expected false for cuts, or a transition such as "fade"').transform(() =>
    false as const
  ),
  z.string().pipe(type).meta({ enum: [...TRANSITION_TYPES] }),
  z.strictObject({
    type: type.optional(),
    duration: z.number().min(0.1, "Expected 0.1 to 2 seconds").max(2, "Expected 0.1 to 2 seconds").optional(),
  }),
]);

/** A transition as resolved: its type and length, or null for cuts. */
export type ResolvedTransition = { type: TransitionType; duration: number } | null;

/**
 * Resolves the field: a type alone lasts half a second; an object's missing type is a fade.
 *
 * @param input The field as parsed.
 * @returns The transition, or null for cuts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTransition } from "./transition_schema.ts";
 * assert.deepEqual(resolveTransition("fade"), { type: "fade", duration: 0.5 });
 * assert.equal(resolveTransition(undefined), null);
 * ```
 */
export function resolveTransition(input: z.output<typeof transitionSchema> | undefined): ResolvedTransition {
  if (input === undefined || input === false) return null;
  if (typeof input === "string") return { type: input, duration: 0.5 };
  return { type: input.type ?? "fade", duration: input.duration ?? 0.5 };
}
