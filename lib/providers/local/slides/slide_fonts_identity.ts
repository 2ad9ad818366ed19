/**
 * A short string that changes whenever the fonts a slide may be drawn with change, for slide steps' cache keys.
 * @module
 */
import { isMissing } from "../../../core/exists.ts";
import { sha256Hex } from "../../../core/sha256.ts";
import { listFallbackFiles } from "./_fallback_fonts.ts";
import { slideFontDirs } from "../../../media/font_dirs.ts";
import { PRIMARY_FILES } from "./_fonts.ts";

/**
 * Identifies the font files the slide renderer may use: DejaVu Sans and every fallback font in the folders it
 * searches (`REEL_FONT_DIR`, else Debian's DejaVu, Noto and Symbola folders). It hashes each file's path, size and
 * modification time, so it changes when `REEL_FONT_DIR` points elsewhere or a font is added, removed or replaced,
 * and it costs one `stat` per font file (no font is read).
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
  // Synchronous: Debian's fonts are a few hundred files, and a `stat` each through the async file system costs every
  // render's start ten times as much (a thread-pool round trip per file) as the calls themselves.
  const lines = files.map((path) => {
    try {
      const { size, mtime } = Deno.statSync(path);
      return `${path}\t${size}\t${mtime?.getTime() ?? ""}`;
    } catch (error) {
      // A missing primary font fails the render itself; here it is one more state to tell apart.
      if (!isMissing(error)) throw error;
      return `${path}\tmissing`;
    }
  });
  return sha256Hex(lines.join("\n")).slice(0, 16);
}
