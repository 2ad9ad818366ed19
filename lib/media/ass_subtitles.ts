/**
 * Captions as an Advanced SubStation Alpha (ASS) file for libass (ffmpeg's `subtitles` filter), to burn them into
 * a video: one style sized and placed for the frame (see `captionPlacement`), one event per cue.
 * @module
 */
import { type Direction, inOwnDirection, JOINING_WORD, textDirection } from "../core/bidi.ts";
import type { Cue } from "./captions.ts";
import { captionPlacement, type CaptionStyle } from "./caption_placement.ts";

/** Options for {@linkcode formatAss}. */
export interface AssOptions {
  /** The frame's width in pixels (the script's resolution, so sizes are pixels). */
  width: number;
  /** The frame's height in pixels. */
  height: number;
  /** How the captions look. */
  style: CaptionStyle;
  /** The longest line the cues have, in characters: the font is made small enough for it to fit. */
  maxLineLength: number;
  /** The font family, found by fontconfig or in the filter's `fontsdir`. @default "DejaVu Sans" */
  font?: string;
  /**
   * The font to draw each of these words of joining letters (Arabic script…) in, whole: libass looks for a font for
   * each letter the style's font lacks apart, and drew an Urdu word's ہ as a box (see `joiningWordFonts`).
   */
  wordFonts?: ReadonlyMap<string, WordFont>;
}

/** The font a word of joining letters is drawn in, and its scale. */
export interface WordFont {
  family: string;
  /**
   * The factor that draws the word's letters as large as the caption font's: libass sets a font's line height (its
   * `OS/2` win ascent and descent) to the size, and Noto Sans Arabic's is 1.8 times DejaVu Sans's (nw3: its words
   * were drawn half as large).
   */
  scale: number;
}

/**
 * Writes cues as an ASS script. Each cue's lines are kept as its lines (`\N`), centred at the bottom of the safe
 * area, in its own direction (Arabic and Hebrew right to left); libass may wrap a line only if it would overflow the
 * frame. Text that ASS would read as markup is made literal: `{` and `}` become `(` and `)` (libass has no escape
 * for them) and a backslash becomes `⧵`.
 *
 * Burn it with `-vf subtitles=filename=captions.ass:fontsdir=<DejaVu's folder>` (see `captionFont`), so the font is
 * the one keyed rather than whatever fontconfig finds.
 *
 * @param cues The cues, times in seconds from the video's start, lines separated by `\n`.
 * @param options The frame size, style, longest line and font.
 * @returns The script's text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_CAPTION_STYLE } from "./caption_placement.ts";
 * import { formatAss } from "./ass_subtitles.ts";
 * const ass = formatAss([{ start: 1, end: 2.5, text: "Hello,\nand {welcome}." }], {
 *   width: 1920,
 *   height: 1080,
 *   style: DEFAULT_CAPTION_STYLE,
 *   maxLineLength: 42,
 * });
 * assert.ok(ass.includes("PlayResX: 1920\nPlayResY: 1080\n"));
 * assert.ok(ass.endsWith("Dialogue: 0,0:00:01.00,0:00:02.50,Caption,,0,0,0,,Hello,\\Nand (welcome).\n"));
 * ```
 */
