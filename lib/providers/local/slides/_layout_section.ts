/**
 * A section slide's layout: the title (bold) with an accent bar under it, the bullets with their markers, and a
 * code block, stacked in one left-aligned block that is centred in the safe area (landscape and square) or set in
 * its upper middle (portrait).
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
import { placeCode } from "./_layout_code.ts";
import { linesToRuns, markCut, type PendingLine } from "./_layout_lines.ts";
import type { PreparedSection } from "./_prepared_slide.ts";
import { breaksWord, ellipsizeRuns, wrapRuns } from "./_wrap.ts";

const TITLE_LINE = 1.18;
const BULLET_LINE = 1.3;
const BULLET_GAP = 0.5;

/** What a stack cut, counted for the message. */
interface Cuts {
  titleLines: number;
  titleLinesCut: number;
  bulletsCut: number;
  firstCutInPart: boolean;
  codeLines: number;
  codeLinesCut: number;
  codeLinesClipped: number;
}

/** The block laid out from y = 0: its height, where its ink ends, and what it holds. */
interface Stack {
  height: number;
  /** No word of the title or the bullets is cut between lines. */
  wordsWhole: boolean;
  inkBottom: number;
  lines: PendingLine[];
  rects: PlacedRect[];
  markers: SlideLayout["markers"];
  cuts: Cuts;
}

/** Lays out a section slide (with or without code). */
export function layoutSection(slide: PreparedSection, frame: Frame): SlideLayout {
  const { width, height, profile } = frame;
  const left = width * profile.marginX;
  const box = { left, width: width - 2 * left };
  const room = height * (profile.bottom - profile.top);
  const scale = fitWholeScale((scale) => stack(slide, frame, { ...box, scale, limit: Infinity }), room);
  const placed = stack(slide, frame, { ...box, scale, limit: room });
  const overflow = overflowOf(placed.cuts, slide.bullets.length);
  const top = overflow === null ? blockTop(frame, placed.height, placed.inkBottom) : height * profile.top;
  const runs = linesToRuns(placed.lines, frame).map((run) => ({ ...run, y: run.y + top }));
  const pad = Math.min(left, height * profile.top) * 0.45;
  return {
    scale,
    overflow,
    runs,
    rects: placed.rects.map((rect) => ({ ...rect, y: rect.y + top })),
    markers: placed.markers.map((marker) => ({ ...marker, cy: marker.cy + top })),
    picture: null,
    panel: placed.inkBottom <= 0
      ? null
      : { x: left - pad, y: top - pad, width: box.width + 2 * pad, height: placed.inkBottom + 2 * pad },
  };
}

