/**
 * The picture steps of one format of a lesson video: its `stills` (every part's slide, and a copy per cue when
 * captions are burned), its `clips` when it has transitions or Ken Burns moves (a moving picture's clips draw
 * from its two layers: the picture, moved, under the caption band, still), and the `video` that lays them on the
 * narration's frames and muxes the narration.
 * @module
 */
import { TEXT_SEGMENTATION } from "../../core/segmenters.ts";
import { KEYFRAME_SECONDS } from "../../media/video_encoder.ts";
import { captionFontsDir, LIBASS_FONTS_VERSION } from "../../media/libass_fonts.ts";
import type { Json } from "../../core/json.ts";
import { STILL_ENCODING } from "../../media/h264/encode_stills.ts";
import type { Draft } from "../../plan/plan_step.ts";
import type { Toolchain } from "../../plan/toolchain.ts";
import type { Format } from "../../schema/formats.ts";
import { kindFields } from "../../steps/step_kind.ts";
import type { ResolvedLesson, ResolvedVideo } from "./lesson_schema.ts";
import type { LessonSlide } from "./lesson_slides.ts";
import type { TimelineParams } from "./steps/_lesson_timeline.ts";
import { clipsStep } from "./steps/clips_step.ts";
import { stillsStep } from "./steps/stills_step.ts";
import { videoStep } from "./steps/video_step.ts";

/** Rough CPU seconds per unit of work (see `plan_lesson.ts`), for the scheduler's ranking. */
const COST = { stillPerPixel: 2e-8, clipPerPixelFrame: 3e-9, videoPerCharacter: 0.0001 } as const;

/** Default timeouts in ms; a workflow's `timeout` replaces `ms`. */
const TIMEOUTS = {
  stills: { ms: 120_000, perMediaSecond: 0 },
  clips: { ms: 120_000, perMediaSecond: 2_000 },
  video: { ms: 60_000, perMediaSecond: 100 },
} as const;

/** What every step of a lesson shares before it says what it is. */
type Common = Pick<Draft, "workflow" | "runtime" | "retries" | "tokenCost" | "backoff" | "output">;

/** What {@linkcode pictureDrafts} plans from. */
export interface PictureContext {
  lesson: ResolvedLesson;
  /** The video's slides, in order (title card, sections, end card). */
  slides: readonly LessonSlide[];
  /** The narration step's id. */
  narration: string;
  /** The ids of the video's sections' speech steps, in order (the clips lay their frames from them). */
  speech: readonly string[];
  common: Common;
  toolchain: Toolchain;
  timeout: number | null;
}

/**
 * Plans the stills, clips and video of a video in a format.
 *
 * @param video The video.
 * @param format The format.
 * @param context The lesson, the video's slides, the narration's id, the shared fields and the toolchain.
 * @returns The drafts.
 *
 * @example
 * ```ts
 * import { pictureDrafts } from "./plan_pictures.ts";
 * // const narration = `${video.id}/narration`;
 * // const speech = video.sections.map((section) => `${video.id}/${section.id}/speech`);
 * // const context = { lesson, slides, narration, speech, common, toolchain, timeout: null };
 * // drafts.push(...pictureDrafts(video, format, context));
 * ```
 */
