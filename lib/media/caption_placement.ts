/**
 * Where burned-in captions go in a frame and how big they are: bottom-centred in the safe area. Landscape and
 * square frames keep them just above the bottom margin; portrait frames (9:16) lift them above the band at the
 * bottom that short-video apps cover with their buttons and text (about the bottom 20% of the frame).
 * @module
 */

/** How burned-in captions look. */
export interface CaptionStyle {
  /** Text size as a share of the frame's height (made smaller where a full line would not fit the width). */
  size: number;
  /** Text colour, `#rrggbb`. */
  color: string;
  /** Colour of the outline around the letters, or of the box behind them, `#rrggbb`. */
  outline: string;
  /** True for a box behind the text instead of an outline. */
  box: boolean;
}

/**
 * The default look: white text 5% of the frame high with a black outline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_CAPTION_STYLE } from "./caption_placement.ts";
 * assert.equal(DEFAULT_CAPTION_STYLE.color, "#ffffff");
 * ```
 */
export const DEFAULT_CAPTION_STYLE: Readonly<CaptionStyle> = Object.freeze({
  size: 0.05,
  color: "#ffffff",
  outline: "#000000",
  box: false,
});

/** Where captions go in one frame size, in pixels. */
export interface CaptionPlacement {
  /** The font size (libass's: the font's line height). */
  fontSize: number;
  /** From the frame's bottom edge to the bottom of the last line. */
  bottom: number;
  /** Kept clear on the left and on the right. */
  side: number;
  /** The outline's thickness (or the box's padding). */
  outline: number;
}

/** A frame this much taller than wide is portrait: its captions clear the apps' bottom band. */
const PORTRAIT = 1.2;
/** The share of a portrait frame's height at the bottom that apps cover. */
const APP_BAND = 0.2;
/** The bottom margin of landscape and square frames, as a share of the height. */
const BOTTOM_MARGIN = 0.06;
/** The margin on each side, as a share of the width. */
const SIDE_MARGIN = 0.05;
/** A character's mean width in DejaVu Sans as a share of libass's font size, mixed case, with room to spare. */
const CHARACTER_WIDTH = 0.52;

/**
 * Places captions in a frame: the font as big as `style.size` asks unless a full line of `maxLineLength`
 * characters would then be wider than the frame between its side margins; the last line's bottom at 6% of the
 * height above the bottom edge, or at 20% on portrait frames.
 *
 * @param frame The frame's width and height in pixels.
 * @param options The style and the longest line the cues have.
 * @returns The placement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionPlacement, DEFAULT_CAPTION_STYLE } from "./caption_placement.ts";
 * const wide = captionPlacement({ width: 1920, height: 1080 }, { style: DEFAULT_CAPTION_STYLE, maxLineLength: 42 });
 * assert.deepEqual([wide.fontSize, wide.bottom], [54, 65]);
 * const tall = captionPlacement({ width: 1080, height: 1920 }, { style: DEFAULT_CAPTION_STYLE, maxLineLength: 42 });
 * assert.deepEqual([tall.fontSize, tall.bottom], [44, 384]);
 * ```
 */
export function captionPlacement(
  frame: { width: number; height: number },
  options: { style: CaptionStyle; maxLineLength: number },
): CaptionPlacement {
  const { width, height } = frame;
  const side = Math.round(width * SIDE_MARGIN);
  const fitting = (width - 2 * side) / (options.maxLineLength * CHARACTER_WIDTH);
  const fontSize = Math.max(1, Math.floor(Math.min(options.style.size * height, fitting)));
  const portrait = height > width * PORTRAIT;
  return {
    fontSize,
    bottom: Math.round(height * (portrait ? APP_BAND : BOTTOM_MARGIN)),
    side,
    outline: Math.max(1, Math.round(fontSize * 0.08)),
  };
}

