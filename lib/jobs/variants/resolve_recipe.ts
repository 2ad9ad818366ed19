/**
 * Resolving a recipe: every transform made explicit, the random sets drawn, the overlay's image or font found and
 * digested, bitrates read.
 * @module
 */
import type { WorkflowIssue } from "../../core/errors.ts";
import { readUserFile, unreadableUserFile } from "../../core/read_user_file.ts";
import { sha256Hex } from "../../core/sha256.ts";
import { type CaptionFont, noFontMessage } from "../../media/caption_font.ts";
import {
  fontForText,
  noOneFontMessage,
  textFontIdentity,
} from "../../providers/local/slides/font_for_text.ts";
import { imageProblem } from "../../media/image_problem.ts";
import { sniffImage } from "../../media/sniff_media.ts";
import { parseFormat } from "../../schema/formats.ts";
import { parseSize } from "../../core/units.ts";
import { drawTransformSets } from "./draw_variants.ts";
import type { OverlayInput, RecipeInput } from "./recipe_schema.ts";
import type { AppliedOverlay, Rendition, ResolvedRecipe, TransformSet } from "./variants_schema.ts";

/** Defaults applied where a recipe leaves a field out. */
export const RECIPE_DEFAULTS = {
  fit: "crop",
  background: "#000000",
  crf: 23,
  preset: "fast",
  loudness: -16,
  overlay: { position: "bottom-right", textSize: 0.06, imageSize: 0.2, color: "#ffffff", opacity: 0.85 },
  random: { count: 1, seed: 1 },
} as const;

/** What resolving a recipe reads besides the recipe. */
export interface RecipeContext {
  /** Where the recipe was written, for messages. */
  path: string;
  /** The folder relative paths (an overlay image) are read from. */
  baseDir: string;
  /** Overrides the random count (`--count`), or null. */
  count: number | null;
  /** Overrides the random seed (`--seed`), or null. */
  seed: number | string | null;
  /** Finds the caption font (for a text overlay). */
  font: () => Promise<CaptionFont | null>;
  /** Reads environment variables (where the font was looked for, said when it is missing). */
  env: (name: string) => string | undefined;
  /** Problems go here. */
  issues: WorkflowIssue[];
}

/**
 * Resolves a recipe.
 *
 * @param recipe The recipe as written.
 * @param context Its path, base folder, overrides, the font, and where problems go.
 * @returns The recipe, or null when it has problems (pushed to `context.issues`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveRecipe } from "./resolve_recipe.ts";
 * const recipe = await resolveRecipe({ name: "vertical", format: "9:16" }, {
 *   path: "recipes[0]", baseDir: ".", count: null, seed: null, font: () => Promise.resolve(null), env: () => undefined,
 *   issues: [],
 * });
 * assert.deepEqual(recipe?.sets[0]?.size, { width: 1080, height: 1920 });
 * ```
 */
export async function resolveRecipe(
  recipe: RecipeInput,
  context: RecipeContext,
): Promise<ResolvedRecipe | null> {
  const { path, issues } = context;
  const before = issues.length;
  // Its text was checked with the workflow's fields (`formatText`).
  const size = recipe.format === undefined ? null : parseFormat(recipe.format);
  const overlay = recipe.overlay === undefined ? null : await resolveOverlay(recipe.overlay, context);
  const base = baseSet(recipe, {
    size: size === null ? null : { width: size.width, height: size.height },
    overlay: overlay?.applied ?? null,
  });
  const random = recipe.random === undefined ? null : {
    count: context.count ?? recipe.random.count ?? RECIPE_DEFAULTS.random.count,
    seed: context.seed ?? recipe.random.seed ?? RECIPE_DEFAULTS.random.seed,
  };
  const sets = random === null
    ? [base]
    : drawTransformSets(base, recipe.random!, { ...random, name: recipe.name });
  if (sets === null) {
    issues.push({
      path: `${path}.random`,
      message: `Cannot draw ${
        random!.count
      } distinct variants from these ranges: widen them or ask for fewer`,
    });
  }
  const renditions = resolveRenditions(recipe);
  for (const [r, rendition] of renditions.entries()) {
    const first = renditions.findIndex((other) => other.height === rendition.height);
    if (rendition.height === null || first === r) continue;
    // Before: "Steps … and … would both write …" at the file, naming no field.
    issues.push({
      path: `${path}.renditions[${r}].height`,
      message:
        `Two renditions are ${rendition.height} px high (renditions[${first}] too): each writes its own file`,
    });
  }
  if (recipe.hls === true && recipe.renditions === undefined) {
    issues.push({
      path: `${path}.hls`,
      message: "HLS needs renditions, e.g. [{ height: 720 }, { height: 480 }]",
    });
  }
  if (issues.length > before || sets === null) return null;
  return {
    name: recipe.name,
    path,
    sets,
    random,
    video: {
      codec: recipe.video?.codec ?? "h264",
      crf: recipe.video?.crf ?? RECIPE_DEFAULTS.crf,
      preset: recipe.video?.preset ?? RECIPE_DEFAULTS.preset,
    },
    renditions,
    hls: recipe.hls ?? false,
    overlayImage: overlay?.image ?? null,
    fontFile: overlay?.font ?? null,
  };
}

