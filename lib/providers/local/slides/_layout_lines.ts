/**
 * Lines of text a layout has placed but not yet turned into runs, so that the last one shown can still gain an
 * ellipsis when what follows it is cut.
 * @module
 */
import { type Ink, measurer, type PlacedRun, placeLine } from "./_layout.ts";
import type { SlideTextFonts } from "./_text_fonts.ts";
import type { RichText } from "./_text_style.ts";
import { ellipsizeRuns, runsWidth } from "./_wrap.ts";

/** A line at its place: `x` is its start (or its centre when `centred`), `y` its baseline. */
export interface PendingLine {
  x: number;
  y: number;
  size: number;
  ink: Ink;
  line: RichText;
  /** How wide the line may be, for the ellipsis. */
  maxWidth: number;
  centred: boolean;
}

/** Ends the last line with an ellipsis (once) because text after it was cut. */
export function markCut(lines: PendingLine[], fonts: SlideTextFonts): void {
  const last = lines.at(-1);
  if (last === undefined || last.line.at(-1)?.text.endsWith("…")) return;
  last.line = ellipsizeRuns(last.line, measurer(fonts, last.size), last.maxWidth);
}

/** The runs of the lines, each run at the width of the ones before it; centred lines around their `x`. */
export function linesToRuns(lines: readonly PendingLine[], fonts: SlideTextFonts): PlacedRun[] {
  return lines.flatMap((pending) => {
    const measure = measurer(fonts, pending.size);
    const x = pending.centred ? pending.x - runsWidth(pending.line, measure) / 2 : pending.x;
    return placeLine(pending.line, { x, y: pending.y, size: pending.size, ink: pending.ink, measure });
  });
}
