/**
 * Colours as the eye reads them: a colour's relative luminance and two colours' contrast ratio (WCAG 2's), and the
 * text colour a slide draws on a background its section chose.
 * @module
 */

/** The contrast text needs at least to be read at a slide's sizes: WCAG's 3:1 for large text. */
export const READABLE_CONTRAST = 3;

/**
 * Relative luminance (0 for black to 1 for white) of a `#rrggbb` or `#rgb` colour.
 *
 * @param hex The colour.
 * @returns Its luminance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { luminance } from "./slide_colours.ts";
 * assert.equal(luminance("#fff"), 1);
 * assert.equal(luminance("#000000"), 0);
 * ```
 */
export function luminance(hex: string): number {
  const digits = hex.length === 4 ? hex.slice(1).replace(/./g, "$&$&") : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((start) => {
    const channel = parseInt(digits.slice(start, start + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The contrast ratio of two colours, from 1 (the same) to 21 (black and white).
 *
 * @param a A colour.
 * @param b Another.
 * @returns The ratio.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contrastRatio } from "./slide_colours.ts";
 * assert.equal(contrastRatio("#000", "#ffffff"), 21);
 * ```
 */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The text colour for a background: the theme's text colour when it can be read there, else the theme's
 * background colour when that reads better (the light theme's dark ink on a section's dark blue is drawn in the
 * theme's off-white).
 *
 * @param background The slide's background colour.
 * @param theme The theme's text and background colours.
 * @returns The colour to draw text in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readableText } from "./slide_colours.ts";
 * const light = { foreground: "#1d2433", background: "#f7f5ef" };
 * assert.equal(readableText("#fff8e0", light), "#1d2433");
 * assert.equal(readableText("#334455", light), "#f7f5ef");
 * ```
 */
export function readableText(background: string, theme: { foreground: string; background: string }): string {
  const ink = contrastRatio(theme.foreground, background);
  if (ink >= READABLE_CONTRAST) return theme.foreground;
  return contrastRatio(theme.background, background) > ink ? theme.background : theme.foreground;
}
