/**
 * A title or end card's layout: a large bold title, a short accent line and the subtitle (or text) under it in a
 * softer ink, every line centred, the block centred in the safe area (upper middle on portrait).
 * @module
 */
import {
  baseline,
  blockTop,
  descent,
  fitWholeScale,
  type Frame,
  type LayoutOverflow,
  measurer,
  paragraphDirection,
  type PlacedRect,
  type SlideLayout,
  WIDTH_SLACK,
} from "./_layout.ts";
import { linesToRuns, markCut, type PendingLine } from "./_layout_lines.ts";
import type { PreparedCard } from "./_prepared_slide.ts";
import type { RichText } from "./_text_style.ts";
import { breaksWord, wrapRuns } from "./_wrap.ts";

const TITLE_LINE = 1.15;
const TEXT_LINE = 1.3;

/** Lays out a title or end card. */
export function layoutCard(slide: PreparedCard, frame: Frame): SlideLayout {
  const { width, height, profile } = frame;
  const room = height * (profile.bottom - profile.top);
  const scale = fitWholeScale((scale) => stackCard(slide, frame, scale, Infinity), room);
  const placed = stackCard(slide, frame, scale, room);
  const top = placed.overflow === null
    ? blockTop(frame, placed.height, placed.inkBottom)
    : height * profile.top;
  const left = width * profile.marginX;
  const pad = Math.min(left, height * profile.top) * 0.45;
  return {
    scale,
    overflow: placed.overflow,
    runs: linesToRuns(placed.lines, frame).map((run) => ({ ...run, y: run.y + top })),
    rects: placed.rects.map((rect) => ({ ...rect, y: rect.y + top })),
    markers: [],
    picture: null,
    panel: placed.inkBottom <= 0 ? null : {
      x: left - pad,
      y: top - pad,
      width: width - 2 * left + 2 * pad,
      height: placed.inkBottom + 2 * pad,
    },
  };
}

function stackCard(slide: PreparedCard, frame: Frame, scale: number, limit: number) {
  const { fonts, unit, profile, width } = frame;
  const titleSize = unit * profile.card * scale;
  const textSize = unit * profile.cardText * scale;
  const maxWidth = width * (1 - 2 * profile.marginX) * WIDTH_SLACK;
  const lines: PendingLine[] = [];
  const rects: PlacedRect[] = [];
  let y = 0;
  let inkBottom = 0;
  let cutOff = false;
  let wordsWhole = true;
  const add = (text: RichText, size: number, lineHeight: number, ink: "foreground" | "muted") => {
    const wrapped = wrapRuns(text, measurer(fonts, size), maxWidth);
    const direction = paragraphDirection(text, frame);
    wordsWhole &&= !breaksWord(text, measurer(fonts, size), maxWidth);
    let shown = 0;
    for (const line of wrapped) {
      if (cutOff || y + size * lineHeight > limit + 1e-6) {
        if (!cutOff) markCut(lines, fonts);
        cutOff = true;
        break;
      }
      const base = baseline(fonts, y, size, lineHeight);
      lines.push({ x: width / 2, y: base, size, ink, line, maxWidth, align: "centre", direction });
      inkBottom = base + descent(fonts, size);
      y += size * lineHeight;
      shown++;
    }
    return { lines: wrapped.length, cut: wrapped.length - shown };
  };
  const title = add(slide.title, titleSize, TITLE_LINE, "foreground");
  if (title.cut === 0 && title.lines > 0) {
    const bar = { width: titleSize * 1.6, height: Math.max(1, titleSize * 0.07) };
    rects.push({
      x: (width - bar.width) / 2,
      y: y + titleSize * 0.3,
      ...bar,
      fill: "accent",
      rx: bar.height / 2,
    });
    inkBottom = y + titleSize * 0.3 + bar.height;
    y = inkBottom + (slide.text.length > 0 ? textSize * 0.7 : 0);
  }
  const text = add(slide.text, textSize, TEXT_LINE, "muted");
  const parts = [
    ...title.cut > 0 ? [`${title.cut} of the title's ${title.lines} lines`] : [],
    ...text.cut > 0 ? [`${text.cut} of the ${slide.textName}'s ${text.lines} lines`] : [],
  ];
  const overflow: LayoutOverflow | null = parts.length === 0 ? null : { parts, count: title.cut + text.cut };
  return { height: y, wordsWhole, inkBottom, lines, rects, overflow };
}
