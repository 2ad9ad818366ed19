/**
 * A picture slide's layout: the picture over the whole frame (`cover`) or whole in the space under the caption
 * (`contain`), and the title as a caption in a translucent band across the top (below the top 10% on portrait,
 * where apps draw their buttons; the bottom, where subtitles go, stays free).
 * @module
 */
import {
  baseline,
  type Box,
  fitScale,
  type Frame,
  measurer,
  paragraphDirection,
  type PlacedRect,
  type SlideLayout,
  WIDTH_SLACK,
} from "./_layout.ts";
import { linesToRuns, markCut, type PendingLine } from "./_layout_lines.ts";
import type { PreparedPicture } from "./_prepared_slide.ts";
import { wrapRuns } from "./_wrap.ts";

const CAPTION_LINE = 1.2;
/** The band's padding, in caption sizes. */
const BAND_PAD = 0.5;

/** Lays out a picture and its caption. */
export function layoutPicture(slide: PreparedPicture, frame: Frame): SlideLayout {
  const { width, height, profile, fonts, unit } = frame;
  const bandTop = profile.portrait ? height * 0.1 : 0;
  const left = width * profile.marginX;
  const maxWidth = (width - 2 * left) * WIDTH_SLACK;
  // The caption's text may take at most this much of the height.
  const room = height * (profile.portrait ? 0.22 : 0.3);
  const sizeAt = (scale: number) => unit * profile.caption * scale;
  const wrapAt = (scale: number) => wrapRuns(slide.title, measurer(fonts, sizeAt(scale)), maxWidth);
  const scale = fitScale((scale) => wrapAt(scale).length * sizeAt(scale) * CAPTION_LINE <= room + 1e-6);
  const size = sizeAt(scale);
  const wrapped = wrapAt(scale);
  const shown = Math.min(wrapped.length, Math.floor(room / (size * CAPTION_LINE) + 1e-6));
  const pad = size * BAND_PAD;
  const direction = paragraphDirection(slide.title, frame);
  const lines: PendingLine[] = wrapped.slice(0, shown).map((line, index) => ({
    x: left,
    y: baseline(fonts, bandTop + pad + index * size * CAPTION_LINE, size, CAPTION_LINE),
    size,
    ink: "foreground",
    line,
    maxWidth,
    align: "start",
    direction,
  }));
  const cut = wrapped.length - shown;
  if (cut > 0) markCut(lines, fonts);
  const band: PlacedRect | null = shown === 0
    ? null
    : { x: 0, y: bandTop, width, height: shown * size * CAPTION_LINE + 2 * pad, fill: "band", rx: 0 };
  const top = band === null ? bandTop : band.y + band.height;
  const bottom = profile.portrait ? height * profile.bottom : height;
  const area: Box = slide.fit === "cover"
    ? { x: 0, y: 0, width, height }
    : { x: 0, y: top, width, height: Math.max(1, bottom - top) };
  return {
    scale,
    overflow: cut === 0 ? null : { parts: [`${cut} of the title's ${wrapped.length} lines`], count: cut },
    runs: linesToRuns(lines, frame),
    rects: band === null ? [] : [band],
    markers: [],
    picture: { ...area, fit: slide.fit },
    panel: null,
  };
}
