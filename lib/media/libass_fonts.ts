/**
 * The fonts libass may draw burned captions with: the slides' font folders and nothing else. libass finds a font
 * for each character through fontconfig, which would search every font installed (the user's own too): a font
 * installed later could change a caption's bytes under the same key. Given a configuration of its own that names
 * only the folders whose files the keys hold (see `slide_fonts_identity.ts`), it cannot.
 * @module
 */
import { escapeMarkup } from "../core/escape_markup.ts";
import { type CaptionFont, captionFont } from "./caption_font.ts";
import { foldersDigest } from "./file_digests.ts";
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

/** The files fontconfig reads as fonts, by their names. */
const FONTCONFIG_FONT = /\.(ttf|otf|ttc|otc|pfa|pfb|pcf|pcf\.gz|bdf|woff|woff2|dfont)$/i;

/**
 * Identifies the fonts libass may draw burned captions with: every font file fontconfig reads in the caption font's
 * folder and the slides' fallback folders, and in the folders under them, italics too (see {@linkcode fontconfigFor}:
 * a `<dir>` is read whole), by {@linkcode foldersDigest}: a font added, removed or rewritten anywhere there changes
 * it, fonts only touched or moved (`REEL_FONT_DIR` at a copy) do not. The slides' own identity holds only the
 * files their renderer searches; a font in a subfolder changed only the burned pictures, under unchanged keys,
 * before this was in them.
 *
 * @param fontsDir The caption font's folder.
 * @returns 16 hexadecimal digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libassFontsIdentity } from "./libass_fonts.ts";
 * assert.match(libassFontsIdentity("/usr/share/fonts/truetype/dejavu"), /^[0-9a-f]{16}$/);
 * ```
 */
export function libassFontsIdentity(fontsDir: string): string {
  return foldersDigest([...new Set([fontsDir, ...slideFontDirs().fallbacks])], { match: FONTCONFIG_FONT });
}

/**
 * The caption font's folder: what libass is given as `fontsdir`, and what {@linkcode libassFontsIdentity} keys.
 *
 * @param font The caption font.
 * @returns Its file's folder, without a trailing slash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionFontsDir } from "./libass_fonts.ts";
 * assert.equal(captionFontsDir({ path: "/fonts/dejavu/DejaVuSans.ttf", identity: "" }), "/fonts/dejavu");
 * ```
 */
export function captionFontsDir(font: CaptionFont): string {
  return font.path.replace(/\/[^/]+$/, "");
}

/**
 * The font burned captions are drawn with (see {@linkcode captionFont}), its identity holding every font libass may
 * fall back on too (see {@linkcode libassFontsIdentity}): what keys the steps that burn captions, on the planner
 * and on a cluster's workers alike.
 *
 * @param env Reads environment variables (`REEL_FONT_DIR`). @default Deno.env.get
 * @returns The font, or null when it is not installed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { burnedCaptionFont } from "./libass_fonts.ts";
 * assert.match((await burnedCaptionFont())?.identity ?? "", /^[0-9a-f]{16}-[0-9a-f]{16}$/);
 * ```
 */
export async function burnedCaptionFont(
  env: (name: string) => string | undefined = Deno.env.get,
): Promise<CaptionFont | null> {
  const font = await captionFont(env);
  if (font === null) return null;
  return { ...font, identity: `${font.identity}-${libassFontsIdentity(captionFontsDir(font))}` };
}
