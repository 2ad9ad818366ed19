/**
 * Resolving a workflow's variants jobs: inputs (paths, globs, folders) found and digested, recipes (built-in names
 * or written out) resolved, and the names outputs will take checked for clashes.
 * @module
 */
import { type CaptionFont, captionFont } from "../../media/caption_font.ts";
import { expandInputFiles, type InputFile, VIDEO_FILES } from "../../schema/input_files.ts";
import { isMissing } from "../../core/exists.ts";
import { isRecord } from "../../core/is_record.ts";
import { mapBounded } from "../../core/map_bounded.ts";
import { readHead } from "../../core/read_full.ts";
import { seeksByIndex } from "../../media/sniff_media.ts";
import type { ResolveContext } from "../../schema/job_kind.ts";
import { workflowDir } from "../../schema/workflow_path.ts";
import { BUILTIN_RECIPES } from "./builtin_recipes.ts";
import { outputStem } from "./output_stem.ts";
import { resolveRecipe } from "./resolve_recipe.ts";
import type { ResolvedRecipe, ResolvedVariants, VariantsInput, VariantsJob } from "./variants_schema.ts";

/**
 * Resolves a workflow's variants fields.
 *
 * @param input The parsed fields.
 * @param context The workflow's file and where problems go.
 * @returns The jobs, or null when the workflow has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveVariants } from "./resolve_variants.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/talk.mp4`, "not really a video");
 * const issues: { path: string; message: string }[] = [];
 * const resolved = await resolveVariants({ variants: [{ inputs: ["*.mp4"], recipes: ["vertical"] }] }, {
 *   file: "w.ts", moduleUrl: `file://${dir}/w.ts`, env: () => undefined, providers: new Map(), timeout: null, issues,
 * });
 * assert.deepEqual(issues, []);
 * assert.equal(resolved?.jobs[0]?.inputs[0]?.stem, "talk");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function resolveVariants(
  input: VariantsInput,
  context: ResolveContext,
): Promise<ResolvedVariants | null> {
  if (input.variants === undefined) return null;
  const baseDir = workflowDir(context.moduleUrl);
  let font: Promise<CaptionFont | null> | null = null;
  const findFont = () => font ??= captionFont(context.env);
  const jobs: VariantsJob[] = [];
  const ids = new Set<string>();
  for (const [j, job] of input.variants.entries()) {
    const path = `variants[${j}]`;
    const id = job.id ?? (input.variants.length === 1 ? "variants" : `variants-${j + 1}`);
    if (ids.has(id)) context.issues.push({ path: `${path}.id`, message: `Duplicate variants id "${id}"` });
    ids.add(id);
    const files = await expandInputFiles(job.inputs, {
      baseDir,
      path: `${path}.inputs`,
      issues: context.issues,
      takes: {
        ...VIDEO_FILES,
        leaves: isVariantOutput,
        left: "variants reel made (their manifests beside them)",
      },
    });
    const recipes: ResolvedRecipe[] = [];
    for (const [r, recipe] of job.recipes.entries()) {
      const where = `${path}.recipes[${r}]`;
      // A name the schema checked (see `builtinName`).
      const written = typeof recipe === "string" ? BUILTIN_RECIPES[recipe]! : recipe;
      if (recipes.some((other) => other.name === written.name)) {
        context.issues.push({ path: where, message: `Two recipes are named "${written.name}"` });
      }
      const resolved = await resolveRecipe(written, {
        path: where,
        baseDir,
        count: job.count ?? null,
        seed: job.seed ?? null,
        font: findFont,
        env: context.env,
        issues: context.issues,
      });
      if (resolved === null) continue;
      // A recipe named like another's drawn variant (`remix-1` beside a random `remix`) writes its files: before,
      // "Steps "…/remix-1" and "…/remix-1" would both write …" at the file.
      const clash = recipes.find((other) =>
        variantNames(other).some((name) => variantNames(resolved).includes(name))
      );
      if (clash !== undefined && clash.name !== resolved.name) {
        const name = variantNames(resolved).find((name) => variantNames(clash).includes(name))!;
        context.issues.push({
          path: where,
          message:
            `Its variant "${name}" and ${clash.path} ("${clash.name}") would write the same files: rename one`,
        });
      }
      recipes.push(resolved);
    }
    // A seed and a count apply to the recipes with random ranges (a fixed recipe beside them makes one output per
    // input): refused only where no recipe has any. Before, a seed was taken beside a fixed recipe and a count
    // refused there.
    const fixed = recipes.length > 0 && recipes.every((recipe) => recipe.random === null);
    const names = recipes.map((recipe) => recipe.name).join(", ");
    if (fixed && job.seed !== undefined) {
      // Before: ignored, the manifests saying "seed": null.
      context.issues.push({
        path: `${path}.seed`,
        message:
          `A seed draws the variants of recipes with random ranges, and no recipe here has any (${names})`,
      });
    }
    if (fixed && (job.count ?? 1) > 1) {
      context.issues.push({
        path: `${path}.count`,
        message:
          `No recipe here has random ranges (${names}): each makes one output per input, not ${job.count}`,
      });
    }
    // Only where a recipe trims, a few files at once (600 opened at once ran out of file descriptors: review).
    const trims = recipes.some((recipe) => recipe.sets.some((set) => set.trim.start > 0));
    const inputs = await mapBounded(
      withStems(files, { path, issues: context.issues }),
      async (file) => ({ ...file, trimByDecoding: trims && await trimByDecoding(file) }),
      { concurrency: 8 },
    );
    jobs.push({ id, path, inputs, recipes });
  }
  return { jobs };
}

/**
 * Whether a trim of this file decodes it from its start rather than seeks: its container has no index of keyframes
 * (see {@linkcode seeksByIndex}). A stream is read through either way, and is not opened here (its writer waits).
 */
