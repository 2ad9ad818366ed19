/**
 * The variants planner: per input a probe; per input, recipe, variant and rendition an encode (one ffmpeg process,
 * its own timeout, its failure its own) and a manifest beside it, the MP4 published with its manifest; per HLS
 * recipe a playlist per rendition (published with its MP4) and a master playlist (with the first of them).
 * @module
 */
import { TEXT_SEGMENTATION } from "../../core/segmenters.ts";
import { WorkflowError } from "../../core/errors.ts";
import type { Json } from "../../core/json.ts";
import { readAsPattern } from "../../media/ffmpeg.ts";
import { readOfIdentity, withReads } from "../../media/planned_reads.ts";
import { encoderIdentity, encoderThreads } from "../../media/video_encoder.ts";
import type { Draft } from "../../plan/plan_step.ts";
import type { JobPlan, PlanContext } from "../../schema/job_kind.ts";
import { kindFields } from "../../steps/step_kind.ts";
import {
  encodeVariantStep,
  TRIM_BY_DECODING,
  type VariantParams,
  variantQuality,
} from "./steps/encode_variant_step.ts";
import { hlsMasterStep, hlsPlaylistStep } from "./steps/hls_playlist_step.ts";
import { manifestStep } from "./steps/manifest_step.ts";
import { probeInputStep } from "./steps/probe_input_step.ts";
import type { ResolvedRecipe, ResolvedVariants, TransformSet, VariantsJob } from "./variants_schema.ts";
import { frameRate } from "../../media/frame_rate.ts";
import { readTransforms } from "./variant_filters.ts";

/**
 * Timeouts, in ms. An encode gets 5 minutes plus 5 s per input second, a probe a minute; a workflow's `timeout`
 * (`--timeout` of `reel variants`) replaces both bases (the steps that read an input, which may hang: a pipe no one
 * writes). A written file (a manifest, a playlist) keeps its 30 s, so a short timeout never leaves an output
 * published without its manifest.
 */
export const VARIANT_TIMEOUTS = {
  probe: { ms: 60_000, perMediaSecond: 0 },
  encode: { ms: 300_000, perMediaSecond: 5_000 },
  file: { ms: 30_000, perMediaSecond: 0 },
} as const;

type Common = Pick<Draft, "workflow" | "retries" | "tokenCost" | "backoff" | "scope" | "provider">;

/**
 * Expands the variants jobs into steps.
 *
 * @param variants The resolved jobs.
 * @param context The workflow's file, timeout and toolchain (the chosen encoders key the encodes).
 * @returns The steps.
 * @throws {WorkflowError} When a recipe asks for HEVC and no HEVC encoder works here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planVariants } from "./plan_variants.ts";
 * import { resolveRecipe } from "./resolve_recipe.ts";
 * const recipe = await resolveRecipe({ name: "vertical", format: "9:16" }, {
 *   path: "r", baseDir: ".", count: null, seed: null, font: () => Promise.resolve(null), env: () => undefined,
 *   issues: [],
 * });
 * const input = { name: "a.mp4", path: "/a.mp4", identity: "sha256:00", pattern: 0, stem: "a",
 *   trimByDecoding: false };
 * const toolchain = { ffmpeg: "f", espeak: null, slides: "s", encoders: { h264: { name: "libx264", codec: "h264" as const, hardware: false }, hevc: null, cores: 2 } };
 * const plan = planVariants({ jobs: [{ id: "v", path: "variants[0]", inputs: [input], recipes: [recipe!] }] }, {
 *   file: "w.ts", moduleUrl: "file:///w.ts", timeout: null, providers: new Map(), toolchain,
 * });
 * assert.deepEqual(plan.steps.map((step) => step.id), ["v/a/probe", "v/a/vertical", "v/a/vertical/manifest"]);
 * ```
 */
export function planVariants(variants: ResolvedVariants, context: PlanContext): JobPlan {
  const common: Common = {
    workflow: context.file,
    retries: 0,
    tokenCost: 0,
    backoff: { base: 0, cap: 0 },
    scope: { item: null, part: null },
    provider: null,
  };
  const steps = variants.jobs.flatMap((job) => jobSteps(job, { ...context, common }));
  return { steps, templates: [] };
}

type Context = PlanContext & { common: Common };

