/**
 * The local slide renderer: lays out a title and bullets for the frame's aspect, draws them as SVG and renders
 * the SVG to PNG in process with resvg (WebAssembly), using DejaVu Sans and, for characters it lacks, installed
 * fallback fonts (Noto, Noto CJK, Symbola).
 * @module
 */
import { Resvg } from "@resvg/resvg-wasm";
import { InputError } from "../../../core/errors.ts";
import { encodePng } from "../../../media/png_encoder.ts";
import type { SlideText } from "./check_slide_fit.ts";
import { fitSlide } from "./_fit_slide.ts";
import { readFontFile } from "./_font_files.ts";
import { readImageDataUri } from "./_image.ts";
import { ensureResvg } from "./_resvg.ts";
import { buildSlideSvg } from "./_svg.ts";

/** What one slide shows and at what size. */
export interface SlideSpec extends SlideText {
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
  /**
   * Render text that does not fit even at half size by cutting it, the last line shown ending in an ellipsis,
   * and say so in the warnings, instead of throwing. @default false
   */
  allowOverflow?: boolean;
}

/** A rendered slide. */
export interface RenderedSlide {
  /** The PNG file's bytes (8-bit RGB). */
  png: Uint8Array;
  /**
   * Sentences for the user about a slide that still rendered: text cut under `allowOverflow`, characters no
   * installed font has (drawn as empty boxes). Empty when there is nothing to say.
   */
  warnings: string[];
}

/**
 * Renders a slide to a PNG of exactly `spec.width` × `spec.height` pixels.
 *
 * The layout follows the aspect: landscape puts the title top left with the bullets below, portrait stacks them
 * in the upper two thirds with larger margins and larger text relative to the width, square sits in between. All
 * sizes scale with the frame, and a margin of background is kept free all around. Text that does not fit shrinks,
 * down to half size; text that still does not fit is an error unless `allowOverflow` is set. With an image, a
 * translucent panel sits behind the text. Fonts come from `REEL_FONT_DIR`, else the system's DejaVu, Noto and
 * Symbola folders; a fallback font is read only when the text has a character DejaVu Sans lacks. Fonts and resvg
 * load once per process. {@linkcode checkSlideFits} tells beforehand whether the text fits.
 *
 * @param spec The slide's size, text, colours and optional image.
 * @param options The abort signal, and whether to cut text that does not fit.
 * @returns The PNG and the warnings.
 * @throws {RangeError} When the size is not a whole number of pixels from 1 to 16384.
 * @throws {TypeError} When a colour is not `#rrggbb` or `#rgb`.
 * @throws {InputError} When the text does not fit even at half size (without `allowOverflow`), when the fonts are
 * missing, or when the image is missing, not a PNG or JPEG, or corrupt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSlide } from "./render_slide.ts";
 * const { png, warnings } = await renderSlide({
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
 * assert.deepEqual(warnings, []);
 * ```
 */
export async function renderSlide(spec: SlideSpec, options: RenderSlideOptions = {}): Promise<RenderedSlide> {
  const { signal, allowOverflow = false } = options;
  const { width, height } = spec;
  const background = normalizeColor("background", spec.background);
  const foreground = normalizeColor("foreground", spec.foreground);
  const accent = normalizeColor("accent", spec.accent);
  signal?.throwIfAborted();
  const fitted = await fitSlide(spec);
  const { fit, layout, primary, fonts } = fitted;
  if (fit.message !== null && !allowOverflow) {
    throw new InputError(fit.message, {
      hint:
        "Shorten the text or split it over more slides, or set allowOverflow: true to cut it with an ellipsis",
    });
  }
  const [fallbackBuffers, image] = await Promise.all([
    Promise.all(fonts.files.map(readFontFile)),
    spec.imagePath === null ? null : readImageDataUri(spec.imagePath, signal),
    ensureResvg(),
  ]);
  signal?.throwIfAborted();
  const svg = buildSlideSvg(
    { width, height, background, foreground, accent, image, fontFamily: primary.family, fonts },
    layout,
  );
  const resvg = new Resvg(svg, {
    fitTo: { mode: "original" },
    font: {
      fontBuffers: [...primary.buffers, ...fallbackBuffers],
      defaultFontFamily: primary.family,
      loadSystemFonts: false,
    },
  });
  const warnings = [...fitted.cutWarning === null ? [] : [fitted.cutWarning], ...fit.warnings];
  try {
    const rendered = resvg.render();
    try {
      return { png: encodePng(rendered.pixels, rendered.width, rendered.height), warnings };
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