/** The recipe's fixed transforms, every field explicit. */
function baseSet(
  recipe: RecipeInput,
  resolved: Pick<TransformSet, "size" | "overlay">,
): TransformSet {
  return {
    ...resolved,
    fit: recipe.fit ?? RECIPE_DEFAULTS.fit,
    focus: recipe.focus ?? { x: 0.5, y: 0.5 },
    background: recipe.background ?? RECIPE_DEFAULTS.background,
    trim: { start: recipe.trim?.start ?? 0, duration: recipe.trim?.duration ?? null },
    speed: recipe.speed ?? 1,
    fps: recipe.fps ?? null,
    zoom: recipe.zoom ?? 1,
    rotate: recipe.rotate ?? 0,
    mirror: recipe.mirror ?? false,
    color: {
      brightness: recipe.color?.brightness ?? 0,
      contrast: recipe.color?.contrast ?? 1,
      saturation: recipe.color?.saturation ?? 1,
      hue: recipe.color?.hue ?? 0,
    },
    audio: {
      gain: recipe.audio?.gain ?? 0,
      loudness: loudnessOf(recipe.audio?.normalize),
      mute: recipe.audio?.mute ?? false,
    },
  };
}

function loudnessOf(normalize: boolean | { loudness: number } | undefined): number | null {
  if (normalize === undefined || normalize === false) return null;
  return normalize === true ? RECIPE_DEFAULTS.loudness : normalize.loudness;
}

function resolveRenditions(recipe: RecipeInput): Rendition[] {
  const bits = (text: string | number | undefined) =>
    text === undefined ? null : typeof text === "number" ? text : parseSize(text);
  if (recipe.renditions === undefined) {
    return [{ name: null, height: null, bitrate: bits(recipe.video?.bitrate) }];
  }
  return recipe.renditions.map((rendition) => ({
    name: `${rendition.height}p`,
    height: rendition.height,
    bitrate: bits(rendition.bitrate ?? recipe.video?.bitrate),
  }));
}

async function resolveOverlay(
  overlay: OverlayInput,
  context: RecipeContext,
): Promise<{ applied: AppliedOverlay; image: string | null; font: string | null } | null> {
  const defaults = RECIPE_DEFAULTS.overlay;
  const position = overlay.position ?? defaults.position;
  const opacity = overlay.opacity ?? defaults.opacity;
  if ("text" in overlay) {
    const font = await context.font();
    if (font === null) {
      context.issues.push({
        path: `${context.path}.overlay.text`,
        message: noFontMessage("draw text", context.env),
      });
      return null;
    }
    // drawtext draws in one font: text the font lacks a character of (CJK, emoji) is drawn in the installed font
    // that has them all (before: boxes, exit 0), as a montage's caption is; text no one font draws is refused.
    const chosen = await fontForText(overlay.text, font.path);
    if (typeof chosen !== "string") {
      context.issues.push({
        path: `${context.path}.overlay.text`,
        message: noOneFontMessage("text", overlay.text, chosen),
      });
      return null;
    }
    const drawn = chosen === font.path ? font : { path: chosen, identity: textFontIdentity(chosen) };
    const size = overlay.size ?? defaults.textSize;
    const color = overlay.color ?? defaults.color;
    return {
      applied: { kind: "text", text: overlay.text, position, size, color, opacity, font: drawn.identity },
      image: null,
      font: drawn.path,
    };
  }
  const path = overlay.image.startsWith("/") ? overlay.image : `${context.baseDir}/${overlay.image}`;
  const where = `${context.path}.overlay.image`;
  let bytes: Uint8Array;
  try {
    bytes = await readUserFile(path);
  } catch (error) {
    // A folder, a path through a file (`logo.png/`), a link loop, a pipe: said in the user's words, not thrown.
    const why = unreadableUserFile(error, "image");
    if (why === null) throw error;
    context.issues.push({ path: where, message: `${why}: ${overlay.image}`, file: path });
    return null;
  }
  if (sniffImage(bytes) === null) {
    context.issues.push({ path: where, message: `Not a PNG or JPEG image: ${overlay.image}`, file: path });
    return null;
  }
  // Whole, not only its first bytes: a cut PNG passed, and ffmpeg failed every variant that drew it. Its chunks at
  // each load, as for a slide's images; its pixels are decoded by the preflight (see variants_kind.ts).
  const problem = imageProblem(bytes, { pixels: false });
  if (problem !== null) {
    context.issues.push({ path: where, message: `Cannot use ${overlay.image}: ${problem}`, file: path });
    return null;
  }
  const applied: AppliedOverlay = {
    kind: "image",
    image: sha256Hex(bytes),
    position,
    size: overlay.size ?? defaults.imageSize,
    opacity,
  };
  return { applied, image: path, font: null };
}