function jobSteps(job: VariantsJob, context: Context): Draft[] {
  const drafts: Draft[] = [];
  for (const input of job.inputs) {
    const prefix = `${job.id}/${input.stem}`;
    const probe = `${prefix}/probe`;
    drafts.push({
      ...context.common,
      ...kindFields(probeInputStep),
      id: probe,
      params: { input: input.identity },
      runtime: withReads({ path: input.path, name: input.name }, [
        readOfIdentity(input),
      ]),
      deps: [],
      engine: { ffmpeg: context.toolchain.ffmpeg },
      cpu: true,
      timeout: timeout("probe", context),
      output: null,
      extension: null,
    });
    for (const recipe of job.recipes) {
      const encoding = encoderOf(recipe, context);
      const { name, codec, hardware } = encoding.encoder as {
        name: string;
        codec: string;
        hardware: boolean;
      };
      for (const [n, set] of recipe.sets.entries()) {
        const variant = recipe.random === null ? "" : `-${n + 1}`;
        drafts.push(...outputSteps(recipe, {
          ...context,
          id: `${prefix}/${recipe.name}${variant}`,
          file: `${input.stem}.${recipe.name}${variant}`,
          probe,
          // What the graph reads of the set (the manifest lists it whole).
          base: {
            input: input.identity,
            set: readTransforms(set),
            video: recipe.video,
            encoder: encoding.encoder,
          },
          threads: encoding.threads,
          trimByDecoding: input.trimByDecoding,
          runtime: withReads({
            input: input.path,
            overlayImage: recipe.overlayImage,
            fontFile: recipe.fontFile,
          }, [
            readOfIdentity(input),
            recipe.overlayImage !== null && set.overlay?.kind === "image"
              ? { path: recipe.overlayImage, sha256: set.overlay.image }
              : null,
            recipe.fontFile !== null && set.overlay?.kind === "text"
              ? { path: recipe.fontFile, sha256: set.overlay.font }
              : null,
          ]),
          manifest: {
            input: input.name,
            recipe: recipe.name,
            variant: recipe.random === null ? null : n + 1,
            seed: recipe.random?.seed ?? null,
            transforms: set as unknown as Json,
            encoder: { name, codec, hardware },
          },
        }));
      }
    }
  }
  return drafts;
}

interface OutputContext extends Context {
  /** The step id of the output (renditions add `@720p`). */
  id: string;
  /** The output's file name without rendition or extension. */
  file: string;
  /** The input's probe step. */
  probe: string;
  base: Omit<VariantParams, "rendition" | "container" | "threads">;
  /** The encoder's threads at constant quality and at a bitrate (see `encoderThreads`). */
  threads: { quality: number | null; bitrate: number | null };
  runtime: Record<string, Json>;
  manifest: Record<string, Json>;
  /** Whether a trim decodes the input from its start (see `trimByDecoding` of the resolved inputs). */
  trimByDecoding: boolean;
}

function outputSteps(recipe: ResolvedRecipe, context: OutputContext): Draft[] {
  const drafts: Draft[] = [];
  const encodes: { id: string; playlist: string }[] = [];
  for (const rendition of recipe.renditions) {
    const id = rendition.name === null ? context.id : `${context.id}@${rendition.name}`;
    const file = rendition.name === null ? context.file : `${context.file}.${rendition.name}`;
    const container = recipe.hls ? "hls" : "mp4";
    const fixed = fixesOf(context.base.set, {
      container,
      overlay: context.runtime.overlayImage,
      trimByDecoding: context.trimByDecoding,
    });
    const threads = rendition.bitrate === null ? context.threads.quality : context.threads.bitrate;
    const params: VariantParams = {
      ...context.base,
      // A rendition of a bitrate is encoded without the crf (see `variantQuality`): not keyed by it (rv25).
      video: { ...context.base.video, crf: rendition.bitrate === null ? context.base.video.crf : null },
      threads,
      rendition,
      container,
      ...fixed.length === 0 ? {} : { fixed },
    };
    const manifest = `${id}/manifest`;
    drafts.push(
      {
        ...context.common,
        ...kindFields(encodeVariantStep),
        id,
        params: params as unknown as Json,
        runtime: context.runtime,
        deps: [context.probe],
        // Drawn text is cut into characters and runs first (see `drawtextText`).
        engine: {
          ffmpeg: context.toolchain.ffmpeg,
          ...context.base.set.overlay?.kind === "text" ? { text: TEXT_SEGMENTATION } : {},
        },
        cpu: true,
        timeout: timeout("encode", context),
        output: `${file}.mp4`,
        // Published once its manifest is, right after it: never an MP4 without its manifest, nor this run's MP4
        // beside an earlier run's manifest (a run stopped or killed before the manifest leaves the earlier pair).
        publishWith: [manifest],
        extension: "mp4",
      },
      fileStep(manifestStep, {
        ...context,
        id: manifest,
        deps: [id],
        params: {
          manifest: {
            ...context.manifest,
            // How it was encoded, as the recipe says it (nt5: the quality was missing).
            encoder: {
              ...context.manifest.encoder as Record<string, Json>,
              threads,
              ...variantQuality({ video: context.base.video, rendition }),
            },
            rendition: rendition.name,
            output: { file: `${file}.mp4` },
          },
        },
        output: `${file}.json`,
        extension: "json",
      }),
    );
    if (recipe.hls) {
      drafts.push(fileStep(hlsPlaylistStep, {
        ...context,
        id: `${id}/playlist`,
        deps: [id],
        params: { media: `${file}.mp4` },
        output: `${file}.m3u8`,
        publishWith: [id],
        extension: "m3u8",
      }));
      encodes.push({ id, playlist: `${file}.m3u8` });
    }
  }
  if (recipe.hls) {
    drafts.push(fileStep(hlsMasterStep, {
      ...context,
      id: `${context.id}/hls`,
      deps: encodes.map((encode) => encode.id),
      params: { playlists: encodes.map((encode) => encode.playlist) },
      output: `${context.file}.m3u8`,
      publishWith: encodes.map((encode) => `${encode.id}/playlist`),
      extension: "m3u8",
    }));
  }
  return drafts;
}

