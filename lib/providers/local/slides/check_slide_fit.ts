/**
 * The plan-time check that a slide's text fits its frame, run before any step so a slide that would be cut fails
 * early with the workflow's path.
 * @module
 */
import type { SlideContent } from "./slide_content.ts";
import { fitSlide } from "./_fit_slide.ts";

/** A slide's frame: its size and the size of its text. */
export interface SlideFrame {
  /** Output width in pixels, e.g. 1920. */
  width: number;
  /** Output height in pixels, e.g. 1080. */
  height: number;
  /** A factor on every text size, from 0.5 to 2 (the theme's). @default 1 */
  textScale?: number;
  /**
   * The share of the height, from the bottom edge, kept clear of text for captions burned over the slide (see
   * `captionRoom`), from 0 to 0.5. @default 0
   */
  captionRoom?: number;
}

/** The part of a slide that decides whether its text fits: its frame and what it shows. */
export type SlideText = SlideFrame & SlideContent;

/** Whether a slide's text fits, at what scale, and what the user should know. */
export interface SlideFit {
  /** Whether all the text fits at {@linkcode SlideFit.scale} or larger. */
  fits: boolean;
  /** The scale the text is set at: 1 for full size, down to 0.5. */
  scale: number;
  /** What would be cut, as a sentence for the user; null when the text fits. */
  message: string | null;
  /** Problems that do not stop rendering: characters that no installed font has, which show as empty boxes. */
  warnings: string[];
}

/**
 * Checks whether a slide's text fits its frame, with the same fonts and layout {@linkcode renderSlide} uses: the
 * text shrinks down to half size, and what still does not fit would be cut (for code, lines too wide are cut at
 * the right). Fast: fonts load once per process, and fallback fonts (for characters DejaVu Sans lacks, such as
 * Chinese or emoji) only when the text needs them, and then only the tables that measure text.
 *
 * @param spec The slide's size and content (a section when `kind` is left out).
 * @returns Whether it fits, the scale, a message naming what would be cut, and warnings.
 * @throws {RangeError} When the size is not a whole number of pixels from 1 to 16384, or the text scale is not
 * from 0.5 to 2.
 * @throws {InputError} When a font is missing or unreadable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSlideFits } from "./check_slide_fit.ts";
 * const fit = await checkSlideFits({ width: 320, height: 180, title: "Hello", bullets: ["One **point**"] });
 * assert.deepEqual(fit, { fits: true, scale: 1, message: null, warnings: [] });
 * const crowded = await checkSlideFits({
 *   width: 320,
 *   height: 180,
 *   title: "Hello",
 *   bullets: Array.from({ length: 8 }, () => "A long point ".repeat(40)),
 * });
 * assert.equal(crowded.fits, false);
 * assert.match(crowded.message ?? "", /^The slide text does not fit a 320x180 slide even at half size: /);
 * const code = await checkSlideFits({
 *   kind: "code",
 *   width: 320,
 *   height: 180,
 *   title: "Wide code",
 *   bullets: [],
 *   code: "x".repeat(400),
 * });
 * assert.match(code.message ?? "", /the end of 1 of the code's 1 lines would be cut$/);
 * ```
 */
export async function checkSlideFits(spec: SlideText): Promise<SlideFit> {
  return (await fitSlide(spec)).fit;
}
