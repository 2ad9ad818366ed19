/**
 * The zod schemas of a lesson's slide fields: code blocks and pictures on sections, title and end cards, themes.
 * @module
 */
import { z } from "zod";
import { color, nonBlank, oneOf, shownText } from "../../schema/fields.ts";
import { MISPLACED, misplacedMessages } from "../../schema/workflow_issues.ts";
import { THEME_NAMES } from "../../providers/local/slides/slide_themes.ts";

/**
 * A field that belongs elsewhere: absent is fine, any value fails with `message`, which says where it goes.
 *
 * @param message The message.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { misplaced } from "./slide_schema.ts";
 * assert.equal(misplaced("Put it in picture").safeParse("x.png").success, false);
 * ```
 */
export function misplaced(message: string) {
  // Marked, so that the fields its object requires are not said missing too (see `toWorkflowIssues`).
  const field = z.custom<never>(() => false, { error: message, params: { [MISPLACED]: true } });
  misplacedMessages.set(field, message);
  return field.optional();
}

/** How a picture's Ken Burns move goes: zoom in or out about the centre, or pan towards a side. */
export const KEN_BURNS_DIRECTIONS = ["in", "out", "left", "right", "up", "down"] as const;

const kenBurnsSchema = z.union([
  z.boolean(),
  z.strictObject({
    zoom: z.number().min(1.01, "Expected a zoom from 1.01 to 2 (1.1 is a slow push)")
      .max(2, "Expected a zoom from 1.01 to 2 (1.1 is a slow push)").optional(),
    direction: oneOf(KEN_BURNS_DIRECTIONS)
      .optional(),
  }),
]);

/** A local picture shown as a section's slide. */
export const pictureSchema = z.strictObject({
  provider: misplaced(
    "picture is a local image file ({ file, fit }); an image a provider generates goes in image: { provider, prompt }",
  ),
  file: nonBlank("Picture file"),
  fit: z.enum(["cover", "contain"], 'Expected "cover" (fill the frame) or "contain" (show it whole)')
    .optional(),
  caption: z.boolean().optional(),
  kenBurns: kenBurnsSchema.optional(),
});

/** A code block on a section's slide. */
export const codeSchema = z.strictObject({
  language: nonBlank("Language").optional(),
  text: z.string().refine((text) => text.trim() !== "", "Code text must not be empty"),
});

const seconds = z.number().min(0.5, "Expected 0.5 to 30 seconds").max(30, "Expected 0.5 to 30 seconds");

/** A video's title card: on (`true`, the default), off, or its fields. */
export const titleCardSchema = z.union([
  z.boolean(),
  z.strictObject({
    title: shownText("Title").optional(),
    subtitle: shownText("Subtitle").optional(),
    duration: seconds.optional(),
  }),
]);

/** A video's end card: off (`false`, the default), on, or its fields. */
export const endCardSchema = z.union([
  z.boolean(),
  z.strictObject({
    title: shownText("Title").optional(),
    text: shownText("Text").optional(),
    duration: seconds.optional(),
  }),
]);

/** The built-in themes' names, quoted: `"dark", "light"`. */
const quotedThemes = THEME_NAMES.map((name) => `"${name}"`);
const themeName = oneOf(THEME_NAMES);

/** A built-in theme's name, or a theme's fields over a built-in one (`dark` by default). */
export const themeSchema = z.union([
  // A string first, so that an object fails this branch on its type and reports the object branch's issues. A name
  // that is none says the object form too (before, only the three names: a user wanting their own colours was not
  // told they could).
  z.string().pipe(
    z.enum(THEME_NAMES, `Expected ${quotedThemes.join(", ")} or a theme's fields ({ background, ... })`),
  )
    .meta({ enum: [...THEME_NAMES] }),
  z.strictObject({
    name: themeName.optional(),
    background: color.optional(),
    foreground: color.optional(),
    accent: color.optional(),
    codeBackground: color.optional(),
    codeForeground: color.optional(),
    textScale: z.number().min(0.5, "Expected a text scale from 0.5 to 2")
      .max(2, "Expected a text scale from 0.5 to 2").optional(),
  }),
]);
