/**
 * The font ffmpeg's `drawtext` draws captions and text overlays with: DejaVu Sans, the slides' font, from
 * `REEL_FONT_DIR` or Debian's fonts-dejavu-core. Its digest keys the steps that draw with it.
 * @module
 */
import { sha256File } from "../core/sha256.ts";
import { SYSTEM_FONT_DIRS } from "./font_dirs.ts";

/** A font file and what keys it. */
export interface CaptionFont {
  /** The font file. */
  path: string;
  /** The first 16 hex digits of its SHA-256. */
  identity: string;
}

/** The font file's name, in its folder. */
export const CAPTION_FONT_FILE = "DejaVuSans.ttf";

/**
 * Finds the caption font and digests it.
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The font, or null when it is not installed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionFont } from "./caption_font.ts";
 * assert.match((await captionFont())?.identity ?? "", /^[0-9a-f]{16}$/);
 * ```
 */
export async function captionFont(
  env: (name: string) => string | undefined = Deno.env.get,
): Promise<CaptionFont | null> {
  const dir = env("REEL_FONT_DIR") || SYSTEM_FONT_DIRS.primary;
  const path = `${dir.replace(/\/+$/, "")}/${CAPTION_FONT_FILE}`;
  try {
    return { path, identity: (await sha256File(path)).slice(0, 16) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * What a field that draws text says when no font is found (see {@linkcode captionFont}): the folder looked in, and
 * whether `REEL_FONT_DIR` named it (nt17: told to set it, when it was set and wrong).
 *
 * @param what What the font would draw: `burn captions`, `draw text`.
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noFontMessage } from "./caption_font.ts";
 * assert.equal(
 *   noFontMessage("draw text", () => undefined),
 *   "No font to draw text with: /usr/share/fonts/truetype/dejavu holds no DejaVuSans.ttf: install " +
 *     "fonts-dejavu-core, or set REEL_FONT_DIR to a folder holding it",
 * );
 * assert.equal(
 *   noFontMessage("draw text", () => "/fonts"),
 *   "No font to draw text with: REEL_FONT_DIR names /fonts, which holds no DejaVuSans.ttf: point it at a " +
 *     "folder that does, or unset it to use fonts-dejavu-core's",
 * );
 * ```
 */
export function noFontMessage(
  what: string,
  env: (name: string) => string | undefined = Deno.env.get,
): string {
  const set = env("REEL_FONT_DIR");
  return set === undefined || set === ""
    ? `No font to ${what} with: ${SYSTEM_FONT_DIRS.primary} holds no ${CAPTION_FONT_FILE}: install ` +
      "fonts-dejavu-core, or set REEL_FONT_DIR to a folder holding it"
    : `No font to ${what} with: REEL_FONT_DIR names ${set}, which holds no ${CAPTION_FONT_FILE}: point it at a ` +
      "folder that does, or unset it to use fonts-dejavu-core's";
}
