/**
 * The lesson's planner: per section its speech once, its generated image if any, and a slide per format (and for
 * a moving picture its two layers, the picture and the caption band, per format); per video
 * its title and end card slides per format (`video/title@format`, `video/end@format`), the narration (every section's speech joined on whole frames and encoded once), per format the stills (every
 * slide encoded once) and the video (the stills shown for their sections' frames, muxed with the narration), and the
 * captions (`captions/plan_captions.ts`).
 * @module
 */
import type { Json } from "../../core/json.ts";
import type { Draft, StepScope } from "../../plan/plan_step.ts";
import { providerEngine, providerRuntime, type ResolvedProvider } from "../../plan/provider_settings.ts";
import { slideProviderId, speechProviderId } from "../../providers/local/local_provider_ids.ts";
import type { SlideLayer } from "../../providers/local/slides/render_slide.ts";
import type { Format } from "../../schema/formats.ts";
import type { JobPlan, PlanContext } from "../../schema/job_kind.ts";
import { imageStep } from "../../steps/image/image_step.ts";
import { kindFields } from "../../steps/step_kind.ts";
import { slideLayerStep } from "../../steps/slide/slide_layer_step.ts";
import { slideStep } from "../../steps/slide/slide_step.ts";
import { speechStep } from "../../steps/speech/speech_step.ts";
import type { ResolvedLesson, ResolvedSection, ResolvedVideo } from "./lesson_schema.ts";
import { layerParams, type LessonSlide, lessonSlides, sectionSlide, slideParams } from "./lesson_slides.ts";
import { cuesDraft, subtitlesDrafts } from "./captions/plan_captions.ts";
import { narrationStep, soundParams } from "./steps/narration_step.ts";
import { NARRATION_PART_SECONDS } from "../../media/narration_encoding.ts";
import { withReads } from "../../media/planned_reads.ts";
import { formatStepId, pictureDrafts } from "./plan_pictures.ts";

/**
 * Rough CPU seconds per unit of work, measured on 2 cores at 1080p: what the scheduler ranks ready steps by, so the
 * speech → narration chain (one long AAC encode) starts before the slides that can fill the other cores.
 */
const COST = {
  speechPerCharacter: 0.001,
  slidePerPixel: 2e-8,
  narrationPerCharacter: 0.0006,
} as const;

/** Default timeouts per kind, in ms; a workflow's `timeout` replaces `ms`. */
const TIMEOUTS = {
  speech: { ms: 60_000, perCharacter: 20 },
  http: { decode: 60_000 },
  slide: { ms: 60_000, perMediaSecond: 0 },
  narration: { ms: 60_000, perMediaSecond: 500 },
} as const;

/** The layers of a moving picture's slide, each a step per format. */
const SLIDE_LAYERS: readonly SlideLayer[] = ["picture", "band"];

/** What every step of a lesson shares before it says what it is. */
type Common = Pick<Draft, "workflow" | "runtime" | "retries" | "tokenCost" | "backoff" | "output">;

/**
 * Expands a lesson into steps.
 *
 * @param lesson The resolved lesson.
 * @param context The workflow's file, timeout, providers and toolchain.
 * @returns The steps (a lesson has no templates).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planLesson } from "./plan_lesson.ts";
 * import { resolveCaptions } from "./captions/resolve_captions.ts";
 * const toolchain = { ffmpeg: "ffmpeg 5.1", espeak: null, slides: "resvg 2.6.2", encoders: null };
 * const voice = { provider: "flite", engine: "flite" as const, voice: "rms", rate: 165, model: null };
 * const section = { id: "s1", path: "videos[0].sections[0]", title: "T", bullets: [], narration: "N", background: { color: "#000", image: null }, image: null, voice, code: null, picture: null };
 * const theme = { name: "dark" as const, background: "#000", foreground: "#fff", accent: "#ff0", codeBackground: "#111", codeForeground: "#eee", textScale: 1 };
 * const lesson = { videos: [{ id: "a", title: "T", sections: [section], titleCard: null, endCard: null, music: null }], formats: [{ name: "16x9", width: 1920, height: 1080 }], fps: 30, theme, captions: resolveCaptions(undefined, []), captionFont: null, transition: null, loudness: null };
 * const plan = planLesson(lesson, { file: "a.ts", moduleUrl: "file:///a.ts", timeout: null, providers: new Map(), toolchain });
 * assert.deepEqual(plan.steps.map((step) => step.kind), ["speech", "cues", "slide", "narration", "stills", "video", "subtitles", "subtitles"]);
 * ```
 */
