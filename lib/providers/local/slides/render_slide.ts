/**
 * The local slide renderer: lays out a title and bullets for the frame's aspect, draws them as SVG and renders
 * the SVG to PNG in process with resvg (WebAssembly), using DejaVu Sans.
 * @module
 */
import { Resvg } from "@resvg/resvg-wasm";
import { loadSlideFonts } from "./_fonts.ts";
import { readImageDataUri } from "./_image.ts";
import { layoutSlide } from "./_layout.ts";
import { encodePng } from "../../../media/png_encoder.ts";
import { ensureResvg } from "./_resvg.ts";
import { buildSlideSvg } from "./_svg.ts";

/** What one slide shows and at what size. */
export interface SlideSpec {
  /** Output width in pixels, e.g. 1920. */
  width: number;
  /** Output height in pixels, e.g. 1080. */
  height: number;
  /** The title, wrapped to as many lines as it needs; empty for none. */
  title: string;
  /** Bullet points, 0 to 8; each wraps, and the text shrinks when it does not fit. */
  bullets: string[];
  /** Background colour, `#rrggbb` or `#rgb`. */
  background: string;
  /** A PNG or JPEG drawn over the background to cover the frame, or null. */
  imagePath: string | null;
  /** Text colour, `#rrggbb` or `#rgb`. */
  foreground: string;
  /** Colour of the bullet markers and the bar under the title, `#rrggbb` or `#rgb`. */
  accent: string;
}

/** Options for {@linkcode renderSlide}. */
export interface RenderSlideOptions {
  /** Aborting rejects with the signal's reason before the heavy work starts. @default undefined */
  signal?: AbortSignal;
}

/** The largest side {@linkcode renderSlide} accepts, in pixels. */
const MAX_SIDE = 16384;

/**
 * Renders a slide to PNG bytes of exactly `spec.width` × `spec.height` pixels.
 *
 * The layout follows the aspect: landscape puts the title top left with the bullets below, portrait stacks them
 * in the upper two thirds with larger margins and larger text relative to the width, square sits in between. All
 * sizes scale with the frame, and a margin of background is kept free all around. With an image, a translucent
 * panel sits behind the text. Fonts (`REEL_FONT_DIR`, else the system's DejaVu folder) and resvg load once.
 *
 * @param spec The slide's size, text, colours and optional image.
 * @param options The abort signal.
 * @returns The PNG file's bytes (8-bit RGB).
 * @throws {RangeError} When the size is not a whole number of pixels from 1 to 16384.
 * @throws {TypeError} When a colour is not `#rrggbb` or `#rgb`.
 * @throws {InputError} When the fonts are missing, or the image is missing, not a PNG or JPEG, or corrupt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSlide } from "./render_slide.ts";
 * const png = await renderSlide({
 *   width: 320,
 *   height: 180,
 *   title: "Hello",
 *   bullets: ["One point", "Another point"],
 *   background: "#102030",
 *   imagePath: null,
 *   foreground: "#ffffff",
 *   accent: "#ffaa00",
 * });
 * assert.ok(png[1] === 0x50); // "PNG"
 * ```
 */
export async function renderSlide(spec: SlideSpec, options: RenderSlideOptions = {}): Promise<Uint8Array> {
  const { signal } = options;
  const { width, height } = spec;
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
      throw new RangeError(
        `Cannot render a slide ${name} of ${value}: expected a whole number from 1 to ${MAX_SIDE}`,
      );
    }
  }
  const background = normalizeColor("background", spec.background);
  const foreground = normalizeColor("foreground", spec.foreground);
  const accent = normalizeColor("accent", spec.accent);
  signal?.throwIfAborted();
  const [fonts, image] = await Promise.all([
    loadSlideFonts(),
    spec.imagePath === null ? null : readImageDataUri(spec.imagePath, signal),
    ensureResvg(),
  ]);
  signal?.throwIfAborted();
  const layout = layoutSlide({ width, height, title: spec.title, bullets: spec.bullets }, fonts);
  const svg = buildSlideSvg(
    { width, height, background, foreground, accent, image, fontFamily: fonts.family },
    layout,
  );
  const resvg = new Resvg(svg, {
    fitTo: { mode: "original" },
    font: { fontBuffers: fonts.buffers, defaultFontFamily: fonts.family, loadSystemFonts: false },
  });
  try {
    const rendered = resvg.render();
    try {
      return encodePng(rendered.pixels, rendered.width, rendered.height);
    } finally {
      rendered.free();
    }
  } finally {
    resvg.free();
  }
}

/** `#rgb` or `#rrggbb` (any case) as lowercase `#rrggbb`. */
function normalizeColor(name: string, value: string): string {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
  if (short !== null) {
    return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase();
  }
  if (/^#[0-9a-f]{6}$/i.test(value)) return value.toLowerCase();
  throw new TypeError(
    `Cannot use ${JSON.stringify(value)} as the slide ${name} colour: expected #rrggbb or #rgb`,
  );
}