export function pictureDrafts(video: ResolvedVideo, format: Format, context: PictureContext): Draft[] {
  const { lesson, slides } = context;
  const timeline = timelineParams(lesson, slides);
  const burn = timeline.burn;
  const { captions, engine, runtime } = burnSettings(lesson, context.toolchain);
  const images = slides.map((slide) => formatStepId(slide.id, format.name));
  // The clips zoom a moving picture's layer without the band (in the place of its slide) under its band layer.
  const pictures = slides.map((slide) => formatStepId(slide.layers?.picture ?? slide.id, format.name));
  const bands = slides.flatMap((slide) =>
    slide.layers === null ? [] : [formatStepId(slide.layers.band, format.name)]
  );
  const cues = burn ? video.sections.map((section) => `${video.id}/${section.id}/cues`) : [];
  const { width, height } = format;
  const gop = KEYFRAME_SECONDS * lesson.fps;
  const shared = { ...context.common, scope: { item: video.id, part: null }, provider: null, cpu: true };
  const id = (kind: string) => formatStepId(`${video.id}/${kind}`, format.name);
  const hasClips = timeline.transition > 0 || timeline.motion.some((move) => move !== null);
  const characters = video.sections.reduce((sum, section) => sum + section.narration.length, 0);
  // libx264 in-process where this machine has it, for stills without burned captions or clips to match (ffmpeg's
  // filters draw the captions; the clips are ffmpeg's, and their parameter sets are checked against the stills').
  const x264 = burn || hasClips ? null : context.toolchain.x264 ?? null;
  const stills: Draft = {
    ...shared,
    ...kindFields(stillsStep),
    id: id("stills"),
    cost: COST.stillPerPixel * width * height * slides.length,
    params: {
      width,
      height,
      fps: lesson.fps,
      encoding: STILL_ENCODING,
      parts: timeline.parts,
      burn,
      captions,
      inProcess: x264 !== null,
    },
    // The library's identity in the key, and again where the worker reads it: the worker checks that its own
    // library is that one before encoding under this key.
    runtime: x264 === null ? runtime : { ...runtime, x264 },
    deps: [...images, ...cues],
    engine: x264 === null ? engine : { ...engine, x264 },
    timeout: timeout("stills", context.timeout),
    extension: "h264",
  };
  const clips: Draft = {
    ...shared,
    ...kindFields(clipsStep),
    id: id("clips"),
    cost: COST.clipPerPixelFrame * width * height * lesson.fps * 10,
    params: {
      ...timeline,
      width,
      height,
      gop,
      type: lesson.transition?.type ?? "fade",
      encoding: STILL_ENCODING,
      captions,
      // The cards' seconds, as the narration's params hold them: the clips lay the frames from the speech.
      lead: video.titleCard?.duration ?? 0,
      tail: video.endCard?.duration ?? 0,
    } as unknown as Json,
    runtime,
    deps: [...context.speech, ...pictures, ...bands, ...cues],
    engine,
    timeout: timeout("clips", context.timeout),
    extension: "h264",
  };
  const videoDraft: Draft = {
    ...shared,
    ...kindFields(videoStep),
    id: videoStepId(video.id, format.name),
    cost: COST.videoPerCharacter * characters,
    params: { ...timeline, gop, clips: hasClips } as unknown as Json,
    deps: [stills.id, context.narration, ...hasClips ? [clips.id] : [], ...cues],
    engine: { ffmpeg: context.toolchain.ffmpeg },
    timeout: timeout("video", context.timeout),
    output: `${video.id}.${format.name}.mp4`,
    extension: "mp4",
  };
  return hasClips ? [stills, clips, videoDraft] : [stills, videoDraft];
}

/** Burned captions' look, and the font in the keys (its folder at run time), or none when not burned. */
function burnSettings(lesson: ResolvedLesson, toolchain: Toolchain) {
  const font = lesson.captionFont;
  const burn = lesson.captions.burn;
  return {
    captions: burn
      ? {
        style: { ...lesson.captions.style },
        maxLineLength: lesson.captions.rules.maxLineLength,
        fonts: LIBASS_FONTS_VERSION,
      }
      : null,
    // Burned, a cue's lines and their order (right to left, in Arabic or Hebrew) follow how ICU cuts the text into
    // words and characters, as the cues' own keys say (rv31).
    engine: {
      ffmpeg: toolchain.ffmpeg,
      ...burn ? { font: font?.identity ?? null, text: TEXT_SEGMENTATION } : {},
    },
    runtime: (burn ? { fontsDir: font === null ? "" : captionFontsDir(font) } : {}) as Record<string, Json>,
  };
}

/** What the stills, clips and video steps all read: the parts, their moves, the transition's frames, burning. */
function timelineParams(lesson: ResolvedLesson, slides: readonly LessonSlide[]): TimelineParams {
  return {
    fps: lesson.fps,
    parts: slides.map((slide) =>
      slide.section === null ? (slide.id.endsWith("/end") ? "end" : "title") : "section"
    ),
    // A slide moves when it has layers to move.
    motion: slides.map((slide) => {
      const move = slide.layers === null ? null : slide.section?.picture?.kenBurns ?? null;
      return move === null ? null : { from: move.from, to: move.to };
    }),
    // Even, so that half of it falls on each side of a join.
    transition: lesson.transition === null
      ? 0
      : 2 * Math.round((lesson.transition.duration * lesson.fps) / 2),
    burn: lesson.captions.burn,
  };
}

function timeout(kind: keyof typeof TIMEOUTS, base: number | null) {
  return { ms: base ?? TIMEOUTS[kind].ms, perMediaSecond: TIMEOUTS[kind].perMediaSecond };
}

/**
 * The id of a video's step in one format, which makes its MP4 (its subtitles are published with it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { videoStepId } from "./plan_pictures.ts";
 * assert.equal(videoStepId("intro", "16x9"), "intro/video@16x9");
 * ```
 */
export function videoStepId(videoId: string, format: string): string {
  return formatStepId(`${videoId}/video`, format);
}

/**
 * The id of a step made once per format: the id of what it makes, `@`, the format's name. The planner names its
 * steps so and the preflight looks them up in the store by it (a slide's fit, a picture's decode).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatStepId } from "./plan_pictures.ts";
 * assert.equal(formatStepId("intro/s1/slide", "9x16"), "intro/s1/slide@9x16");
 * ```
 */
export function formatStepId(id: string, format: string): string {
  return `${id}@${format}`;
}
