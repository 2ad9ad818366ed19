/**
 * A recipe: a declarative chain of transforms from an input video to outputs (format and fit, trim, speed, frame
 * rate, colour, mirror, rotation, zoom, a text or image overlay, audio gain and loudness, codec and a bitrate
 * ladder, HLS), and optionally `random` ranges from which N distinct transform sets are drawn with a seed.
 * @module
 */
import { z } from "zod";
import { color, formatText, nonBlank, oneOf, slug } from "../../schema/fields.ts";
import { parseSize } from "../../core/units.ts";

/** `[low, high]`: a number is drawn between them. */
const range = (low: number, high: number) =>
  z.tuple([z.number().min(low).max(high), z.number().min(low).max(high)]).refine(
    ([a, b]) => a <= b,
    "Expected [low, high] with low ≤ high",
  );

/** A bitrate like `2.5M`, `800k` or a number of bits per second. */
const bitrate = z.union([
  z.number().int().min(10_000),
  z.string().refine((text) => parseSize(text) !== null, 'Expected a bitrate like "2.5M" or "800k"'),
]);

/** Where an overlay sits. */
export const POSITIONS = [
  "top-left",
  "top",
  "top-right",
  "left",
  "center",
  "right",
  "bottom-left",
  "bottom",
  "bottom-right",
] as const;

const overlaySchema = z.union([
  z.strictObject({
    text: nonBlank("Overlay text").max(200),
    position: oneOf(POSITIONS).optional(),
    size: z.number().min(0.01).max(0.5).optional(),
    color: color.optional(),
    opacity: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({
    image: nonBlank("Overlay image path"),
    position: oneOf(POSITIONS).optional(),
    size: z.number().min(0.01).max(1).optional(),
    opacity: z.number().min(0).max(1).optional(),
  }),
]);

const colourSchema = z.strictObject({
  brightness: z.number().min(-1).max(1).optional(),
  contrast: z.number().min(0).max(3).optional(),
  saturation: z.number().min(0).max(3).optional(),
  hue: z.number().min(-180).max(180).optional(),
});

const randomSchema = z.strictObject({
  count: z.number().int().min(1).max(1000).optional(),
  seed: z.union([z.number().int(), nonBlank("Seed")]).optional(),
  speed: range(0.25, 4).optional(),
  zoom: range(1, 4).optional(),
  rotate: range(-45, 45).optional(),
  trimStart: range(0, 86_400).optional(),
  gain: range(-30, 30).optional(),
  color: z.strictObject({
    brightness: range(-1, 1).optional(),
    contrast: range(0, 3).optional(),
    saturation: range(0, 3).optional(),
    hue: range(-180, 180).optional(),
  }).optional(),
  mirror: z.boolean().optional(),
});

const renditionSchema = z.strictObject({
  // H.264's 4:2:0 needs even heights: 17 failed in libx264, after the other renditions were written.
  height: z.number().int().min(16).max(4320).refine((height) => height % 2 === 0, {
    message: "Expected an even height (H.264 needs one), like 360 or 720",
  }),
  bitrate: bitrate.optional(),
});

/** A recipe as a workflow file or a recipe file writes it. */
export const recipeSchema = z.strictObject({
  name: slug("Expected a lowercase name like vertical"),
  format: formatText.optional(),
  fit: oneOf(["crop", "pad", "blur", "stretch"]).optional(),
  focus: z.strictObject({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).optional(),
  background: color.optional(),
  trim: z.strictObject({
    start: z.number().min(0).optional(),
    duration: z.number().positive().optional(),
  }).optional(),
  speed: z.number().min(0.25).max(4).optional(),
  fps: z.number().min(1).max(120).optional(),
  zoom: z.number().min(1).max(4).optional(),
  color: colourSchema.optional(),
  mirror: z.boolean().optional(),
  rotate: z.number().min(-360).max(360).optional(),
  overlay: overlaySchema.optional(),
  audio: z.strictObject({
    gain: z.number().min(-30).max(30).optional(),
    normalize: z.union([z.boolean(), z.strictObject({ loudness: z.number().min(-70).max(-5) })]).optional(),
    mute: z.boolean().optional(),
  }).optional(),
  video: z.strictObject({
    codec: oneOf(["h264", "hevc"]).optional(),
    preset: oneOf(["fast", "fastest"]).optional(),
    crf: z.number().int().min(0).max(51).optional(),
    bitrate: bitrate.optional(),
  })
    // nt5: both were taken and the crf dropped, unsaid.
    .refine((video) => video.crf === undefined || video.bitrate === undefined, {
      message: 'Give "crf" (a quality) or "bitrate" (a size), not both',
    })
    .optional(),
  renditions: z.array(renditionSchema).min(1).max(8).optional(),
  hls: z.boolean().optional(),
  random: randomSchema.optional(),
})
  // rv8, rv9: a rendition with a bitrate of its own takes neither the video's crf nor its bitrate; when every one
  // has, they were dropped, unsaid.
  .superRefine((recipe, context) => {
    if (recipe.renditions?.every((rendition) => rendition.bitrate !== undefined) !== true) return;
    for (const field of ["crf", "bitrate"] as const) {
      if (recipe.video?.[field] === undefined) continue;
      context.addIssue({
        code: "custom",
        path: ["video", field],
        message: `Every rendition has a bitrate, which it is encoded to: the "${field}" applies to none`,
      });
    }
  });

/** A recipe as written. */
export type RecipeInput = z.output<typeof recipeSchema>;

/** A recipe's `random` ranges as written. */
export type RandomInput = NonNullable<RecipeInput["random"]>;

/** An overlay as written. */
export type OverlayInput = NonNullable<RecipeInput["overlay"]>;