export function formatAss(cues: readonly Cue[], options: AssOptions): string {
  const { width, height, style, font = "DejaVu Sans" } = options;
  const place = captionPlacement({ width, height }, { style, maxLineLength: options.maxLineLength });
  const text = assColor(style.color, 0);
  const edge = assColor(style.outline, style.box ? 0x40 : 0);
  const format =
    "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, " +
    "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, " +
    "MarginL, MarginR, MarginV, Encoding";
  const caption = [
    "Caption",
    font,
    place.fontSize,
    text,
    text,
    edge,
    edge,
    0,
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    style.box ? 3 : 1,
    place.outline,
    0,
    2,
    place.side,
    place.side,
    place.bottom,
    // -1: libass orders each line as one paragraph, in its first letter's direction (any other value orders each
    // run of one font apart: a line with an Urdu word in another font came out in the wrong order, nw3); each line
    // is embedded in the direction it reads in (see `assText`).
    -1,
  ].join(",");
  // Each cue reads in the direction of the captions around it where it has a word written so (see `directionIn`).
  const context = textDirection(cues.map((cue) => cue.text).join("\n")) ?? "ltr";
  const events = cues.map((cue) =>
    `Dialogue: 0,${assTime(cue.start)},${assTime(cue.end)},Caption,,0,0,0,,${
      assText(cue.text, { context, wordFonts: options.wordFonts })
    }\n`
  );
  return "[Script Info]\nScriptType: v4.00+\nWrapStyle: 0\nScaledBorderAndShadow: yes\n" +
    `PlayResX: ${width}\nPlayResY: ${height}\n\n[V4+ Styles]\nFormat: ${format}\nStyle: ${caption}\n\n` +
    "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n" +
    events.join("");
}

/**
 * The centisecond to write in an ASS script for the start or end of a cue at `frame` of a stream whose
 * timestamps count frames at `fps`: the one libass sees that frame at, rounded down. ffmpeg's `subtitles` filter
 * asks libass for a frame at its time in whole milliseconds, cut (`pts × time base × 1000`, in doubles), and libass
 * shows a cue from its start to before its end: a cue written at its time rounded to the nearest centisecond began
 * a frame late wherever that rounded up (frame 2 at 30 fps is at 66 ms, written 0.07).
 *
 * @param frame The frame.
 * @param fps The stream's frames a second (its time base is `1/fps`).
 * @returns Centiseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assFrameCentiseconds } from "./ass_subtitles.ts";
 * assert.equal(assFrameCentiseconds(2, 30), 6);
 * assert.equal(assFrameCentiseconds(3, 30), 10);
 * assert.equal(assFrameCentiseconds(111, 30), 369); // 111 × (1/30) × 1000 is 3699.99… in doubles: 3699 ms
 * ```
 */
export function assFrameCentiseconds(frame: number, fps: number): number {
  return Math.floor(Math.trunc(frame * (1 / fps) * 1000) / 10);
}

/** `H:MM:SS.cc`, rounded to the centisecond. */
function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(cs / 360_000)}:${pad(Math.floor(cs / 6000) % 60)}:${pad(Math.floor(cs / 100) % 60)}.${
    pad(cs % 100)
  }`;
}

/** `&HAABBGGRR` from `#rrggbb` and an alpha (0 opaque, 255 clear). */
function assColor(hex: string, alpha: number): string {
  const [r, g, b] = [1, 3, 5].map((i) => hex.slice(i, i + 2).toUpperCase());
  return `&H${alpha.toString(16).padStart(2, "0").toUpperCase()}${b}${g}${r}`;
}

/**
 * A cue's text as an event's: lines joined by `\N`, markup characters made literal, each line embedded in the
 * direction the cue reads in, a word in `wordFonts` in its font, scaled (`{\fn…\fscx…\fscy…}`, then `{\r}` back
 * to the style). A line holding such a word is a third of a line taller than the others (Noto Sans Arabic reaches
 * higher than DejaVu Sans at one size), which the captions' room does not count.
 */
function assText(
  text: string,
  options: { context: Direction; wordFonts?: ReadonlyMap<string, WordFont> },
): string {
  const { context, wordFonts = new Map() } = options;
  // An Arabic or Hebrew cue reads right to left, each line: libass's own choice takes the first letter's direction,
  // and a cue opening with "Python" was set left to right (nw2).
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return inOwnDirection(lines.join("\n"), { context }).split("\n")
    .map((line) => line.replaceAll("\\", "⧵").replaceAll("{", "(").replaceAll("}", ")"))
    .map((line) =>
      wordFonts.size === 0 ? line : line.replace(JOINING_WORD, (word) => {
        const font = wordFonts.get(word);
        if (font === undefined) return word;
        const percent = Math.round(font.scale * 100);
        return `{\\fn${font.family}\\fscx${percent}\\fscy${percent}}${word}{\\r}`;
      })
    )
    .join("\\N");
}
