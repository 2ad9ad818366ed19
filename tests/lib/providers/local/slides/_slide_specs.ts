/**
 * Test helpers: slide specs of each kind in fixed colours, rendered and decoded.
 * @module
 */
import { renderSlide, type SlideSpec } from "../../../../../lib/providers/local/slides/render_slide.ts";
import type { SlideContent } from "../../../../../lib/providers/local/slides/slide_content.ts";
import { decodePng, hexToRgb, near, type Pixels, type Rgb } from "./_pixels.ts";

/** The colours every helper slide is drawn in. */
export const COLORS = {
  background: "#1b2a41",
  foreground: "#f5f7fa",
  accent: "#ffb703",
  codeBackground: "#0a0f18",
  codeForeground: "#7ee787",
} as const;

export const BACKGROUND_RGB = hexToRgb(COLORS.background);
export const FOREGROUND_RGB = hexToRgb(COLORS.foreground);
export const ACCENT_RGB = hexToRgb(COLORS.accent);
export const CODE_BACKGROUND_RGB = hexToRgb(COLORS.codeBackground);
export const CODE_FOREGROUND_RGB = hexToRgb(COLORS.codeForeground);

/** Anything that is not the background. */
export const ink = (color: Rgb) => !near(color, BACKGROUND_RGB, 6);
/** Text pixels: close to the foreground colour (anti-aliased edges included). */
export const text = (color: Rgb) => near(color, FOREGROUND_RGB, 90);
/** Code pixels: close to the code colour. */
export const code = (color: Rgb) => near(color, CODE_FOREGROUND_RGB, 70);

/** A spec of the given size and content in {@linkcode COLORS}, with no images unless given. */
export function slideSpec(
  size: { width: number; height: number; textScale?: number },
  content: SlideContent,
  images: { imagePath?: string | null; picturePath?: string | null } = {},
): SlideSpec {
  return { ...size, ...content, ...COLORS, imagePath: null, ...images };
}

/** Renders a spec (cutting what does not fit when `allowOverflow`) and decodes it. */
export async function renderPixels(spec: SlideSpec, allowOverflow = false): Promise<Pixels> {
  return await decodePng((await renderSlide(spec, { allowOverflow })).png);
}
