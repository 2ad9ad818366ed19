/**
 * What a lesson checks before any step runs: every music file that will be mixed has an audio stream, every picture
 * and background image of a slide that will be drawn decodes whole, ffmpeg has the
 * flite filter when a flite voice will speak, espeak-ng knows every espeak voice that will speak (a narration the
 * store holds, and that is not forced, is not spoken or mixed again), and every slide's text (sections, code, captions, title and end cards) fits its frame (or
 * `allowOverflow` says to cut it).
 * @module
 */
import { joinWorkflowErrors, WorkflowError, type WorkflowIssue } from "../../core/errors.ts";
import { plural } from "../../core/plural.ts";
import type { SlideFit, SlideText } from "../../providers/local/slides/check_slide_fit.ts";
import { checkEspeakVoice, UnknownVoiceError } from "../../providers/local/speech/espeak_engine.ts";
import { checkFliteFilter } from "../../providers/local/speech/flite_engine.ts";
import { type ReelFilter, requireFilters } from "../../media/ffmpeg_filters.ts";
import { decodedImageProblems } from "../../media/image_problem.ts";
import { mediaProblem } from "../../media/media_problem.ts";
import type { PreflightContext } from "../../schema/job_kind.ts";
import { slideFitOf } from "../../steps/slide/slide_step.ts";
import type { ImageFile, ResolvedLesson, ResolvedSection } from "./lesson_schema.ts";
import { lessonSlides, slideFrame } from "./lesson_slides.ts";
import { narrationStepId, speechStepId } from "./plan_lesson.ts";
import { formatStepId } from "./plan_pictures.ts";

/**
 * Runs the lesson's checks.
 *
 * @param lesson The resolved lesson.
 * @param context ffmpeg, whether overflow is allowed, the signal, the file.
 * @returns Warnings (characters no font has, text that will be cut).
 * @throws {WorkflowError} Naming every mistake the checks found, each with its hint: a music file that has no
 * sound (at its `music.file`), an image that does not decode, a voice espeak-ng does not know, a section whose
 * text does not fit. An `InputError` when ffmpeg lacks flite, or espeak-ng is missing or broken.
 *
 * @example
 * ```ts
 * import { preflightLesson } from "./lesson_preflight.ts";
 * // const warnings = await preflightLesson(lesson, { ffmpeg, allowOverflow: false, file: "lesson.ts" });
 * ```
 */
export async function preflightLesson(lesson: ResolvedLesson, context: PreflightContext): Promise<string[]> {
  // Every check runs though an earlier one found mistakes, and all of theirs are told at once: a user mends them
  // in one go (before, a missing voice was told only once the music was mended). Anything else (espeak-ng or
  // ffmpeg missing or broken) stops the checks at once.
  const mistakes: WorkflowError[] = [];
  const stop = new AbortController();
  const signal = context.signal === undefined ? stop.signal : AbortSignal.any([context.signal, stop.signal]);
  const checking = { ...context, signal };
  await requireFilters(context.ffmpeg, neededFilters(lesson), context);
  const told = (error: unknown): void => {
    if (!(error instanceof WorkflowError)) {
      stop.abort(error);
      throw error;
    }
    mistakes.push(error);
  };
  await checkMusic(lesson, checking).catch(told);
  await checkImages(lesson, checking).catch(told);
  // The voices are asked of espeak-ng (a process, 65 ms here) while the workers fit the slides: neither waits for
  // the other. A voice's mistake is told before the slides'.
  const slides = checkSlides(lesson, checking);
  slides.catch(() => {});
  await checkVoices(lesson, checking).catch(told);
  const warnings = await slides.catch((error) => {
    told(error);
    return [];
  });
  if (mistakes.length > 0) throw joinWorkflowErrors(context.file, mistakes);
  return [...sameSizeFormats(lesson, context.file), ...replacedBytes(lesson, context.file), ...warnings];
}

/**
 * Text holding U+FFFD, what a reader of text puts for bytes it could not decode: a workflow file, or a file its
 * code read (an outline, a script), saved in another encoding than UTF-8, whose "café" is drawn and said as
 * "caf\uFFFD". Said, not refused: a lesson about encodings may show the character itself (rv45).
 */
function replacedBytes(lesson: ResolvedLesson, file: string): string[] {
  return lesson.videos.flatMap((video) =>
    video.sections.flatMap((section) => {
      const fields: [string, string][] = [
        ["title", section.title],
        ...section.bullets.map((bullet, i): [string, string] => [`bullets[${i}]`, bullet]),
        ["narration", section.narration],
      ];
      return fields.filter(([, text]) => text.includes("\uFFFD")).map(([field]) =>
        `${section.path}.${field} holds U+FFFD (�), which stands for bytes that could not be read as UTF-8: if a ` +
        `file it came from was saved in another encoding (Latin-1?), save it as UTF-8 (${file})`
      );
    })
  );
}

