/**
 * Where the slide fonts come from: one folder for DejaVu Sans, the primary font, and the folders searched for
 * fallback fonts that draw what DejaVu lacks.
 * @module
 */

/** The folder of the primary font and the folders of fallback fonts, in the order they are searched. */
export interface FontDirs {
  /** Holds `DejaVuSans.ttf` and `DejaVuSans-Bold.ttf`. */
  primary: string;
  /** Searched for fallback fonts (`.ttf`, `.otf`, `.ttc`), not recursively. */
  fallbacks: readonly string[];
}

/** Debian's folders: fonts-dejavu-core, then fonts-noto-core, fonts-noto-cjk and fonts-symbola. */
export const SYSTEM_FONT_DIRS: FontDirs = {
  primary: "/usr/share/fonts/truetype/dejavu",
  fallbacks: [
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/ancient-scripts",
  ],
};

/**
 * The font folders for this process: `REEL_FONT_DIR` alone when set (it holds DejaVu Sans and any fallback fonts,
 * so a render depends on nothing else), else Debian's system folders.
 */
export function slideFontDirs(): FontDirs {
  const dir = Deno.env.get("REEL_FONT_DIR");
  return dir === undefined || dir === "" ? SYSTEM_FONT_DIRS : { primary: dir, fallbacks: [dir] };
}
