/**
 * The variants job's part of a workflow file (inputs × recipes → outputs) and the resolved types its planner and
 * steps read: every transform explicit, every random draw made.
 * @module
 */
import { z } from "zod";
import { nonBlank, SLUG, slug } from "../../schema/fields.ts";
import type { InputFile } from "../../schema/input_files.ts";
import { type POSITIONS, recipeSchema } from "./recipe_schema.ts";
import { BUILTIN_RECIPES } from "./builtin_recipes.ts";
import { didYouMean } from "../../core/closest_name.ts";

/**
 * A built-in recipe's name, checked with the recipes written out (nt13: an unknown name was told only once a recipe
 * file's mistakes were mended, a round later).
 */
const builtinName = z.string().regex(SLUG, "Expected a recipe name like vertical").superRefine(
  (name, context) => {
    // A name that is not one (`Vertical`) is told once, by the pattern (rv27: told twice at one path).
    if (!SLUG.test(name) || Object.hasOwn(BUILTIN_RECIPES, name)) return;
    const names = Object.keys(BUILTIN_RECIPES);
    context.addIssue({
      code: "custom",
      message: `Unknown recipe "${name}"${didYouMean(name, names)} (built-in recipes: ${names.join(", ")})`,
    });
  },
);

const jobSchema = z.strictObject({
  id: slug("Expected a lowercase id like clips").optional(),
  inputs: z.array(nonBlank("Input")).min(1, "Give at least one input file or glob"),
  recipes: z.array(z.union([builtinName, recipeSchema])).min(1, "Give at least one recipe"),
  count: z.number().int().min(1).max(1000).optional(),
  seed: z.union([z.number().int(), nonBlank("Seed")]).optional(),
});

/** The workflow fields the variants job kind owns. */
export const variantsFields = {
  variants: z.array(jobSchema).min(1, "Give at least one variants job").optional(),
};

/** The variants fields as parsed. */
export type VariantsInput = z.output<z.ZodObject<typeof variantsFields>>;

/** A variants job as a workflow file writes it. */
export type VariantsJobInput = z.input<typeof jobSchema>;

/** Where an overlay sits. */
export type Position = (typeof POSITIONS)[number];

/** A text or image drawn over the video, resolved. */
export type AppliedOverlay =
  | {
    kind: "text";
    text: string;
    position: Position;
    /** Text height as a share of the frame's height. */
    size: number;
    color: string;
    opacity: number;
    /** The font's digest (its path is a run-time detail). */
    font: string;
  }
  | {
    kind: "image";
    /** The image's digest (its path is a run-time detail). */
    image: string;
    position: Position;
    /** Image width as a share of the frame's width. */
    size: number;
    opacity: number;
  };

/** One transform set: what is done to an input to make one output, every field explicit. */
export interface TransformSet {
  /** The output frame, or null to keep the input's (its width and height made even). */
  size: { width: number; height: number } | null;
  /** How the input fills a frame of another shape: centre crop, pad, blurred background, or stretch. */
  fit: "crop" | "pad" | "blur" | "stretch";
  /** The point the crop keeps in view, as shares of the width and height (0.5, 0.5: the centre). */
  focus: { x: number; y: number };
  /** The padding colour. */
  background: string;
  /** Seconds from the input's start, and how many to keep (null: to the end). */
  trim: { start: number; duration: number | null };
  /** Playback speed (2: twice as fast). */
  speed: number;
  /** Output frame rate, or null for the input's. */
  fps: number | null;
  /** Zoom into the centre (1: none). */
  zoom: number;
  /** Rotation in degrees, clockwise (multiples of 90 turn the frame; others tilt it inside it). */
  rotate: number;
  /** Mirror left to right. */
  mirror: boolean;
  /** Colour changes (0, 1, 1, 0: none). */
  color: { brightness: number; contrast: number; saturation: number; hue: number };
  /** A text or image over the video, or null. */
  overlay: AppliedOverlay | null;
  /** Gain in dB, loudness target in LUFS (null: none), or no audio at all. */
  audio: { gain: number; loudness: number | null; mute: boolean };
}

/** One rendition of an output: its height and bitrate (the ladder), or the frame as it is. */
export interface Rendition {
  /** Its name in file names (`720p`), or null for the single output of a recipe without renditions. */
  name: string | null;
  /** Its height in pixels, or null for the transform's frame. */
  height: number | null;
  /** Bits per second, or null for constant quality. */
  bitrate: number | null;
}

/** A recipe, resolved: its transform sets (one, or the N drawn), encoding and packaging. */
export interface ResolvedRecipe {
  /** Its name, in file names and step ids. */
  name: string;
  /** Where it was written, for messages (`variants[0].recipes[1]`). */
  path: string;
  /** One set per output variant: one for a fixed recipe, N for a random one. */
  sets: TransformSet[];
  /** The seed and count the sets were drawn with, or null for a fixed recipe. */
  random: { seed: number | string; count: number } | null;
  /** Codec, constant quality (renditions give their own bitrates) and the encoder's speed. */
  video: { codec: "h264" | "hevc"; crf: number; preset: "fast" | "fastest" };
  /** At least one. */
  renditions: Rendition[];
  /** Also write HLS playlists (the renditions are then fragmented MP4). */
  hls: boolean;
  /** The overlay image's path, or null (run-time: the key holds its digest). */
  overlayImage: string | null;
  /** The font's path, or null (run-time: the key holds its digest). */
  fontFile: string | null;
}

/** One variants job: inputs × recipes. */
export interface VariantsJob {
  /** Its id (steps are named `<id>/<input>/…`). */
  id: string;
  /** Where it was written, for messages (`variants[0]`). */
  path: string;
  /**
   * The input files, each with the stem its outputs are named by, and whether a trim decodes it from its start (its
   * container has no index of keyframes for `-ss` to land by: see `seeksByIndex`).
   */
  inputs: (InputFile & { stem: string; trimByDecoding: boolean })[];
  /** The recipes. */
  recipes: ResolvedRecipe[];
}

/** The workflow's variants jobs. */
export interface ResolvedVariants {
  /** In the order written. */
  jobs: VariantsJob[];
}
