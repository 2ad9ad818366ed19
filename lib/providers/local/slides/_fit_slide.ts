/**
 * Fits a slide's text: parses it, loads the fonts it needs, lays it out, and says whether it fits and what else the
 * user should know. Rendering and the plan-time check both go through here, so they always agree.
 * @module
 */
import type { SlideFit, SlideText } from "./check_slide_fit.ts";
import { slideFontDirs } from "../../../media/font_dirs.ts";
import { FACE_NAMES, type FaceName, loadSlideFonts, type SlideFonts } from "./_fonts.ts";
import type { SlideLayout } from "./_layout.ts";
import { layoutSlide } from "./_layout_slide.ts";
import { facedTexts, prepareSlide } from "./_prepared_slide.ts";
import { resolveTextFonts, type SlideTextFonts } from "./_text_fonts.ts";

/** A laid-out slide with its fonts and its fit. */
export interface FittedSlide {
  layout: SlideLayout;
  primary: SlideFonts;
  fonts: SlideTextFonts;
  /** The primary faces the text is drawn in: `sans` always (resvg's default), the others when used. */
  faces: FaceName[];
  fit: SlideFit;
  /** The warning to report when the slide is rendered cut anyway; null when it fits. */
  cutWarning: string | null;
}

/** The largest side a slide may have, in pixels. */
const MAX_SIDE = 16384;
/** How many missing characters a warning names before it says "and N more". */
const NAMED = 8;

/**
 * Checks the size, loads the fonts the text needs (once per process) and lays the text out.
 *
 * @throws {RangeError} When the size is not a whole number of pixels from 1 to 16384, or the text scale is not
 * from 0.5 to 2.
 * @throws {InputError} When a font is missing or unreadable.
 */
export async function fitSlide(text: SlideText): Promise<FittedSlide> {
  const { width, height, textScale = 1, captionRoom = 0 } = text;
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
      throw new RangeError(
        `Cannot render a slide ${name} of ${value}: expected a whole number from 1 to ${MAX_SIDE}`,
      );
    }
  }
  if (!(textScale >= 0.5 && textScale <= 2)) {
    throw new RangeError(`Cannot render a slide with a text scale of ${textScale}: expected 0.5 to 2`);
  }
  if (!(captionRoom >= 0 && captionRoom <= 0.5)) {
    throw new RangeError(
      `Cannot render a slide keeping ${captionRoom} of its height for captions: expected 0 to 0.5`,
    );
  }
  const dirs = slideFontDirs();
  const primary = await loadSlideFonts(dirs.primary);
  const prepared = prepareSlide(text);
  const fonts = await resolveTextFonts(facedTexts(prepared), { primary, fallbackDirs: dirs.fallbacks });
  const layout = layoutSlide(prepared, { width, height, textScale, captionRoom }, fonts);
  const size = `a ${width}x${height} slide even at half size`;
  const { overflow } = layout;
  const what = overflow?.parts.join(" and ") ?? "";
  const fit: SlideFit = {
    fits: overflow === null,
    scale: layout.scale,
    message: overflow === null ? null : `The slide text does not fit ${size}: ${what} would be cut`,
    warnings: fonts.missing.length === 0 ? [] : [missingWarning(fonts.missing)],
  };
  const cutWarning = overflow === null
    ? null
    : `The slide text does not fit ${size}: ${what} ${overflow.count === 1 ? "was" : "were"} cut, ` +
      `ending in an ellipsis`;
  const used = new Set(layout.runs.map((run) => run.style.face));
  const faces = FACE_NAMES.filter((face) => face === "sans" || used.has(face));
  return { layout, primary, fonts, faces, fit, cutWarning };
}

/** Names the characters no font has, with their code points. */
function missingWarning(missing: readonly string[]): string {
  const named = missing.slice(0, NAMED).map((cluster) =>
    `${JSON.stringify(cluster)} (${
      [...cluster].map((char) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`)
        .join(" ")
    })`
  );
  const more = missing.length > NAMED ? ` and ${missing.length - NAMED} more` : "";
  const they = missing.length === 1 ? "it shows as an empty box" : "they show as empty boxes";
  return `No installed font has ${named.join(", ")}${more}, so ${they}: install fonts-noto-core, ` +
    `fonts-noto-cjk and fonts-symbola, or put a font that has ${
      missing.length === 1 ? "it" : "them"
    } in REEL_FONT_DIR`;
}