/**
 * Formats of one size make the same videos under two names: said, not refused (two named formats of one size may
 * be meant, one for each place the videos go). nt: `["16:9", "1920x1080"]` wrote two equal files without a word.
 */
function sameSizeFormats(lesson: ResolvedLesson, file: string): string[] {
  const first = new Map<string, string>();
  return lesson.formats.flatMap((format) => {
    const size = `${format.width}x${format.height}`;
    const earlier = first.get(size);
    if (earlier === undefined) first.set(size, format.name);
    // Each said as a format by its name, which its files have (nt6: "has the size of 16x9" read as a size; a
    // place in `formats` is not known here: --format leaves some out, rv11).
    // `1920x1080` is its name and its size: said once (rv).
    const which = format.name === size ? `"${size}"` : `"${format.name}" (${size})`;
    return earlier === undefined ? [] : [
      `Format ${which} has the size of format "${earlier}": each video is written twice, the same bytes under ` +
      `both names (formats in ${file})`,
    ];
  });
}

/**
 * The filters the lesson's fields need that an ffmpeg build may lack (libass's `subtitles`, say), each with the
 * first field that needs it; flite's is checked with the voices.
 */
function neededFilters(lesson: ResolvedLesson): Map<ReelFilter, string> {
  const needed = new Map<ReelFilter, string>();
  const need = (filter: ReelFilter, path: string) => needed.has(filter) || needed.set(filter, path);
  if (lesson.captionFont !== null) need("subtitles", "captions.burn");
  if (lesson.transition !== null) need("xfade", "transition");
  if (lesson.loudness !== null) need("ebur128", "loudness");
  for (const [v, video] of lesson.videos.entries()) {
    const music = video.music;
    const field = music?.field.replace(/\.file$/, "");
    if (music !== null) need("aloop", field!);
    if (music !== null && (music.fadeIn > 0 || music.fadeOut > 0)) need("afade", field!);
    if (music !== null && music.duck > 0) need("sidechaincompress", field!);
    for (const [s, section] of video.sections.entries()) {
      if (section.picture?.kenBurns) need("perspective", `videos[${v}].sections[${s}].picture.kenBurns`);
    }
  }
  return needed;
}

/**
 * Checks the voices that will speak: ffmpeg's flite filter for a flite voice, espeak-ng's list for each espeak
 * voice (an unknown one named where it is given). A narration the store holds was spoken with its voice (an
 * unchanged re-render starts no espeak-ng to list voices).
 */
async function checkVoices(lesson: ResolvedLesson, context: PreflightContext): Promise<void> {
  const sections = lesson.videos.flatMap((video) =>
    video.sections.filter((section) => context.stored?.(speechStepId(video.id, section.id)) === undefined)
  );
  if (sections.some((section) => section.voice.engine === "flite")) {
    await checkFliteFilter(context.ffmpeg, { signal: context.signal });
  }
  const espeak = new Set(sections.filter((s) => s.voice.engine === "espeak").map((s) => s.voice.voice));
  for (const voice of espeak) {
    try {
      await checkEspeakVoice(voice, { signal: context.signal });
    } catch (error) {
      // A missing espeak-ng, say, is not the workflow's mistake: only an unknown voice is named in it.
      if (!(error instanceof UnknownVoiceError)) throw error;
      const { path, note } = whereNamed(sections, voice);
      throw new WorkflowError(context.file, [{ path, message: `${error.message}${note}` }], {
        hint: error.hint ?? undefined,
        cause: error,
      });
    }
  }
}

/**
 * Where an unknown espeak voice is named: the field that names it for the first section speaking it (the lesson's
 * `voice`, a section's; where it speaks, for reel's default), and how many sections that one field speaks for, then
 * how many more sections name the voice in their own field.
 */
function whereNamed(sections: readonly ResolvedSection[], voice: string): { path: string; note: string } {
  const fields = Map.groupBy(
    sections.filter((section) => section.voice.engine === "espeak" && section.voice.voice === voice),
    (section) => section.voice.field ?? `${section.path}.voice`,
  );
  const [first, ...others] = [...fields];
  const [path, speaking] = first!;
  const more = others.reduce((sum, [, sections]) => sum + sections.length, 0);
  const notes = [
    ...speaking.length > 1 ? [`spoken by ${plural(speaking.length, "section")}`] : [],
    ...more > 0
      ? [`${plural(more, "more section", "more sections")} ${more === 1 ? "sets" : "set"} it too`]
      : [],
  ];
  return { path, note: notes.length === 0 ? "" : ` (${notes.join("; ")})` };
}

/**
 * Checks that every music file a narration will mix is sound ffprobe reads and ffmpeg decodes: each file probed
 * once, its problem named at every field that gives it (a narration the store holds was mixed with the same bytes:
 * not probed).
 */
