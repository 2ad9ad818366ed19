/**
 * The fonts a step's burned captions are drawn with.
 * @module
 */
import { CAPTION_FONT_FILE } from "../../../media/caption_font.ts";
import type { WordFont } from "../../../media/ass_subtitles.ts";
import { joiningWordFonts } from "../../../providers/local/slides/font_for_text.ts";

/**
 * The caption font's folder, and the font of each word of joining letters in `texts` that the caption font lacks a
 * letter of (see `joiningWordFonts`): what `BurnedCaptions` takes besides the texts and the look.
 *
 * @param fontsDir The caption font's folder (the step's runtime `fontsDir`).
 * @param texts The cues' texts.
 * @returns The folder and the words' fonts.
 */
export async function burnedCaptionFonts(
  fontsDir: string,
  texts: readonly string[],
): Promise<{ fontsDir: string; wordFonts: Map<string, WordFont> }> {
  return { fontsDir, wordFonts: await joiningWordFonts(texts, `${fontsDir}/${CAPTION_FONT_FILE}`) };
}
