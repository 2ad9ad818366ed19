/**
 * How a worker loads each step kind's code when its first step of that kind arrives, so that a worker holds only
 * the kinds its run uses: a lesson's worker never compiles the transcription, montage or variants code (about 20
 * MB less for each worker). {@linkcode ./step_kinds.ts} lists the same kinds eagerly for the main thread; a test
 * checks that both list the same definitions. Each import is a literal, so `deno compile` bundles it.
 * @module
 */
import type { StepKindDefinition } from "../steps/step_kind.ts";

/** Loads one step kind's definition. */
export type StepKindLoader = () => Promise<StepKindDefinition>;

/**
 * The loader of every registered step kind, by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { STEP_KIND_LOADERS } from "./step_kind_loaders.ts";
 * assert.equal((await STEP_KIND_LOADERS.video!()).kind, "video");
 * ```
 */
export const STEP_KIND_LOADERS: Readonly<Record<string, StepKindLoader>> = {
  speech: async () => (await import("../steps/speech/speech_step.ts")).speechStep,
  image: async () => (await import("../steps/image/image_step.ts")).imageStep,
  slide: async () => (await import("../steps/slide/slide_step.ts")).slideStep,
  "slide-layer": async () => (await import("../steps/slide/slide_layer_step.ts")).slideLayerStep,
  "slide-fit": async () => (await import("../steps/slide/slide_fit_step.ts")).slideFitStep,
  narration: async () => (await import("../jobs/lesson/steps/narration_step.ts")).narrationStep,
  stills: async () => (await import("../jobs/lesson/steps/stills_step.ts")).stillsStep,
  clips: async () => (await import("../jobs/lesson/steps/clips_step.ts")).clipsStep,
  video: async () => (await import("../jobs/lesson/steps/video_step.ts")).videoStep,
  subtitles: async () => (await import("../jobs/lesson/steps/subtitles_step.ts")).subtitlesStep,
  cues: async () => (await import("../jobs/lesson/steps/cues_step.ts")).cuesStep,
  "transcribe-probe": async () => (await import("../jobs/transcribe/steps/probe_step.ts")).probeStep,
  "transcribe-decode": async () => (await import("../jobs/transcribe/steps/decode_step.ts")).decodeStep,
  "transcribe-split": async () => (await import("../jobs/transcribe/steps/split_step.ts")).splitStep,
  "transcribe-chunk": async () => (await import("../jobs/transcribe/steps/chunk_step.ts")).chunkStep,
  "transcribe-merge": async () => (await import("../jobs/transcribe/steps/merge_step.ts")).mergeStep,
  "transcribe-format": async () => (await import("../jobs/transcribe/steps/format_step.ts")).formatStep,
  custom: async () => (await import("../jobs/custom/custom_step.ts")).customStep,
  "probe-input": async () => (await import("../jobs/variants/steps/probe_input_step.ts")).probeInputStep,
  variant: async () => (await import("../jobs/variants/steps/encode_variant_step.ts")).encodeVariantStep,
  "variant-manifest": async () => (await import("../jobs/variants/steps/manifest_step.ts")).manifestStep,
  "hls-playlist": async () => (await import("../jobs/variants/steps/hls_playlist_step.ts")).hlsPlaylistStep,
  "hls-master": async () => (await import("../jobs/variants/steps/hls_playlist_step.ts")).hlsMasterStep,
  "montage-grid": async () => (await import("../jobs/montage/steps/grid_step.ts")).gridStep,
  "montage-strip": async () => (await import("../jobs/montage/steps/strip_chunk_step.ts")).stripChunkStep,
  "montage-join": async () => (await import("../jobs/montage/steps/strip_join_step.ts")).stripJoinStep,
};
