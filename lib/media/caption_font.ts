/**
 * The font ffmpeg's `drawtext` draws captions and text overlays with: DejaVu Sans, the slides' font, from
 * `REEL_FONT_DIR` or Debian's fonts-dejavu-core. Its digest keys the steps that draw with it.
 * @module
 */
import { sha256File } from "../core/sha256.ts";

/** A font file and what keys it. */
export interface CaptionFont {
  /** The font file. */
  path: string;
  /** The first 16 hex digits of its SHA-256. */
  identity: string;
}

/** The font file's name, in its folder. */
export const CAPTION_FONT_FILE = "DejaVuSans.ttf";
/** Where Debian's fonts-dejavu-core puts it. */
const SYSTEM_DIR = "/usr/share/fonts/truetype/dejavu";

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
  const dir = env("REEL_FONT_DIR") || SYSTEM_DIR;
  const path = `${dir.replace(/\/+$/, "")}/${CAPTION_FONT_FILE}`;
  try {
    return { path, identity: (await sha256File(path)).slice(0, 16) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * What a field that draws text says when no font is found (see {@linkcode captionFont}).
 *
 * @param what What the font would draw: `burn captions`, `draw text`.
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noFontMessage } from "./caption_font.ts";
 * assert.equal(noFontMessage("draw text"), "No font to draw text with: install fonts-dejavu-core or set REEL_FONT_DIR");
 * ```
 */
export function noFontMessage(what: string): string {
  return `No font to ${what} with: install fonts-dejavu-core or set REEL_FONT_DIR`;
}