export function planLesson(lesson: ResolvedLesson, context: PlanContext): JobPlan {
  const common: Common = {
    workflow: context.file,
    runtime: {},
    retries: 0,
    tokenCost: 0,
    backoff: { base: 0, cap: 0 },
    output: null,
  };
  const steps = lesson.videos.flatMap((video) => videoSteps(video, lesson, { ...context, common }));
  return { steps, templates: [] };
}

type Context = PlanContext & { common: Common };

function videoSteps(video: ResolvedVideo, lesson: ResolvedLesson, context: Context): Draft[] {
  const drafts = video.sections.flatMap((section) => sectionSteps(section, video, lesson, context));
  drafts.push(...cardDrafts(video, lesson, context));
  const scope = { item: video.id, part: null };
  const ffmpeg = { ffmpeg: context.toolchain.ffmpeg };
  const narrationId = narrationStepId(video.id);
  const speech = video.sections.map((section) => speechStepId(video.id, section.id));
  const characters = video.sections.reduce((sum, section) => sum + section.narration.length, 0);
  drafts.push({
    ...context.common,
    ...kindFields(narrationStep),
    id: narrationId,
    cost: COST.narrationPerCharacter * characters,
    params: {
      fps: lesson.fps,
      lead: video.titleCard?.duration ?? 0,
      tail: video.endCard?.duration ?? 0,
      ...soundParams(video.music, lesson.loudness),
      partSeconds: NARRATION_PART_SECONDS,
    },
    runtime: withReads({ musicPath: video.music?.path ?? null }, [video.music ?? null]),
    deps: speech,
    scope,
    provider: null,
    engine: ffmpeg,
    cpu: true,
    timeout: timeout("narration", context),
    extension: "m4a",
  });
  const slides = lessonSlides(video, lesson.theme);
  for (const format of lesson.formats) {
    drafts.push(
      ...pictureDrafts(video, format, { ...context, lesson, slides, narration: narrationId, speech }),
    );
  }
  drafts.push(...subtitlesDrafts(video, { ...context, lesson, narration: narrationId }));
  return drafts;
}

function sectionSteps(
  section: ResolvedSection,
  video: ResolvedVideo,
  lesson: ResolvedLesson,
  context: Context,
): Draft[] {
  const prefix = `${video.id}/${section.id}`;
  const scope: StepScope = { item: video.id, part: prefix };
  const drafts = [
    speechDraft(section, video, { ...context, prefix, scope }),
    cuesDraft(section, { ...context, lesson, prefix, scope }),
  ];
  const image = imageDraft(section, { ...context, prefix, scope });
  if (image !== null) drafts.push(image);
  const slide = sectionSlide(section, video.id);
  for (const format of lesson.formats) {
    drafts.push(slideDraft(slide, format, image === null ? [] : [image.id], { ...context, lesson, scope }));
    // A moving picture's move zooms its picture layer under its band layer, which stays (see plan_pictures.ts).
    for (const layer of slide.layers === null ? [] : SLIDE_LAYERS) {
      drafts.push(layerDraft(slide, format, layer, { ...context, lesson, scope }));
    }
  }
  return drafts;
}

type SectionContext = Context & { prefix: string; scope: StepScope };

function slideDraft(
  slide: LessonSlide,
  format: Format,
  deps: string[],
  context: Context & { lesson: ResolvedLesson; scope: StepScope },
): Draft {
  return {
    ...context.common,
    ...kindFields(slideStep),
    id: formatStepId(slide.id, format.name),
    cost: COST.slidePerPixel * format.width * format.height,
    params: slideParams(slide, format, context.lesson) as unknown as Json,
    runtime: withReads(
      { imagePath: slide.image?.path ?? null, picturePath: slide.picture?.path ?? null },
      [slide.image, slide.picture],
    ),
    deps,
    scope: context.scope,
    provider: slideProviderId(),
    engine: { id: slideProviderId(), renderer: context.toolchain.slides },
    cpu: true,
    timeout: timeout("slide", context),
    extension: "png",
  };
}

/** One layer of a moving picture's slide in a format: a slide step's fields, of the slide-layer kind. */
function layerDraft(
  slide: LessonSlide,
  format: Format,
  layer: SlideLayer,
  context: Context & { lesson: ResolvedLesson; scope: StepScope },
): Draft {
  const whole = slideDraft(slide, format, [], context);
  return {
    ...whole,
    ...kindFields(slideLayerStep),
    id: formatStepId(slide.layers![layer], format.name),
    params: layerParams(slide, format, {
      theme: context.lesson.theme,
      captions: context.lesson.captions,
      layer,
    }) as unknown as Json,
    runtime: layer === "band" ? { imagePath: null, picturePath: null } : whole.runtime,
  };
}

