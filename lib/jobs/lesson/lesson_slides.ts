/**
 * The slides of a lesson's video: one per section and its title and end cards, each with what it shows, so that
 * the planner and the preflight fit check draw the same slides.
 * @module
 */
import type { SlideLayer } from "../../providers/local/slides/render_slide.ts";
import type { SlideContent } from "../../providers/local/slides/slide_content.ts";
import { readableText } from "../../providers/local/slides/slide_colours.ts";
import type { Format } from "../../schema/formats.ts";
import { type SlideLayerParams, slideLayerParams } from "../../steps/slide/slide_layer_step.ts";
import type { SlideParams } from "../../steps/slide/slide_params.ts";
import type { ImageFile, ResolvedSection, ResolvedTheme, ResolvedVideo } from "./lesson_schema.ts";
import type { ResolvedCaptions } from "./captions/captions_schema.ts";
import { captionRoom } from "../../media/caption_placement.ts";
import type { SlideFrame } from "../../providers/local/slides/check_slide_fit.ts";

/** One slide of a video, in no format yet. */
export interface LessonSlide {
  /** Its step id without the format: `intro/s1/slide`, `intro/title`, `intro/end`. */
  id: string;
  /** Where it comes from in the workflow file, for messages: `videos[0].sections[2]`, `videos[0].titleCard`. */
  path: string;
  /** The section it belongs to, or null for a card. */
  section: ResolvedSection | null;
  content: SlideContent;
  /** Its background colour. */
  background: string;
  /** The background image file, or null. */
  image: ImageFile | null;
  /** The picture file of a picture slide, or null. */
  picture: ImageFile | null;
  /**
   * The step ids (without the format) of a moving picture's two layers, `video/section/picture` and
   * `video/section/band`, which its Ken Burns move draws from; null when the slide does not move.
   */
  layers: { picture: string; band: string } | null;
}

/**
 * A video's slides: its title card (if any), a slide per section, its end card (if any).
 *
 * @param video The video.
 * @param theme The lesson's theme (the cards' background).
 * @returns The slides in showing order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lessonSlides } from "./lesson_slides.ts";
 * import { resolveTheme } from "./resolve_slides.ts";
 * const video = { id: "v", title: "V", sections: [], titleCard: { title: "V", subtitle: null, duration: 3 }, endCard: null, music: null };
 * assert.deepEqual(lessonSlides(video, resolveTheme("dark")).map((slide) => slide.id), ["v/title"]);
 * ```
 */
export function lessonSlides(video: ResolvedVideo, theme: ResolvedTheme): LessonSlide[] {
  // Sections know their path; a video's is its sections' own (every video has one).
  const path = video.sections[0]?.path.replace(/\.sections\[\d+\]$/, "") ?? `videos[id=${video.id}]`;
  const card = (id: string, field: string, content: SlideContent): LessonSlide => ({
    id: `${video.id}/${id}`,
    path: `${path}.${field}`,
    section: null,
    content,
    background: theme.background,
    image: null,
    picture: null,
    layers: null,
  });
  const { titleCard, endCard } = video;
  return [
    ...titleCard === null ? [] : [
      card("title", "titleCard", {
        kind: "title",
        title: titleCard.title,
        subtitle: titleCard.subtitle ?? "",
      }),
    ],
    ...video.sections.map((section) => sectionSlide(section, video.id)),
    ...endCard === null
      ? []
      : [card("end", "endCard", { kind: "end", title: endCard.title, text: endCard.text ?? "" })],
  ];
}

/**
 * A slide's step params in a format: its content, size, colours and the digests of the files it draws.
 *
 * @param slide The slide.
 * @param format The format.
 * @param look The lesson's theme and captions (burned ones keep their room clear of text).
 * @returns The params.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lessonSlides, slideParams } from "./lesson_slides.ts";
 * import { resolveTheme } from "./resolve_slides.ts";
 * import { DEFAULT_CAPTION_RULES } from "../../media/caption_rules.ts";
 * import { DEFAULT_CAPTION_STYLE } from "../../media/caption_placement.ts";
 * const theme = resolveTheme("light");
 * const video = { id: "v", title: "V", sections: [], titleCard: { title: "V", subtitle: null, duration: 3 }, endCard: null, music: null };
 * const [card] = lessonSlides(video, theme);
 * const captions = { burn: false, style: DEFAULT_CAPTION_STYLE, rules: DEFAULT_CAPTION_RULES };
 * const params = slideParams(card!, { name: "16x9", width: 1920, height: 1080 }, { theme, captions });
 * assert.equal(params.kind, "title");
 * assert.equal(params.background, theme.background);
 * ```
 */
export function slideParams(slide: LessonSlide, format: Format, look: SlideLook): SlideParams {
  const { theme } = look;
  const code = slide.content.kind === "code"
    ? { codeBackground: theme.codeBackground, codeForeground: theme.codeForeground }
    : {};
  return {
    ...slide.content,
    ...slideFrame(format, look),
    background: slide.background,
    // On a colour a section chose, text the theme's ink cannot be read on is drawn in the theme's background colour
    // (over an image, read or generated, a veil under the text keeps it readable).
    foreground: slide.image === null && (slide.section?.image ?? null) === null
      ? readableText(slide.background, theme)
      : theme.foreground,
    accent: theme.accent,
    ...code,
    image: slide.image?.sha256 ?? null,
    picture: slide.picture?.sha256 ?? null,
    ...slide.image?.turn === undefined ? {} : { imageTurn: slide.image.turn },
    ...slide.picture?.turn === undefined ? {} : { pictureTurn: slide.picture.turn },
  };
}

