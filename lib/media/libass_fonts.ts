/**
 * The fonts libass may draw burned captions with: the slides' font folders and nothing else. libass finds a font
 * for each character through fontconfig, which would search every font installed (the user's own too): a font
 * installed later could change a caption's bytes under the same key. Given a configuration of its own that names
 * only the folders whose files the keys hold (see `slide_fonts_identity.ts`), it cannot.
 * @module
 */
import { escapeMarkup } from "../core/escape_markup.ts";
import { slideFontDirs } from "./font_dirs.ts";

/**
 * The version of how libass finds fonts, in the params of every step that burns captions: 1, the keyed folders only
 * (before, every font fontconfig knew).
 */
export const LIBASS_FONTS_VERSION = 1;

/**
 * A fontconfig configuration that knows only `dirs`, reading the system's font cache where it holds them.
 *
 * @param dirs The font folders.
 * @returns The configuration's XML.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fontconfigFor } from "./libass_fonts.ts";
 * assert.match(fontconfigFor(["/fonts/a & b"]), /<dir>\/fonts\/a &amp; b<\/dir>/);
 * ```
 */
export function fontconfigFor(dirs: readonly string[]): string {
  const folders = [...new Set(dirs)].map((dir) => `  <dir>${escapeMarkup(dir)}</dir>`);
  return [
    `<?xml version="1.0"?>`,
    `<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">`,
    `<fontconfig>`,
    ...folders,
    // The system's cache first (fc-cache built it when the fonts were installed), then the user's for the rest.
    `  <cachedir>/var/cache/fontconfig</cachedir>`,
    `  <cachedir prefix="xdg">fontconfig</cachedir>`,
    `</fontconfig>`,
    ``,
  ].join("\n");
}

/**
 * Writes the configuration for burned captions in `scratchDir` and returns the environment that makes ffmpeg's
 * libass use it: the caption font's folder and the slides' fallback folders.
 *
 * @param scratchDir A folder of the step's.
 * @param fontsDir The caption font's folder.
 * @returns `{ FONTCONFIG_FILE }`.
 *
 * @example
 * ```ts
 * import { captionFontsEnv } from "./libass_fonts.ts";
 * // await runFfmpeg(ffmpeg, [...], { env: await captionFontsEnv(scratchDir, fontsDir) });
 * ```
 */
export async function captionFontsEnv(scratchDir: string, fontsDir: string): Promise<Record<string, string>> {
  const path = `${scratchDir}/fonts.conf`;
  await Deno.writeTextFile(path, fontconfigFor([fontsDir, ...slideFontDirs().fallbacks]));
  return { FONTCONFIG_FILE: path };
}