/** The title and end card slides of a video, one per format. */
function cardDrafts(video: ResolvedVideo, lesson: ResolvedLesson, context: Context): Draft[] {
  const cards = lessonSlides(video, lesson.theme).filter((slide) => slide.section === null);
  return cards.flatMap((slide) =>
    lesson.formats.map((format) =>
      slideDraft(slide, format, [], { ...context, lesson, scope: { item: video.id, part: slide.id } })
    )
  );
}

/**
 * The id of a video's narration step, which mixes its music and which the preflight looks up in the store.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { narrationStepId } from "./plan_lesson.ts";
 * assert.equal(narrationStepId("intro"), "intro/narration");
 * ```
 */
export function narrationStepId(videoId: string): string {
  return `${videoId}/narration`;
}

/**
 * The id of a section's speech step, which the narration joins and the preflight looks up in the store.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { speechStepId } from "./plan_lesson.ts";
 * assert.equal(speechStepId("intro", "s1"), "intro/s1/speech");
 * ```
 */
export function speechStepId(videoId: string, sectionId: string): string {
  return `${videoId}/${sectionId}/speech`;
}

function speechDraft(section: ResolvedSection, video: ResolvedVideo, context: SectionContext): Draft {
  const { voice } = section;
  const params = {
    text: section.narration,
    voice: { engine: voice.engine, voice: voice.voice, rate: voice.rate, model: voice.model },
  };
  const base = {
    ...context.common,
    ...kindFields(speechStep),
    id: speechStepId(video.id, section.id),
    cost: COST.speechPerCharacter * section.narration.length,
    params,
    deps: [],
    scope: context.scope,
    extension: "wav",
  };
  const provider = voice.engine === "openai" ? context.providers.get(voice.provider) : undefined;
  if (provider !== undefined) {
    return {
      ...base,
      ...httpFields(provider),
      engine: { ...providerEngine(provider), ffmpeg: context.toolchain.ffmpeg },
      // ffmpeg decodes the answer: a new one decodes the answer kept, unpaid (rv21: asked and paid again).
      answerEngine: providerEngine(provider),
      tokenCost: section.narration.length,
    };
  }
  const local = voice.engine === "espeak" ? "espeak" : "flite";
  const id = speechProviderId(local);
  return {
    ...base,
    provider: id,
    // flite speaks through ffmpeg's filter; espeak-ng writes its WAV itself.
    engine: local === "espeak"
      ? { id, espeak: context.toolchain.espeak }
      : { id, ffmpeg: context.toolchain.ffmpeg },
    cpu: true,
    timeout: {
      // The workflow's timeout replaces the minute, not the time a long narration takes to say (README).
      ms: (context.timeout ?? TIMEOUTS.speech.ms) + TIMEOUTS.speech.perCharacter * section.narration.length,
      perMediaSecond: 0,
    },
  };
}

function imageDraft(section: ResolvedSection, context: SectionContext): Draft | null {
  const image = section.image;
  const provider = image === null ? undefined : context.providers.get(image.provider);
  if (image === null || provider === undefined) return null;
  return {
    ...context.common,
    ...kindFields(imageStep),
    ...httpFields(provider),
    id: `${context.prefix}/image`,
    params: { model: image.model, prompt: image.prompt, size: image.size },
    deps: [],
    scope: context.scope,
    engine: providerEngine(provider),
    extension: "png",
  };
}

/** What every call of an HTTP provider carries: where to send it and how (never the key itself). */
function httpFields(
  provider: ResolvedProvider,
): Pick<Draft, "provider" | "runtime" | "retries" | "backoff" | "cpu" | "timeout"> {
  return {
    provider: provider.name,
    runtime: providerRuntime(provider),
    retries: provider.retries,
    backoff: provider.backoff,
    cpu: false,
    timeout: { ms: provider.timeout + TIMEOUTS.http.decode, perMediaSecond: 0 },
  };
}

function timeout(
  kind: "slide" | "narration",
  context: Context,
): Draft["timeout"] {
  return { ms: context.timeout ?? TIMEOUTS[kind].ms, perMediaSecond: TIMEOUTS[kind].perMediaSecond };
}
