/**
 * Fits a slide's text: loads the fonts it needs, lays it out, and says whether it fits and what else the user
 * should know. Rendering and the plan-time check both go through here, so they always agree.
 * @module
 */
import type { SlideFit, SlideText } from "./check_slide_fit.ts";
import { slideFontDirs } from "./_font_dirs.ts";
import { loadSlideFonts, type SlideFonts } from "./_fonts.ts";
import { type LayoutOverflow, layoutSlide, type SlideLayout } from "./_layout.ts";
import { resolveTextFonts, type SlideTextFonts } from "./_text_fonts.ts";

/** A laid-out slide with its fonts and its fit. */
export interface FittedSlide {
  layout: SlideLayout;
  primary: SlideFonts;
  fonts: SlideTextFonts;
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
 * @throws {RangeError} When the size is not a whole number of pixels from 1 to 16384.
 * @throws {InputError} When a font is missing or unreadable.
 */
export async function fitSlide(text: SlideText): Promise<FittedSlide> {
  const { width, height, title, bullets } = text;
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
      throw new RangeError(
        `Cannot render a slide ${name} of ${value}: expected a whole number from 1 to ${MAX_SIDE}`,
      );
    }
  }
  const dirs = slideFontDirs();
  const primary = await loadSlideFonts(dirs.primary);
  const fonts = await resolveTextFonts({ title, bullets }, { primary, fallbackDirs: dirs.fallbacks });
  const layout = layoutSlide({ width, height, title, bullets }, fonts);
  const size = `a ${width}x${height} slide even at half size`;
  const { overflow } = layout;
  const fit: SlideFit = {
    fits: overflow === null,
    scale: layout.scale,
    message: overflow === null
      ? null
      : `The slide text does not fit ${size}: ${cutText(overflow, bullets.length)} would be cut`,
    warnings: fonts.missing.length === 0 ? [] : [missingWarning(fonts.missing)],
  };
  const cutWarning = overflow === null
    ? null
    : `The slide text does not fit ${size}: ${cutText(overflow, bullets.length)} ${
      overflow.titleLinesCut + overflow.bulletsCut === 1 ? "was" : "were"
    } cut, ending in an ellipsis`;
  return { layout, primary, fonts, fit, cutWarning };
}

/** "2 of the title's 4 lines and 3 of 8 bullets (bullet 6 in part)". */
function cutText(overflow: LayoutOverflow, bullets: number): string {
  const parts: string[] = [];
  if (overflow.titleLinesCut > 0) {
    parts.push(`${overflow.titleLinesCut} of the title's ${overflow.titleLines} lines`);
  }
  if (overflow.bulletsCut > 0) {
    const first = bullets - overflow.bulletsCut + 1;
    parts.push(
      `${overflow.bulletsCut} of ${bullets} ${bullets === 1 ? "bullet" : "bullets"}` +
        (overflow.firstCutInPart && overflow.bulletsCut > 1 ? ` (bullet ${first} in part)` : "") +
        (overflow.firstCutInPart && overflow.bulletsCut === 1 ? " (in part)" : ""),
    );
  }
  return parts.join(" and ");
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
