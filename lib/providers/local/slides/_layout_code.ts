/**
 * A code block: monospace lines on a darker panel, never wrapped. A block too wide shrinks on its own (the title
 * and bullets keep their size) down to half size; lines still too wide are cut with an ellipsis.
 * @module
 */
import { baseline, type Frame, measurer, MIN_SCALE, type PlacedRect, WIDTH_SLACK } from "./_layout.ts";
import type { PendingLine } from "./_layout_lines.ts";
import { type RichText, styleOf } from "./_text_style.ts";
import { ellipsizeRuns, runsWidth } from "./_wrap.ts";

const CODE_LINE = 1.35;
/** The panel's padding, in code sizes. */
const CODE_PAD = 0.7;

/** A placed code block. */
export interface CodeBlock {
  lines: PendingLine[];
  /** The panel, or null when not even one line fit. */
  panel: PlacedRect | null;
  /** Lines dropped at the end. */
  linesCut: number;
  /** Lines shown but cut at the right. */
  linesClipped: number;
}

/**
 * Places code lines on a panel whose top is `top`, no lower than `limit`.
 *
 * @param code The lines (runs of the mono face).
 * @param at Where the panel goes, the slide's scale, and where it must end.
 */
export function placeCode(
  code: readonly RichText[],
  frame: Frame,
  at: { left: number; width: number; top: number; limit: number; scale: number },
): CodeBlock {
  const { fonts } = frame;
  const base = frame.unit * frame.profile.code;
  const perPixel = measurer(fonts, 1);
  const longest = Math.max(0, ...code.map((line) => runsWidth(line, perPixel)));
  // The size at which the longest line and the panel's padding fit the width.
  const fitting = at.width * WIDTH_SLACK / (longest + 2 * CODE_PAD);
  const size = Math.min(base * at.scale, Math.max(base * MIN_SCALE, fitting));
  const pad = size * CODE_PAD;
  const lineHeight = size * CODE_LINE;
  const room = Math.floor((at.limit - at.top - 2 * pad) / lineHeight + 1e-6);
  if (room < 1) return { lines: [], panel: null, linesCut: code.length, linesClipped: 0 };
  const shown = Math.min(room, code.length);
  const measure = measurer(fonts, size);
  const maxWidth = (at.width - 2 * pad) * WIDTH_SLACK;
  const mono = styleOf("mono");
  const space = measure(" ", mono);
  let linesClipped = 0;
  const lines = code.slice(0, shown).map((line, index): PendingLine => {
    const indent = /^ */.exec(line[0]?.text ?? "")![0].length;
    const text: RichText = line.length === 0 ? [] : [{ ...line[0]!, text: line[0]!.text.slice(indent) }];
    const room = maxWidth - indent * space;
    const cutHere = runsWidth(text, measure) > room;
    if (cutHere) linesClipped++;
    const last = index === shown - 1 && shown < code.length;
    return {
      x: at.left + pad + indent * space,
      y: baseline(fonts, at.top + pad + index * lineHeight, size, CODE_LINE),
      size,
      ink: "code",
      line: text.length === 0 && last
        ? [{ text: "…", style: mono }]
        : cutHere || last
        ? ellipsizeRuns(text, measure, room)
        : text,
      maxWidth: room,
      align: "left",
      direction: "ltr",
    };
  });
  const panel: PlacedRect = {
    x: at.left,
    y: at.top,
    width: at.width,
    height: 2 * pad + shown * lineHeight,
    fill: "code",
    rx: size * 0.35,
  };
  return { lines, panel, linesCut: code.length - shown, linesClipped };
}
