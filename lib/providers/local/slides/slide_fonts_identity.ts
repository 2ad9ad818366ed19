/**
 * A short string that changes whenever the fonts a slide may be drawn with change, for slide steps' cache keys.
 * @module
 */
import { sha256Hex } from "../../../core/sha256.ts";
import { fileDigests } from "../../../media/file_digests.ts";
import { listFallbackFiles } from "./_fallback_fonts.ts";
import { slideFontDirs } from "../../../media/font_dirs.ts";
import { PRIMARY_FILES } from "./_fonts.ts";

/**
 * Identifies the font files the slide renderer may use: DejaVu Sans and every fallback font in the folders it
 * searches (`REEL_FONT_DIR`, else Debian's DejaVu, Noto and Symbola folders). It hashes each file's name and the
 * digest of its bytes (see {@linkcode fileDigests}), in the order they are searched, so it changes when a font is
 * added, removed or rewritten, and not when the fonts are only touched or moved (`REEL_FONT_DIR` at a copy). It
 * costs a `stat` per font file at each plan: a font is read only when it has changed since it was last read.
 *
 * @returns 16 hexadecimal digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slideFontsIdentity } from "./slide_fonts_identity.ts";
 * const identity = await slideFontsIdentity();
 * assert.match(identity, /^[0-9a-f]{16}$/);
 * assert.equal(await slideFontsIdentity(), identity);
 * ```
 */
export async function slideFontsIdentity(): Promise<string> {
  const dirs = slideFontDirs();
  const primary = PRIMARY_FILES.map((file) => `${dirs.primary}/${file}`);
  const files = [...primary, ...await listFallbackFiles(dirs.fallbacks, primary)];
  // A missing primary font fails the render itself; here it is one more state to tell apart.
  const digests = fileDigests(files);
  const lines = files.map((path, i) =>
    `${path.slice(path.lastIndexOf("/") + 1)}\t${digests[i] ?? "missing"}`
  );
  return sha256Hex(lines.join("\n")).slice(0, 16);
}