/** A small step that writes a text file from its inputs' values (a manifest, a playlist). */
function fileStep(
  definition: Parameters<typeof kindFields>[0],
  fields: Context & Pick<Draft, "id" | "deps" | "params" | "output" | "publishWith" | "extension">,
): Draft {
  return {
    ...fields.common,
    ...fields.publishWith === undefined ? {} : { publishWith: fields.publishWith },
    ...kindFields(definition),
    id: fields.id,
    params: fields.params,
    runtime: {},
    deps: fields.deps,
    engine: null,
    cpu: false,
    timeout: timeout("file", fields),
    output: fields.output,
    extension: fields.extension,
  };
}

function encoderOf(
  recipe: ResolvedRecipe,
  context: Context,
): { encoder: Json; threads: { quality: number | null; bitrate: number | null } } {
  const encoders = context.toolchain.encoders;
  if (encoders === null) throw new TypeError("Planning variants needs the toolchain's encoders");
  const encoder = recipe.video.codec === "hevc" ? encoders.hevc : encoders.h264;
  if (encoder === null) {
    throw new WorkflowError(context.file, [{
      path: `${recipe.path}.video.codec`,
      message: "No HEVC encoder works with this ffmpeg (libx265 or a hardware one): use h264",
    }]);
  }
  return {
    encoder: encoderIdentity(encoder),
    threads: {
      quality: encoderThreads(encoder, encoders.cores),
      bitrate: encoderThreads(encoder, encoders.cores, { bitrate: true }),
    },
  };
}

/** A step's timeout: the workflow's `timeout` replaces the base of a step that reads an input (a probe, an encode). */
function timeout(kind: keyof typeof VARIANT_TIMEOUTS, context: PlanContext): Draft["timeout"] {
  const base = VARIANT_TIMEOUTS[kind];
  const ms = kind === "encode" || kind === "probe" ? context.timeout ?? base.ms : base.ms;
  return { ms, perMediaSecond: base.perMediaSecond };
}

/**
 * The fixes to the encode step that changed an output's bytes, named in its params so that what was stored before
 * them is made again and every other output keeps its key (the step's version would have re-keyed them all): a new
 * speed without a rate of its own (frames picked by fps), an NTSC rate (its exact fraction), an HLS stream (its
 * playlist's target duration), an overlay image whose name has a `%` (read as itself), a trim of an input without
 * an index of keyframes (decoded from its start: its seek lost the pictures up to the next keyframe).
 */
function fixesOf(
  set: TransformSet,
  context: { container: "mp4" | "hls"; overlay: Json | undefined; trimByDecoding: boolean },
): string[] {
  return [
    ...set.speed !== 1 && set.fps === null ? ["speed-frames"] : [],
    ...set.fps !== null && frameRate(set.fps).endsWith("/1001") ? ["ntsc-rate"] : [],
    ...context.container === "hls" ? ["hls-target"] : [],
    ...typeof context.overlay === "string" && readAsPattern(context.overlay) ? ["overlay-name"] : [],
    ...set.trim.start > 0 && context.trimByDecoding ? [TRIM_BY_DECODING] : [],
  ];
}
