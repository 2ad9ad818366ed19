/**
 * Picks the layout for a slide's kind and the profile for its frame's aspect.
 * @module
 */
import { type Direction, textDirection } from "../../../core/bidi.ts";
import { type Frame, type Profile, proseOf, type SlideLayout } from "./_layout.ts";
import { layoutCard } from "./_layout_card.ts";
import { layoutPicture } from "./_layout_picture.ts";
import { layoutSection } from "./_layout_section.ts";
import { paragraphsOf, type PreparedSlide } from "./_prepared_slide.ts";
import type { SlideTextFonts } from "./_text_fonts.ts";

/** Landscape: the block centred between 10% and 90% of the height. */
const LANDSCAPE: Profile = {
  portrait: false,
  marginX: 0.07,
  top: 0.1,
  bottom: 0.9,
  centre: 0.5,
  title: 0.09,
  bullet: 0.056,
  code: 0.042,
  card: 0.13,
  cardText: 0.062,
  caption: 0.062,
};
const SQUARE: Profile = { ...LANDSCAPE, marginX: 0.08, top: 0.09, bottom: 0.91, bullet: 0.058, code: 0.045 };
/**
 * Portrait (phones): larger type, and the block in the upper middle, clear of the top 12% and the bottom 25%
 * where short-video apps draw their buttons and captions.
 */
const PORTRAIT: Profile = {
  portrait: true,
  marginX: 0.08,
  top: 0.12,
  bottom: 0.75,
  centre: 0.42,
  title: 0.105,
  bullet: 0.072,
  code: 0.05,
  card: 0.14,
  cardText: 0.072,
  caption: 0.072,
};

/**
 * Lays out a slide at the largest scale (1 down to {@linkcode MIN_SCALE}) where everything fits; at the smallest
 * scale, what still does not fit is cut, the last text shown ends with an ellipsis, and `overflow` says what. A
 * slide whose text is written right to left (Arabic, Hebrew) is set from the right (see `Frame.direction`).
 */
export function layoutSlide(
  slide: PreparedSlide,
  size: { width: number; height: number; textScale: number; captionRoom?: number },
  fonts: SlideTextFonts,
): SlideLayout {
  const { width, height, textScale, captionRoom = 0 } = size;
  const aspect = width / height;
  const shape = aspect > 1.25 ? LANDSCAPE : aspect < 0.8 ? PORTRAIT : SQUARE;
  const direction = slideDirection(slide);
  const at = (room: number) => {
    const frame: Frame = {
      width,
      height,
      textScale,
      profile: { ...shape, bottom: Math.min(shape.bottom, 1 - room) },
      unit: Math.min(width, height) * textScale,
      fonts,
      direction,
    };
    const layout = slide.kind === "section"
      ? layoutSection(slide, frame)
      : slide.kind === "card"
      ? layoutCard(slide, frame)
      : layoutPicture(slide, frame);
    return direction === "rtl" ? mirrorShapes(layout, width) : layout;
  };
  // Burned captions' room is kept clear below a section's text (a card shows no cue); text that fits only over it
  // is laid out there, as before the room was kept: it overlaps a cue, where refusing it would stop a render that
  // rendered.
  if (slide.kind === "card" || captionRoom === 0) return at(0);
  const kept = at(captionRoom);
  return kept.overflow === null ? kept : at(0);
}

/**
 * The direction most of the slide's words are written in (code aside), left to right when it has none: a Hebrew
 * slide titled "React" reads from the right (nw2).
 */
function slideDirection(slide: PreparedSlide): Direction {
  return textDirection(proseOf(paragraphsOf(slide))) ?? "ltr";
}

/**
 * A right-to-left slide's bars, panels and markers, mirrored from where a left-to-right layout put them (its text is
 * set from the right as it is placed, see `linesToRuns`); the picture and the readability panel span the frame
 * symmetrically and stay.
 */
function mirrorShapes(layout: SlideLayout, width: number): SlideLayout {
  return {
    ...layout,
    rects: layout.rects.map((rect) => ({ ...rect, x: width - rect.x - rect.width })),
    markers: layout.markers.map((marker) => ({ ...marker, cx: width - marker.cx })),
  };
}
