/**
 * Places a slide's title and bullets for its aspect: where each line goes, at what size, and where the accent
 * marks and the image panel sit. Every size is a fraction of the frame, so small and large frames match.
 * @module
 */
import type { MeasuringFont } from "./_fonts.ts";
import { ellipsize, wrapText } from "./_wrap.ts";

/** One line of text: its baseline's start and its content. */
export interface PlacedLine {
  x: number;
  y: number;
  text: string;
}

/** A rectangle in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What was cut because it did not fit even at the smallest scale. */
export interface LayoutOverflow {
  /** Title lines dropped; the last title line shown ends with an ellipsis. */
  titleLinesCut: number;
  /** The title's lines at the smallest scale. */
  titleLines: number;
  /** Bullets that lost text, counted from the last; the last text shown ends with an ellipsis. */
  bulletsCut: number;
  /** Whether the first of the cut bullets still shows some of its lines. */
  firstCutInPart: boolean;
}

/** Where everything on a slide goes. */
export interface SlideLayout {
  /** The scale the text is set at: 1 for the full size, down to {@linkcode MIN_SCALE}. */
  scale: number;
  /** What did not fit, or null when everything did. */
  overflow: LayoutOverflow | null;
  titleSize: number;
  bulletSize: number;
  title: PlacedLine[];
  /** The accent bar under the title, or null without a title. */
  bar: Box | null;
  bullets: { marker: { cx: number; cy: number; r: number }; lines: PlacedLine[] }[];
  /** The box around the text, padded; the readability panel over a background image. */
  panel: Box | null;
}

/** Per-aspect proportions; margins are fractions of each side, font sizes of the frame's shorter side. */
interface Profile {
  marginX: number;
  top: number;
  /** Where text must end, as a fraction of the height. */
  bottom: number;
  title: number;
  bullet: number;
}

const LANDSCAPE: Profile = { marginX: 0.07, top: 0.1, bottom: 0.9, title: 0.085, bullet: 0.052 };
const SQUARE: Profile = { marginX: 0.08, top: 0.09, bottom: 0.91, title: 0.085, bullet: 0.056 };
const PORTRAIT: Profile = { marginX: 0.09, top: 0.1, bottom: 0.7, title: 0.092, bullet: 0.062 };

/**
 * The smallest scale text shrinks to before it is cut: at half size a 1080p bullet is still 28 px and a portrait
 * one 33 px, about the smallest text that stays readable on a phone; smaller text would be unreadable anyway.
 */
export const MIN_SCALE = 0.5;
const TITLE_LINE = 1.18;
const BULLET_LINE = 1.3;
const BULLET_GAP = 0.5;
/** Room left for differences between opentype.js's measuring and resvg's shaping. */
const WIDTH_SLACK = 0.98;

/** Content to lay out. */
export interface LayoutInput {
  width: number;
  height: number;
  title: string;
  bullets: readonly string[];
}

/** The fonts layout measures with: bold for the title, regular for the bullets. */
export interface LayoutFonts {
  regular: MeasuringFont;
  bold: MeasuringFont;
}

/**
 * Lays out the slide at the largest scale (1 down to {@linkcode MIN_SCALE}) where everything fits; at the smallest
 * scale, lines that still do not fit are dropped, the last one shown ends with an ellipsis, and `overflow` says
 * what was cut.
 */
export function layoutSlide(input: LayoutInput, fonts: LayoutFonts): SlideLayout {
  const { width, height } = input;
  const aspect = width / height;
  const profile = aspect > 1.25 ? LANDSCAPE : aspect < 0.8 ? PORTRAIT : SQUARE;
  const unit = Math.min(width, height);
  const left = width * profile.marginX;
  const top = height * profile.top;
  const box = { left, top, width: width - 2 * left, height: height * profile.bottom - top };
  let scale = 1;
  while (scale > MIN_SCALE && measure(input, fonts, box.width, unit, profile, scale) > box.height) {
    scale = Math.max(MIN_SCALE, scale * 0.92);
  }
  return { scale, ...place(input, fonts, box, unit * profile.title * scale, unit * profile.bullet * scale) };
}

/** The height the content needs at `scale`. */
function measure(
  input: LayoutInput,
  fonts: LayoutFonts,
  maxWidth: number,
  unit: number,
  profile: Profile,
  scale: number,
): number {
  const titleSize = unit * profile.title * scale;
  const bulletSize = unit * profile.bullet * scale;
  const titleLines = wrapText(input.title, fonts.bold, titleSize, maxWidth * WIDTH_SLACK).length;
  let total = titleLines === 0 ? 0 : titleLines * titleSize * TITLE_LINE + barSpace(titleSize, bulletSize);
  input.bullets.forEach((bullet, index) => {
    const lines = Math.max(
      1,
      wrapText(bullet, fonts.regular, bulletSize, bulletWidth(maxWidth, bulletSize)).length,
    );
    total += lines * bulletSize * BULLET_LINE + (index === 0 ? 0 : bulletSize * BULLET_GAP);
  });
  return total;
}

