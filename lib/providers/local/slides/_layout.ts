/**
 * Lays a slide out for its aspect: where each run of text goes, at what size and in which ink, and where the
 * accent marks, code panel, picture and caption band sit. Every size is a fraction of the frame, so small and large
 * frames match. This file holds what the layouts of the kinds share; `_layout_slide.ts` picks one.
 * @module
 */
import { type DirectedText, type Direction, directionIn } from "../../../core/bidi.ts";
import type { SlideTextFonts } from "./_text_fonts.ts";
import type { RichText, TextStyle } from "./_text_style.ts";
import type { MeasureRun } from "./_wrap.ts";

/** A rectangle in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The colour a run of text is drawn in: the theme's text, text at 78% opacity, accent, or code colour. */
export type Ink = "foreground" | "muted" | "accent" | "code";

/** A run of text in one style and direction: its baseline's left end, size and ink. */
export interface PlacedRun {
  x: number;
  y: number;
  /** In reading order: drawn from its right end when `rtl`. */
  text: string;
  style: TextStyle;
  size: number;
  ink: Ink;
  rtl: boolean;
}

/** A filled rectangle: an accent bar, a code panel, or the translucent band behind a caption. */
export interface PlacedRect extends Box {
  fill: "accent" | "code" | "band";
  /** Corner radius. */
  rx: number;
}

/** What was cut because it did not fit even at the smallest scale. */
export interface LayoutOverflow {
  /** What was cut, each as a phrase: "2 of the title's 4 lines", "3 of 8 bullets (bullet 6 in part)". */
  parts: string[];
  /** How many things the phrases count together, for "was" or "were". */
  count: number;
}

/** Where everything on a slide goes. */
export interface SlideLayout {
  /** The scale the text is set at: 1 for the full size, down to {@linkcode MIN_SCALE}. */
  scale: number;
  /** What did not fit, or null when everything did. */
  overflow: LayoutOverflow | null;
  runs: PlacedRun[];
  rects: PlacedRect[];
  /** Bullet markers, in the accent colour. */
  markers: { cx: number; cy: number; r: number }[];
  /** Where the picture goes and how it fits there, or null. */
  picture: (Box & { fit: "cover" | "contain" }) | null;
  /** The box around the text, padded: the readability panel drawn over a background image; null for none. */
  panel: Box | null;
}

/**
 * Per-aspect proportions: margins and the safe area are fractions of each side; `centre` is where the middle of
 * the text block goes (as a fraction of the height) when it has room; font sizes are fractions of the shorter side.
 */
export interface Profile {
  portrait: boolean;
  marginX: number;
  /** Where text may start, as a fraction of the height. */
  top: number;
  /** Where text must end, as a fraction of the height. */
  bottom: number;
  centre: number;
  title: number;
  bullet: number;
  code: number;
  card: number;
  cardText: number;
  caption: number;
}

/**
 * The smallest scale text shrinks to before it is cut: at half size a 1080p bullet is still 30 px and a portrait
 * one 39 px, about the smallest text that stays readable on a phone; smaller text would be unreadable anyway.
 */
export const MIN_SCALE = 0.5;
/** Room left for differences between opentype.js's measuring and resvg's shaping. */
export const WIDTH_SLACK = 0.98;

/** The frame a slide is laid out in. */
export interface Frame {
  width: number;
  height: number;
  /** The theme's factor on every text size. */
  textScale: number;
  profile: Profile;
  /** The frame's shorter side times `textScale`: font sizes are fractions of it. */
  unit: number;
  fonts: SlideTextFonts;
  /**
   * The slide's direction, that of most of its words (code aside): a right-to-left slide is laid out as a
   * left-to-right one would be, then mirrored (its lines set from the right, the markers and bars on the right).
   */
  direction: Direction;
}

/** The direction of a paragraph of the slide, code aside (see `directionIn`). */
export function paragraphDirection(text: RichText, frame: Frame): Direction {
  return directionIn(proseOf([text]), frame.direction);
}

/** The text of paragraphs without their code, which reads left to right whatever surrounds it. */
export function proseOf(paragraphs: readonly RichText[]): string {
  return paragraphs.map((text) => text.filter((run) => !isCode(run.style)).map((run) => run.text).join(""))
    .join("\n");
}

/** Whether text in `style` is code. */
export function isCode(style: TextStyle): boolean {
  return style.face === "mono" || style.face === "monoBold";
}

/** The largest scale from 1 down to {@linkcode MIN_SCALE} (in steps of 8%) at which `fits` holds. */
export function fitScale(fits: (scale: number) => boolean): number {
  let scale = 1;
  while (scale > MIN_SCALE && !fits(scale)) scale = Math.max(MIN_SCALE, scale * 0.92);
  return scale;
}

/**
 * The largest scale (see {@linkcode fitScale}) at which a block laid out by `place` fits `room` pixels of height with
 * no word cut between lines; else, when no scale keeps every word whole, the largest at which it fits.
 */
export function fitWholeScale(
  place: (scale: number) => { height: number; wordsWhole: boolean },
  room: number,
): number {
  const fits = (scale: number, whole: boolean) => {
    const placed = place(scale);
    return placed.height <= room + 1e-6 && (!whole || placed.wordsWhole);
  };
  const whole = fitScale((scale) => fits(scale, true));
  return fits(whole, true) ? whole : fitScale((scale) => fits(scale, false));
}

/** Measures runs at `size` pixels with the slide's fonts. */
export function measurer(fonts: SlideTextFonts, size: number): MeasureRun<TextStyle> {
  return (text, style) => fonts.faces[style.face].getAdvanceWidth(text, size);
}

/** The baseline of a line whose box starts at `top`, with the glyphs centred in the line's height. */
export function baseline(fonts: SlideTextFonts, top: number, size: number, lineHeight: number): number {
  const font = fonts.faces.sans;
  const ascent = font.ascender / font.unitsPerEm;
  const descent = -font.descender / font.unitsPerEm;
  return top + (lineHeight - ascent - descent) * size / 2 + ascent * size;
}

/** How far the glyphs reach below the baseline, at `size` pixels. */
export function descent(fonts: SlideTextFonts, size: number): number {
  const font = fonts.faces.sans;
  return -font.descender / font.unitsPerEm * size;
}

/**
 * Places one line's runs from `x` rightwards, each at the width the ones before it measured.
 *
 * @param line The line's runs in the order they are drawn, left to right (see `visualOrder`).
 * @param at Where it starts, its size and its ink.
 */
export function placeLine(
  line: readonly DirectedText<TextStyle>[],
  at: { x: number; y: number; size: number; ink: Ink; measure: MeasureRun<TextStyle> },
): PlacedRun[] {
  let x = at.x;
  return line.map((run) => {
    const placed = { x, y: at.y, text: run.text, style: run.style, size: at.size, ink: at.ink, rtl: run.rtl };
    x += at.measure(run.text, run.style);
    return placed;
  });
}

/**
 * Where a block of `height` pixels, whose ink ends `inkBottom` pixels below its top, starts: its ink centred on the
 * profile's centre line, kept inside the safe area; at the top of the safe area when it does not fit.
 */
export function blockTop(frame: Frame, height: number, inkBottom: number): number {
  const { profile } = frame;
  const top = frame.height * profile.top;
  const bottom = frame.height * profile.bottom;
  const wanted = frame.height * profile.centre - inkBottom / 2;
  return Math.max(top, Math.min(wanted, bottom - height));
}