/** What a lesson's slides look like: its theme, and the captions burned over them (or not). */
export interface SlideLook {
  theme: ResolvedTheme;
  captions: ResolvedCaptions;
}

/**
 * A slide's frame in a format: its size, the theme's text scale and, when captions are burned, the room they take
 * at the bottom (absent otherwise: the slides of a lesson without burned captions keep their keys).
 *
 * @param format The format.
 * @param look The theme and the captions.
 * @returns The frame.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slideFrame } from "./lesson_slides.ts";
 * import { resolveTheme } from "./resolve_slides.ts";
 * import { DEFAULT_CAPTION_RULES } from "../../media/caption_rules.ts";
 * import { DEFAULT_CAPTION_STYLE } from "../../media/caption_placement.ts";
 * const format = { name: "16x9", width: 1920, height: 1080 };
 * const captions = { burn: true, style: DEFAULT_CAPTION_STYLE, rules: DEFAULT_CAPTION_RULES };
 * const theme = resolveTheme("dark");
 * assert.ok(slideFrame(format, { theme, captions }).captionRoom! > 0.15);
 * assert.equal(slideFrame(format, { theme, captions: { ...captions, burn: false } }).captionRoom, undefined);
 * ```
 */
export function slideFrame(format: Format, look: SlideLook): SlideFrame & { textScale: number } {
  const { captions } = look;
  const room = captions.burn ? captionRoom(format, { style: captions.style, ...captions.rules }) : 0;
  return {
    width: format.width,
    height: format.height,
    textScale: look.theme.textScale,
    ...room > 0 ? { captionRoom: Math.min(0.5, Number(room.toFixed(4))) } : {},
  };
}

/**
 * The params of one layer of a moving picture's slide in a format (see `slideLayerParams`).
 *
 * @param slide The slide (a picture).
 * @param format The format.
 * @param context The lesson's theme and captions, and the layer.
 * @returns The params.
 * @throws {TypeError} When the slide is not a picture.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layerParams, sectionSlide } from "./lesson_slides.ts";
 * import { DEFAULT_CAPTION_RULES } from "../../media/caption_rules.ts";
 * import { DEFAULT_CAPTION_STYLE } from "../../media/caption_placement.ts";
 * import { resolveTheme } from "./resolve_slides.ts";
 * const voice = { provider: "flite", engine: "flite" as const, voice: "rms", rate: 165, model: null };
 * const kenBurns = { zoom: 1.5, direction: "down" as const, from: { zoom: 1.5, x: 0.5, y: 0.3 }, to: { zoom: 1.5, x: 0.5, y: 0.7 } };
 * const section = {
 *   id: "s1", path: "videos[0].sections[0]", title: "Clouds", bullets: [], narration: "N",
 *   background: { color: "#000000", image: null }, image: null, voice, code: null,
 *   picture: { path: "/a.png", sha256: "ab", fit: "contain" as const, caption: true, kenBurns },
 * };
 * const slide = sectionSlide(section, "v");
 * assert.equal(slide.layers?.band, "v/s1/band");
 * const format = { name: "16x9", width: 160, height: 90 };
 * const captions = { burn: false, style: DEFAULT_CAPTION_STYLE, rules: DEFAULT_CAPTION_RULES };
 * assert.equal(layerParams(slide, format, { theme: resolveTheme("dark"), captions, layer: "band" }).title, "Clouds");
 * ```
 */
export function layerParams(
  slide: LessonSlide,
  format: Format,
  context: SlideLook & { layer: SlideLayer },
): SlideLayerParams {
  const params = slideParams(slide, format, context);
  if (params.kind !== "picture") {
    throw new TypeError(`Cannot draw layers of the ${params.kind} slide ${slide.id}`);
  }
  return slideLayerParams(params, context.layer);
}

/**
 * A section's slide.
 *
 * @param section The section.
 * @param videoId Its video's id.
 * @returns The slide.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sectionSlide } from "./lesson_slides.ts";
 * const voice = { provider: "flite", engine: "flite" as const, voice: "rms", rate: 165, model: null };
 * const section = {
 *   id: "s1", path: "videos[0].sections[0]", title: "Loops", bullets: [], narration: "N",
 *   background: { color: "#000000", image: null }, image: null, voice,
 *   code: { language: "ts", text: "for (;;) {}" }, picture: null,
 * };
 * assert.equal(sectionSlide(section, "v").content.kind, "code");
 * ```
 */
export function sectionSlide(section: ResolvedSection, videoId: string): LessonSlide {
  const content = sectionContent(section);
  const prefix = `${videoId}/${section.id}`;
  return {
    id: `${prefix}/slide`,
    path: section.path,
    section,
    content,
    background: section.background.color,
    // A generated image is drawn instead of a background image file: the file, unread, is not in the slide's key
    // (rv31: changing it drew the same slide again).
    image: section.image === null ? section.background.image : null,
    picture: section.picture,
    layers: content.kind === "picture" && (section.picture?.kenBurns ?? null) !== null
      ? { picture: `${prefix}/picture`, band: `${prefix}/band` }
      : null,
  };
}

/** What a section's slide shows: nothing over a generated full-slide image, else its picture, code or bullets. */
function sectionContent(section: ResolvedSection): SlideContent {
  const { title, bullets, picture, code } = section;
  if (section.image?.as === "slide") return { kind: "section", title: "", bullets: [] };
  if (picture !== null) return { kind: "picture", title: picture.caption ? title : "", fit: picture.fit };
  if (code !== null) return { kind: "code", title, bullets, code: code.text };
  return { kind: "section", title, bullets };
}