/** Stacks the title, the bullets and the code from y = 0, cutting what passes `limit`. */
function stack(
  slide: PreparedSection,
  frame: Frame,
  at: { left: number; width: number; scale: number; limit: number },
): Stack {
  const { fonts, unit, profile } = frame;
  const { left, width, limit } = at;
  const titleSize = unit * profile.title * at.scale;
  const bulletSize = unit * profile.bullet * at.scale;
  const cuts: Cuts = {
    titleLines: 0,
    titleLinesCut: 0,
    bulletsCut: 0,
    firstCutInPart: false,
    codeLines: slide.code?.length ?? 0,
    codeLinesCut: 0,
    codeLinesClipped: 0,
  };
  const lines: PendingLine[] = [];
  const rects: PlacedRect[] = [];
  const markers: SlideLayout["markers"] = [];
  let y = 0;
  let inkBottom = 0;
  const titleWidth = width * WIDTH_SLACK;
  const titleLines = wrapRuns(slide.title, measurer(fonts, titleSize), titleWidth);
  let wordsWhole = !breaksWord(slide.title, measurer(fonts, titleSize), titleWidth);
  cuts.titleLines = titleLines.length;
  const titleDirection = paragraphDirection(slide.title, frame);
  for (const line of titleLines) {
    if (y + titleSize * TITLE_LINE > limit + 1e-6) {
      cuts.titleLinesCut = titleLines.length - lines.length;
      markCut(lines, fonts);
      break;
    }
    const base = baseline(fonts, y, titleSize, TITLE_LINE);
    lines.push({
      x: left,
      y: base,
      size: titleSize,
      ink: "foreground",
      line,
      maxWidth: titleWidth,
      align: "start",
      direction: titleDirection,
    });
    y += titleSize * TITLE_LINE;
  }
  const more = slide.bullets.length > 0 || slide.code !== null;
  if (lines.length > 0) {
    const bar = {
      x: left,
      y: y + titleSize * 0.25,
      width: Math.min(width, titleSize * 2.4),
      height: titleSize * 0.09,
    };
    rects.push({ ...bar, fill: "accent", rx: 0 });
    inkBottom = bar.y + bar.height;
    y += titleSize * 0.34 + (more ? bulletSize * 0.9 : 0);
  }
  const textWidth = (width - bulletSize * 1.05) * WIDTH_SLACK;
  const lineHeight = bulletSize * BULLET_LINE;
  const measure = measurer(fonts, bulletSize);
  let stopped = false;
  for (const [index, bullet] of slide.bullets.entries()) {
    const start = y + (index === 0 ? 0 : bulletSize * BULLET_GAP);
    const room = Math.floor((limit - start) / lineHeight + 1e-6);
    if (room < 1) {
      markCut(lines, fonts);
      cuts.bulletsCut = slide.bullets.length - index;
      stopped = true;
      break;
    }
    const wrapped = wrapRuns(bullet, measure, textWidth);
    wordsWhole &&= !breaksWord(bullet, measure, textWidth);
    const cut = wrapped.length > room;
    const direction = paragraphDirection(bullet, frame);
    const shown = wrapped.slice(0, room).map((line, number): PendingLine => ({
      x: left + bulletSize * 1.05,
      y: baseline(fonts, start + number * lineHeight, bulletSize, BULLET_LINE),
      size: bulletSize,
      ink: "foreground",
      line: cut && number === room - 1 ? ellipsizeRuns(line, measure, textWidth) : line,
      maxWidth: textWidth,
      align: "start",
      direction,
    }));
    lines.push(...shown);
    const first = baseline(fonts, start, bulletSize, BULLET_LINE);
    markers.push({ cx: left + bulletSize * 0.3, cy: first - bulletSize * 0.33, r: bulletSize * 0.17 });
    y = start + Math.max(1, shown.length) * lineHeight;
    inkBottom = (shown.at(-1)?.y ?? first) + descent(fonts, bulletSize);
    if (cut) {
      cuts.bulletsCut = slide.bullets.length - index;
      cuts.firstCutInPart = true;
      stopped = true;
      break;
    }
  }
  if (slide.code !== null && stopped) cuts.codeLinesCut = slide.code.length;
  if (slide.code !== null && slide.code.length > 0 && !stopped) {
    const top = y + (slide.bullets.length > 0 ? bulletSize * 0.7 : 0);
    const code = placeCode(slide.code, frame, { left, width, top, limit, scale: at.scale });
    if (code.panel === null) markCut(lines, fonts);
    else {
      rects.push(code.panel);
      lines.push(...code.lines);
      y = inkBottom = code.panel.y + code.panel.height;
    }
    cuts.codeLinesCut = code.linesCut;
    cuts.codeLinesClipped = code.linesClipped;
  }
  return { height: y, wordsWhole, inkBottom, lines, rects, markers, cuts };
}

/** "2 of the title's 4 lines and 3 of 8 bullets (bullet 6 in part)", or null when nothing was cut. */
function overflowOf(cuts: Cuts, bullets: number): LayoutOverflow | null {
  const parts: string[] = [];
  if (cuts.titleLinesCut > 0) parts.push(`${cuts.titleLinesCut} of the title's ${cuts.titleLines} lines`);
  if (cuts.bulletsCut > 0) {
    const first = bullets - cuts.bulletsCut + 1;
    parts.push(
      `${cuts.bulletsCut} of ${bullets} ${bullets === 1 ? "bullet" : "bullets"}` +
        (cuts.firstCutInPart && cuts.bulletsCut > 1 ? ` (bullet ${first} in part)` : "") +
        (cuts.firstCutInPart && cuts.bulletsCut === 1 ? " (in part)" : ""),
    );
  }
  if (cuts.codeLinesCut > 0) parts.push(`${cuts.codeLinesCut} of the code's ${cuts.codeLines} lines`);
  if (cuts.codeLinesClipped > 0) {
    parts.push(
      `${cuts.codeLinesClipped === 1 ? "the end" : "the ends"} of ${cuts.codeLinesClipped} of the code's ` +
        `${cuts.codeLines} lines`,
    );
  }
  const count = cuts.titleLinesCut + cuts.bulletsCut + cuts.codeLinesCut + cuts.codeLinesClipped;
  return parts.length === 0 ? null : { parts, count };
}