async function trimByDecoding(file: InputFile): Promise<boolean> {
  if (!file.identity.startsWith("sha256:")) return false;
  try {
    return !seeksByIndex(await readHead(file.path, 16));
  } catch (error) {
    // Gone since it was digested: its probe says so.
    if (!isMissing(error)) throw error;
    return false;
  }
}

/** The names a recipe's variants take in their files: its name, or one a draw (`remix-1`, `remix-2`…). */
function variantNames(recipe: ResolvedRecipe): string[] {
  return recipe.random === null ? [recipe.name] : recipe.sets.map((_, n) => `${recipe.name}-${n + 1}`);
}

/** Gives each input the stem its outputs are named by; two inputs with one stem would write the same files. */
function withStems<T extends { name: string }>(
  files: readonly T[],
  context: Pick<ResolveContext, "issues"> & { path: string },
): (T & { stem: string })[] {
  const stems = new Map<string, string>();
  return files.map((file) => {
    const stem = outputStem(file.name);
    const other = stems.get(stem);
    if (other !== undefined) {
      context.issues.push({
        path: `${context.path}.inputs`,
        message: `${other} and ${file.name} would write outputs of the same names (${stem}.*): rename one`,
      });
    }
    stems.set(stem, file.name);
    return { ...file, stem };
  });
}

/** The largest manifest read when a folder is listed (a variant's is a few kilobytes). */
const MANIFEST_MOST_BYTES = 1 << 20;

/**
 * Whether a video is one a variants run made: its manifest (`<name>.json`, with the recipe and the transforms) lies
 * beside it. A folder's listing leaves it out, so that `reel variants clips --out clips` run again does not take its
 * own outputs as inputs (before: refused as an output over an input, or, with another recipe, made variants of them).
 */
async function isVariantOutput(path: string): Promise<boolean> {
  const manifest = `${path.replace(/\.[^./]*$/, "")}.json`;
  let text: string;
  try {
    // A manifest is a small file (a few kilobytes): a folder, or anything large, of that name is the user's.
    const info = await Deno.stat(manifest);
    if (!info.isFile || info.size > MANIFEST_MOST_BYTES) return false;
    text = await Deno.readTextFile(manifest);
  } catch (error) {
    // One that cannot be read is not taken for a manifest: the video is an input, as before.
    if (isMissing(error) || error instanceof Deno.errors.PermissionDenied) return false;
    throw error;
  }
  try {
    const parsed = JSON.parse(text);
    return isRecord(parsed) && typeof parsed.recipe === "string" && isRecord(parsed.transforms);
  } catch (error) {
    // Not JSON: a file of the user's, not a manifest.
    if (error instanceof SyntaxError) return false;
    throw error;
  }
}
