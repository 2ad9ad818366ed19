/**
 * A short string that changes whenever the fonts a slide may be drawn with change, for slide steps' cache keys.
 * @module
 */
import { isMissing } from "../../../core/exists.ts";
import { sha256Hex } from "../../../core/sha256.ts";
import { slideFontDirs } from "../../../media/font_dirs.ts";
import { PRIMARY_FILES } from "./_fonts.ts";

/**
 * Identifies the font files slides and burned captions may be drawn with: DejaVu Sans and every file in the font
 * folders (`REEL_FONT_DIR`, else Debian's DejaVu, Noto and Symbola folders) and in the folders under them. The
 * slide renderer searches the folders' own fonts (upright ones), but libass draws captions through fontconfig,
 * which reads every font file in them and their subfolders, italics too (see `libass_fonts.ts`): all are keyed.
 * It hashes each file's path, size and modification time, so it changes when `REEL_FONT_DIR` points elsewhere or a
 * font is added, removed or replaced anywhere fontconfig looks, and it costs one `stat` per file (no font is read).
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
export function slideFontsIdentity(): Promise<string> {
  return Promise.try(fontsIdentity);
}

function fontsIdentity(): string {
  const dirs = slideFontDirs();
  const primary = PRIMARY_FILES.map((file) => `${dirs.primary}/${file}`);
  const files = [...new Set([...primary, ...filesUnder([dirs.primary, ...dirs.fallbacks])])];
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

/**
 * Every file in `dirs` and the folders under them (symbolic links followed, each folder once), sorted within each;
 * a folder that is missing adds none.
 */
function filesUnder(dirs: readonly string[]): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string) => {
    let real: string;
    try {
      // Synchronous, as the stats below.
      real = Deno.realPathSync(dir);
    } catch (error) {
      if (isMissing(error) || error instanceof Deno.errors.NotADirectory) return;
      throw error;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      // A font folder that is a file (REEL_FONT_DIR set wrong, which the primary fonts then report) holds none.
      if (isMissing(error) || error instanceof Deno.errors.NotADirectory) return;
      throw error;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      const isDirectory = entry.isDirectory || (entry.isSymlink && isFolder(path));
      if (isDirectory) walk(path);
      else files.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return files;
}

/** Whether `path` leads to a folder (a link to one); false for a broken link. */
function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
