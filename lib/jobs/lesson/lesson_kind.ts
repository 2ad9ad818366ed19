/**
 * The lesson job kind: narrated videos made of sections, rendered in several formats.
 * @module
 */
import { plural } from "../../core/plural.ts";
import type { JobFilters, JobKind } from "../../schema/job_kind.ts";
import { formatLabel } from "../../schema/formats.ts";
import { preflightLesson } from "./lesson_preflight.ts";
import { lessonFields, type ResolvedLesson } from "./lesson_schema.ts";
import { planLesson } from "./plan_lesson.ts";
import { resolveLesson } from "./resolve_lesson.ts";
import { selectFormats } from "./select_formats.ts";
import { cuesStep } from "./steps/cues_step.ts";
import { narrationStep } from "./steps/narration_step.ts";
import { clipsStep } from "./steps/clips_step.ts";
import { stillsStep } from "./steps/stills_step.ts";
import { subtitlesStep } from "./steps/subtitles_step.ts";
import { videoStep } from "./steps/video_step.ts";

/**
 * Lessons: the workflow's `videos`, with its `formats`, `fps`, `theme`, `voice` and `captions`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lessonKind } from "./lesson_kind.ts";
 * assert.ok("videos" in lessonKind.fields);
 * ```
 */
export const lessonKind: JobKind<typeof lessonFields, ResolvedLesson> = {
  name: "lesson",
  fields: lessonFields,
  stepKinds: [narrationStep, stillsStep, clipsStep, videoStep, subtitlesStep, cuesStep],
  resolve: resolveLesson,
  plan: planLesson,
  describe(lesson) {
    const sections = lesson.videos.reduce((n, video) => n + video.sections.length, 0);
    const formats = lesson.formats.map(formatLabel).join(", ");
    return [`${plural(lesson.videos.length, "video")}, ${plural(sections, "section")}, formats: ${formats}`];
  },
  engines(lesson) {
    const espeak = lesson.videos.some((video) => video.sections.some((s) => s.voice.engine === "espeak"));
    // Every lesson has stills, which libx264 encodes in-process where it can be used.
    return new Set(espeak ? ["espeak" as const, "x264" as const] : ["x264" as const]);
  },
  preflight: preflightLesson,
  idsField: "videos",
  items: "videos",
  ids: (lesson) => lesson.videos.map((video) => video.id),
  narrow: narrowLesson,
};

function narrowLesson(lesson: ResolvedLesson, filters: JobFilters): ResolvedLesson | null {
  const videos = filters.only === null
    ? lesson.videos
    : lesson.videos.filter((video) => filters.only!.includes(video.id));
  if (videos.length === 0) return null;
  const formats = filters.formats === null ? lesson.formats : selectFormats(lesson.formats, filters.formats);
  return { ...lesson, videos, formats };
}
