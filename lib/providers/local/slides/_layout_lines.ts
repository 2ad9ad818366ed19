/**
 * Lines of text a layout has placed but not yet turned into runs, so that the last one shown can still gain an
 * ellipsis when what follows it is cut.
 * @module
 */
import { type Direction, visualOrder } from "../../../core/bidi.ts";
import { type Frame, type Ink, isCode, measurer, type PlacedRun, placeLine } from "./_layout.ts";
import type { SlideTextFonts } from "./_text_fonts.ts";
import type { RichText } from "./_text_style.ts";
import { ellipsizeRuns, runsWidth } from "./_wrap.ts";

/**
 * A line at its place on a left-to-right slide: `x` is its start (or its centre when `align` is `centre`), `y` its
 * baseline. On a right-to-left slide it is set from the mirrored place, its end at the mirror of `x`, except code,
 * which is read left to right on any slide (`left`).
 */
export interface PendingLine {
  x: number;
  y: number;
  size: number;
  ink: Ink;
  /** In reading order. */
  line: RichText;
  /** How wide the line may be, for the ellipsis. */
  maxWidth: number;
  align: "start" | "centre" | "left";
  /** The direction of the paragraph the line belongs to, which orders its words (see `visualOrder`). */
  direction: Direction;
}

/** Ends the last line with an ellipsis (once) because text after it was cut. */
export function markCut(lines: PendingLine[], fonts: SlideTextFonts): void {
  const last = lines.at(-1);
  if (last === undefined || last.line.at(-1)?.text.endsWith("…")) return;
  last.line = ellipsizeRuns(last.line, measurer(fonts, last.size), last.maxWidth);
}

/**
 * The runs of the lines in the order they are drawn, each run at the width of the ones before it; centred lines
 * around their `x` (mirrored on a right-to-left slide), the others from their start (see {@linkcode PendingLine}).
 */
export function linesToRuns(lines: readonly PendingLine[], frame: Frame): PlacedRun[] {
  const mirrored = frame.direction === "rtl";
  return lines.flatMap((pending) => {
    const measure = measurer(frame.fonts, pending.size);
    const line = pending.align === "left"
      ? pending.line.map((run) => ({ ...run, rtl: false }))
      : visualOrder(pending.line, pending.direction, { leftToRight: isCode });
    const width = runsWidth(line, measure);
    const x = pending.align === "left" || !mirrored
      ? pending.x - (pending.align === "centre" ? width / 2 : 0)
      : frame.width - pending.x - (pending.align === "centre" ? width / 2 : width);
    return placeLine(line, { x, y: pending.y, size: pending.size, ink: pending.ink, measure });
  });
}
