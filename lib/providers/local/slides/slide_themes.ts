/**
 * The built-in slide themes: the colours of a slide's background, text, accents and code panel, and the size of
 * its text.
 * @module
 */

/** Everything a theme sets. Colours are `#rrggbb`. */
export interface SlideTheme {
  /** The slide's background colour. */
  background: string;
  /** The text colour. */
  foreground: string;
  /** Bullet markers, the bar under a title, the line on cards. */
  accent: string;
  /** The panel behind code blocks. */
  codeBackground: string;
  /** The colour of code. */
  codeForeground: string;
  /** A factor on every text size, from 0.5 to 2 (text still shrinks to fit). */
  textScale: number;
}

/** The names of the built-in themes. */
export const THEME_NAMES = ["dark", "light", "chalk"] as const;

/** One of {@linkcode THEME_NAMES}. */
export type ThemeName = (typeof THEME_NAMES)[number];

/**
 * The built-in themes: `dark` (white on deep blue, the default), `light` (dark ink on off-white) and `chalk`
 * (chalk colours on a blackboard green).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SLIDE_THEMES } from "./slide_themes.ts";
 * assert.equal(SLIDE_THEMES.dark.background, "#1e3a5f");
 * ```
 */
export const SLIDE_THEMES: Readonly<Record<ThemeName, Readonly<SlideTheme>>> = {
  dark: {
    background: "#1e3a5f",
    foreground: "#ffffff",
    accent: "#ffcc4d",
    codeBackground: "#0f1f33",
    codeForeground: "#e6edf3",
    textScale: 1,
  },
  light: {
    background: "#f7f5ef",
    foreground: "#1d2433",
    accent: "#d1495b",
    codeBackground: "#e6e2d6",
    codeForeground: "#1d2433",
    textScale: 1,
  },
  chalk: {
    background: "#2f4234",
    foreground: "#f2efe4",
    accent: "#f4d35e",
    codeBackground: "#1f2c23",
    codeForeground: "#f2efe4",
    textScale: 1,
  },
};