/**
 * The share of a frame's height, from its bottom edge, that burned captions of at most `maxLines` lines may cover
 * (their bottom margin, their lines and outline, and half a line of air above): a slide burned over keeps its text
 * above it.
 *
 * @param frame The video's size.
 * @param options The captions' style, line length and lines.
 * @returns The share, from 0 to 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionRoom, DEFAULT_CAPTION_STYLE } from "./caption_placement.ts";
 * const options = { style: DEFAULT_CAPTION_STYLE, maxLineLength: 42, maxLines: 2 };
 * const room = captionRoom({ width: 1920, height: 1080 }, options);
 * assert.ok(room > 0.15 && room < 0.25, String(room));
 * ```
 */
export function captionRoom(
  frame: { width: number; height: number },
  options: { style: CaptionStyle; maxLineLength: number; maxLines: number },
): number {
  const { fontSize, bottom, outline } = captionPlacement(frame, options);
  return Math.min(1, (bottom + (options.maxLines + 0.5) * fontSize + 2 * outline) / frame.height);
}

/**
 * Burned captions smaller than this share of the frame's height and than {@linkcode READABLE_CAPTION_PIXELS} are
 * refused (the default style is 2.3% of a 9:16 frame's height, 5% of a 16:9 one's).
 */
export const MIN_CAPTION_SHARE = 0.015;

/** Burned captions this many pixels high or more are readable whatever their share of the frame. */
export const READABLE_CAPTION_PIXELS = 12;

/**
 * Whether burned captions would be too small to read in a frame: a full line of `maxLineLength` characters must fit
 * its width, and a long line on a narrow frame made the font a few pixels high (3 px on 180 × 320 for 80
 * characters), drawn without a word. Under {@linkcode MIN_CAPTION_SHARE} of the height and under
 * {@linkcode READABLE_CAPTION_PIXELS} both: 80 characters on 1080 × 1920 (23 px) pass.
 *
 * @param frame The frame's width and height in pixels.
 * @param options The style and the longest line the cues may have.
 * @returns Null when the captions are readable, else their size in pixels and the longest line that would make
 * them so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionTooSmall, DEFAULT_CAPTION_STYLE } from "./caption_placement.ts";
 * assert.equal(captionTooSmall({ width: 1080, height: 1920 }, { style: DEFAULT_CAPTION_STYLE, maxLineLength: 80 }), null);
 * assert.deepEqual(
 *   captionTooSmall({ width: 180, height: 320 }, { style: DEFAULT_CAPTION_STYLE, maxLineLength: 80 }),
 *   { fontSize: 3, maxLineLength: 62 },
 * );
 * ```
 */
export function captionTooSmall(
  frame: { width: number; height: number },
  options: { style: CaptionStyle; maxLineLength: number },
): { fontSize: number; maxLineLength: number } | null {
  const { fontSize, side } = captionPlacement(frame, options);
  if (fontSize >= MIN_CAPTION_SHARE * frame.height || fontSize >= READABLE_CAPTION_PIXELS) return null;
  // The font's size is a whole number of pixels: the least that reaches the share or the readable size.
  const least = Math.min(Math.ceil(MIN_CAPTION_SHARE * frame.height), READABLE_CAPTION_PIXELS);
  const longest = Math.floor((frame.width - 2 * side) / (least * CHARACTER_WIDTH));
  return { fontSize, maxLineLength: longest };
}

/**
 * WebVTT cue settings that keep captions out of a portrait frame's bottom band, as burned captions are: the cue's
 * bottom edge at 80% of the height (`line:80%,end`), centred. Landscape and square frames need none: players put
 * captions near the bottom already.
 *
 * @param frame The frame's width and height.
 * @returns The settings, or null for a frame that needs none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vttCueSettings } from "./caption_placement.ts";
 * assert.equal(vttCueSettings({ width: 1080, height: 1920 }), "line:80%,end position:50%,center align:center");
 * assert.equal(vttCueSettings({ width: 1920, height: 1080 }), null);
 * ```
 */
export function vttCueSettings(frame: { width: number; height: number }): string | null {
  if (!(frame.height > frame.width * PORTRAIT)) return null;
  return `line:${Math.round(100 * (1 - APP_BAND))}%,end position:50%,center align:center`;
}
