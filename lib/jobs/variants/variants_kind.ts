/**
 * The variants job kind: inputs × recipes → outputs (renditions of a video, random variants of it, the same recipe
 * over a folder of files).
 * @module
 */
import { COMMAND_LINE, InputError, WorkflowError, type WorkflowIssue } from "../../core/errors.ts";
import { probeMedia } from "../../media/ffmpeg.ts";
import { type ReelFilter, requireFilters } from "../../media/ffmpeg_filters.ts";
import { decodedImageProblems } from "../../media/image_problem.ts";
import { ProcessError } from "../../media/run_process.ts";
import { holdsText, VIDEO_FILES } from "../../schema/input_files.ts";
import type { JobKind, PreflightContext } from "../../schema/job_kind.ts";
import { planVariants } from "./plan_variants.ts";
import { resolveVariants } from "./resolve_variants.ts";
import { encodeVariantStep } from "./steps/encode_variant_step.ts";
import { hlsMasterStep, hlsPlaylistStep } from "./steps/hls_playlist_step.ts";
import { manifestStep } from "./steps/manifest_step.ts";
import { probeInputStep } from "./steps/probe_input_step.ts";
import { type ResolvedVariants, variantsFields, type VariantsJob } from "./variants_schema.ts";

/**
 * Variants: the workflow's `variants` jobs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantsKind } from "./variants_kind.ts";
 * assert.ok("variants" in variantsKind.fields);
 * ```
 */
export const variantsKind: JobKind<typeof variantsFields, ResolvedVariants> = {
  name: "variants",
  fields: variantsFields,
  stepKinds: [probeInputStep, encodeVariantStep, manifestStep, hlsPlaylistStep, hlsMasterStep],
  resolve: resolveVariants,
  plan: planVariants,
  describe: (variants) =>
    variants.jobs.map((job) => {
      const outputs = job.recipes.reduce((n, recipe) => n + recipe.sets.length * recipe.renditions.length, 0);
      const recipes = job.recipes.map((recipe) => recipe.name).join(", ");
      return `${job.inputs.length} input${job.inputs.length === 1 ? "" : "s"} × recipes ${recipes}: ` +
        `${job.inputs.length * outputs} outputs`;
    }),
  engines: (variants) =>
    new Set([
      "encoder" as const,
      ...variants.jobs.flatMap((job) =>
        job.recipes.map((recipe) => `encoder:${recipe.video.codec}` as const)
      ),
    ]),
  preflight: preflightVariants,
  idsField: "variants",
  ids: (variants) => variants.jobs.map((job) => job.id),
  narrow: (variants, filters) => {
    const jobs = filters.only === null
      ? variants.jobs
      : variants.jobs.filter((job) => filters.only!.includes(job.id));
    return jobs.length === 0 ? null : { jobs };
  },
};

/**
 * The inputs must not be text (a workflow or a README named as a video: before, its probe failed at run time, exit
 * 1, a report written), the filters the recipes need must be in this ffmpeg, and each overlay image must decode
 * whole (its structure was read at load; here its pixels, as a slide's or a montage's: ffmpeg, which draws it,
 * went on past a corrupt JPEG and drew what it made of it).
 */
async function preflightVariants(variants: ResolvedVariants, context: PreflightContext): Promise<string[]> {
  // A stream (a pipe) is read once, by its step; an input whose probe the store holds was read whole before (its key
  // holds the file's digest).
  const files = variants.jobs.flatMap((job) =>
    job.inputs.filter((input) =>
      input.identity.startsWith("sha256:") && context.stored?.(`${job.id}/${input.stem}/probe`) === undefined
    ).map((input) => ({ job, input }))
  );
  for (const { job, input } of files) {
    if (!await holdsText(input.path)) continue;
    // Text ffmpeg reads as video (a Y4M file's header and pale rows, a playlist) is asked of ffprobe: pictures of a
    // size. Text named `.png` is "read", as a stream of pictures 0 pixels wide (nt12: refused only by its step).
    const unreadable = await probeMedia(context.ffmpeg, input.path, { signal: context.signal }).then(
      ({ streams }) =>
        streams.some((stream) =>
            stream.type === "video" && (stream.width ?? 0) > 0 && (stream.height ?? 0) > 0
          )
          ? null
          : undefined,
      (error: unknown) => {
        // Unreadable, or read with no length.
        if (error instanceof ProcessError || error instanceof RangeError) return error;
        throw error;
      },
    );
    if (unreadable === null) continue;
    throw new InputError(`${input.name} holds text, not media: give ${VIDEO_FILES.what}`, {
      where: `${inputPlace(job, input, context.file)} (${context.file})`,
      cause: unreadable,
    });
  }
  const needed = new Map<ReelFilter, string>();
  for (const job of variants.jobs) {
    for (const recipe of job.recipes) {
      for (const set of recipe.sets) {
        if (set.audio.loudness !== null) needed.set("loudnorm", `${recipe.path}.audio.normalize`);
        if (set.overlay?.kind === "text") needed.set("drawtext", `${recipe.path}.overlay`);
        if (set.fit === "blur" && set.size !== null) needed.set("gblur", `${recipe.path}.fit`);
      }
    }
  }
  await requireFilters(context.ffmpeg, needed, context);
  await checkOverlayImages(variants, context);
  return [];
}

/** Where an input was named: its pattern in the job's `inputs`, or, for `reel variants`, the file itself. */
function inputPlace(job: VariantsJob, input: VariantsJob["inputs"][number], file: string): string {
  return file === COMMAND_LINE ? input.name : `${job.path}.inputs[${input.pattern}]`;
}

/**
 * Each recipe's overlay image decodes whole: each file decoded once, a few at a time; none that only steps the store
 * holds read (they were made from these bytes: their keys hold the image's digest).
 */
async function checkOverlayImages(variants: ResolvedVariants, context: PreflightContext): Promise<void> {
  const read = context.plan === undefined ? null : new Set(
    context.plan.steps.flatMap((step) =>
      typeof step.runtime.overlayImage === "string" && context.stored?.(step.id) === undefined
        ? [step.runtime.overlayImage]
        : []
    ),
  );
  const uses = variants.jobs.flatMap((job) => job.recipes).flatMap((recipe) =>
    recipe.overlayImage === null || read?.has(recipe.overlayImage) === false
      ? []
      : [{ file: recipe.overlayImage, field: `${recipe.path}.overlay.image` }]
  );
  const found = await decodedImageProblems(
    context.ffmpeg,
    uses.map(({ file }) => ({ path: file, key: file })),
    {
      signal: context.signal,
    },
  );
  const issues: WorkflowIssue[] = uses.flatMap(({ file, field }) => {
    const problem = found.get(file)!;
    return problem === null ? [] : [{ path: field, message: `Cannot use ${file}: ${problem}` }];
  });
  if (issues.length > 0) throw new WorkflowError(context.file, issues);
}