function place(
  input: LayoutInput,
  fonts: LayoutFonts,
  box: { left: number; top: number; width: number; height: number },
  titleSize: number,
  bulletSize: number,
): Omit<SlideLayout, "scale"> {
  const bottom = box.top + box.height;
  let y = box.top;
  let inkBottom = box.top;
  const title: PlacedLine[] = [];
  const titleWidth = box.width * WIDTH_SLACK;
  const titleLines = wrapText(input.title, fonts.bold, titleSize, titleWidth);
  let titleLinesCut = 0;
  let bulletsCut = 0;
  let firstCutInPart = false;
  for (const text of titleLines) {
    if (y + titleSize * TITLE_LINE > bottom + 1e-6) {
      titleLinesCut = titleLines.length - title.length;
      const last = title.at(-1);
      if (last !== undefined) last.text = ellipsize(last.text, fonts.bold, titleSize, titleWidth);
      break;
    }
    title.push({ x: box.left, y: baseline(fonts.bold, y, titleSize, TITLE_LINE), text });
    y += titleSize * TITLE_LINE;
  }
  let bar: Box | null = null;
  if (title.length > 0) {
    bar = {
      x: box.left,
      y: y + titleSize * 0.25,
      width: Math.min(box.width, titleSize * 2.4),
      height: titleSize * 0.09,
    };
    inkBottom = bar.y + bar.height;
    y += barSpace(titleSize, bulletSize);
  }
  const bullets: SlideLayout["bullets"] = [];
  const textWidth = bulletWidth(box.width, bulletSize);
  const lineHeight = bulletSize * BULLET_LINE;
  const descent = -fonts.regular.descender / fonts.regular.unitsPerEm * bulletSize;
  for (const [index, bullet] of input.bullets.entries()) {
    const start = y + (index === 0 ? 0 : bulletSize * BULLET_GAP);
    const room = Math.floor((bottom - start) / lineHeight + 1e-6);
    if (room < 1) {
      markCut(bullets, fonts.regular, bulletSize, textWidth);
      bulletsCut = input.bullets.length - index;
      break;
    }
    const wrapped = wrapText(bullet, fonts.regular, bulletSize, textWidth);
    const cut = wrapped.length > room;
    const lines = wrapped.slice(0, room).map((text, line) => ({
      x: box.left + bulletSize * 1.05,
      y: baseline(fonts.regular, start + line * lineHeight, bulletSize, BULLET_LINE),
      text: cut && line === room - 1 ? ellipsize(text, fonts.regular, bulletSize, textWidth) : text,
    }));
    const first = baseline(fonts.regular, start, bulletSize, BULLET_LINE);
    const marker = { cx: box.left + bulletSize * 0.3, cy: first - bulletSize * 0.33, r: bulletSize * 0.17 };
    bullets.push({ marker, lines });
    y = start + Math.max(1, lines.length) * lineHeight;
    inkBottom = (lines.at(-1)?.y ?? first) + descent;
    if (cut) {
      bulletsCut = input.bullets.length - index;
      firstCutInPart = true;
      break;
    }
  }
  const pad = Math.min(box.left, box.top) * 0.45;
  const panel = inkBottom <= box.top ? null : {
    x: box.left - pad,
    y: box.top - pad,
    width: box.width + 2 * pad,
    height: inkBottom - box.top + 2 * pad,
  };
  const overflow = titleLinesCut === 0 && bulletsCut === 0
    ? null
    : { titleLinesCut, titleLines: titleLines.length, bulletsCut, firstCutInPart };
  return { overflow, titleSize, bulletSize, title, bar, bullets, panel };
}

/** The space between the last title line and the first bullet, the accent bar included. */
function barSpace(titleSize: number, bulletSize: number): number {
  return titleSize * 0.34 + bulletSize * 0.9;
}

function bulletWidth(maxWidth: number, bulletSize: number): number {
  return (maxWidth - bulletSize * 1.05) * WIDTH_SLACK;
}

/** The baseline of a line whose box starts at `top`, with the glyphs centred in the line's height. */
function baseline(font: MeasuringFont, top: number, size: number, lineHeight: number): number {
  const ascent = font.ascender / font.unitsPerEm;
  const descent = -font.descender / font.unitsPerEm;
  return top + (lineHeight - ascent - descent) * size / 2 + ascent * size;
}

/** Ends the last shown bullet with an ellipsis when later bullets do not fit. */
function markCut(bullets: SlideLayout["bullets"], font: MeasuringFont, size: number, maxWidth: number): void {
  const last = bullets.at(-1)?.lines.at(-1);
  if (last !== undefined && !last.text.endsWith("…")) last.text = ellipsize(last.text, font, size, maxWidth);
}