async function checkMusic(lesson: ResolvedLesson, context: PreflightContext): Promise<void> {
  const fields = new Map<string, Set<string>>();
  for (const video of lesson.videos) {
    if (video.music === null || context.stored?.(narrationStepId(video.id)) !== undefined) continue;
    const named = fields.get(video.music.path) ?? new Set();
    fields.set(video.music.path, named.add(video.music.field));
  }
  const issues: WorkflowIssue[] = [];
  for (const [file, named] of fields) {
    // Looped under the narration, music none of which decodes spun the narration's ffmpeg until its timeout.
    const problem = await mediaProblem(context.ffmpeg, file, {
      needs: "audio",
      decodes: true,
      signal: context.signal,
    });
    if (problem !== null) issues.push(...[...named].map((path) => ({ path, message: problem })));
  }
  if (issues.length > 0) {
    throw new WorkflowError(context.file, issues, {
      hint: "Give music a sound file (WAV, MP3, Ogg, FLAC, AAC or M4A), or a video with a sound track",
    });
  }
}

/**
 * Checks that the pictures and background images of the slides that will be drawn decode whole (their structure was
 * read at load; here their pixels, by ffmpeg where reel's decoder does not read the kind: resvg leaves out an image
 * it cannot decode, without a word). Each distinct image (by its digest) is decoded once, a few at a time. A slide
 * whose every step the store holds was drawn from these bytes (its key holds their digest): not decoded again.
 */
async function checkImages(lesson: ResolvedLesson, context: PreflightContext): Promise<void> {
  const uses: { path: string; image: ImageFile }[] = [];
  for (const slide of lesson.videos.flatMap((video) => lessonSlides(video, lesson.theme))) {
    const images = ([[slide.picture, "picture.file"], [slide.image, "background.image"]] as const)
      .flatMap(([image, field]) => image === null ? [] : [{ image, path: `${slide.path}.${field}` }]);
    if (images.length === 0) continue;
    const ids = [slide.id, ...slide.layers === null ? [] : [slide.layers.picture, slide.layers.band]];
    const stored = ids.every((id) =>
      lesson.formats.every((format) => context.stored?.(formatStepId(id, format.name)) !== undefined)
    );
    if (!stored) uses.push(...images);
  }
  const found = await decodedImageProblems(
    context.ffmpeg,
    uses.map(({ image }) => ({ path: image.path, key: image.sha256 })),
    { slide: true, signal: context.signal },
  );
  const issues: WorkflowIssue[] = uses.flatMap(({ image, path }) => {
    const problem = found.get(image.sha256)!;
    return problem === null ? [] : [{ path, message: `Cannot use ${image.path} as an image: ${problem}` }];
  });
  if (issues.length > 0) throw new WorkflowError(context.file, issues);
}

/**
 * Checks every slide's text (sections' and cards') against its frame, with the renderer's own layout (on the
 * render's workers when the context can); a slide the store holds is checked from the fit it recorded when it
 * was rendered (same key, same text and frame).
 */
async function checkSlides(lesson: ResolvedLesson, context: PreflightContext): Promise<string[]> {
  const warnings: string[] = [];
  const issues: WorkflowIssue[] = [];
  const checked: { path: string; format: string; fit: Pick<SlideFit, "message" | "warnings"> | null }[] = [];
  const unchecked: SlideText[] = [];
  for (const slide of lesson.videos.flatMap((video) => lessonSlides(video, lesson.theme))) {
    for (const format of lesson.formats) {
      const fit = slideFitOf(context.stored?.(formatStepId(slide.id, format.name)));
      checked.push({ path: slide.path, format: format.name, fit });
      if (fit !== null) continue;
      unchecked.push({ ...slide.content, ...slideFrame(format, lesson) });
    }
  }
  const fits = unchecked.length === 0
    ? []
    : context.fitSlides !== undefined
    ? await context.fitSlides(unchecked, context.signal)
    : await checkHere(unchecked, context.signal);
  let next = 0;
  for (const { path, format, fit: stored } of checked) {
    const fit = stored ?? fits[next++]!;
    for (const warning of fit.warnings) warnings.push(`${path} (${format}): ${warning}`);
    if (fit.message === null) continue;
    if (context.allowOverflow) {
      warnings.push(`${path}: ${fit.message}; it will be cut (--allow-overflow)`);
    } else issues.push({ path, message: fit.message });
  }
  if (issues.length > 0) {
    throw new WorkflowError(context.file, issues, {
      hint: "Shorten the title, bullets or code, split the section, or pass --allow-overflow to cut the text",
    });
  }
  return warnings;
}

/** Checks slides on this thread, loading the layout and fonts code only then. */
async function checkHere(slides: readonly SlideText[], signal?: AbortSignal): Promise<SlideFit[]> {
  const { checkSlideFits } = await import("../../providers/local/slides/check_slide_fit.ts");
  // One after another, stopping when the signal says (the voice check failed meanwhile).
  const fits: SlideFit[] = [];
  for (const slide of slides) {
    signal?.throwIfAborted();
    fits.push(await checkSlideFits(slide));
  }
  return fits;
}
