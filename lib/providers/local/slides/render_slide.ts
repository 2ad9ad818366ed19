/**
 * The local slide renderer: lays out a slide (a section's title, bullets and code, a picture, a title or end card)
 * for the frame's aspect, draws it as SVG and renders the SVG to PNG in process with resvg (WebAssembly), using
 * DejaVu Sans and DejaVu Sans Mono and, for characters they lack, installed fallback fonts (Noto, Noto CJK,
 * Symbola).
 * @module
 */
import { Resvg } from "@resvg/resvg-wasm";
import { InputError } from "../../../core/errors.ts";
import { encodePng, encodeRgbaPng } from "../../../media/png_encoder.ts";
import type { SlideFit, SlideText } from "./check_slide_fit.ts";
import { fitSlide } from "./_fit_slide.ts";
import { readFontFile } from "./_font_files.ts";
import { readSlideImage } from "./_image.ts";
import { borrowPixels, ensureResvg, straightAlpha } from "./_resvg.ts";
import { buildSlideSvg } from "./_svg.ts";

/** A slide's colours, each `#rrggbb` or `#rgb`. */
export interface SlideColors {
  /** Background colour. */
  background: string;
  /** Text colour. */
  foreground: string;
  /** Colour of the bullet markers, the bar under the title and the line on cards. */
  accent: string;
  /** The panel behind code. @default the background, 35% darker */
  codeBackground?: string;
  /** The colour of code. @default the foreground */
  codeForeground?: string;
}

/** The images a slide draws. */
export interface SlideImages {
  /** A PNG or JPEG drawn over the background to cover the frame, or null. */
  imagePath: string | null;
  /** The PNG or JPEG of a picture slide (required for `kind: "picture"`, else ignored). @default null */
  picturePath?: string | null;
}

/** What one slide shows, in which colours, and at what size. */
export type SlideSpec = SlideText & SlideColors & SlideImages;

/**
 * One of a picture slide's two layers, drawn apart so that a Ken Burns move can zoom the picture while the caption
 * stays: `picture`, the slide without its caption band and title (background, image, picture, each where the whole
 * slide has it); `band`, the caption band and its title alone on a transparent ground.
 */
export type SlideLayer = "picture" | "band";

/** Options for {@linkcode renderSlide}. */
export interface RenderSlideOptions {
  /** Aborting rejects with the signal's reason before the heavy work starts. @default undefined */
  signal?: AbortSignal;
  /**
   * Render text that does not fit even at half size by cutting it, the last line shown ending in an ellipsis,
   * and say so in the warnings, instead of throwing. @default false
   */
  allowOverflow?: boolean;
  /**
   * Draw one layer of a picture slide instead of the whole slide: the `band` layer is an RGBA PNG (transparent
   * where the slide shows its picture), and needs no picture file. Laid over the `picture` layer, it gives the
   * whole slide. @default null
   */
  layer?: SlideLayer | null;
}

/** A rendered slide. */
export interface RenderedSlide {
  /** The PNG file's bytes (8-bit RGB; RGBA for the `band` layer). */
  png: Uint8Array;
  /**
   * Sentences for the user about a slide that still rendered: text cut under `allowOverflow`, characters no
   * installed font has (drawn as empty boxes). Empty when there is nothing to say.
   */
  warnings: string[];
  /** How its text fitted: what the preflight check of the same slide finds (`checkSlideFits`). */
  fit: SlideFit;
}

/**
 * Renders a slide to a PNG of exactly `spec.width` × `spec.height` pixels.
 *
 * The layout follows the kind and the aspect. A section's title, bullets and code form one left-aligned block,
 * centred in the frame's safe area on landscape and square frames, and set larger in the upper middle on portrait
 * frames, clear of the top 12% and the bottom 25% where phone apps draw their buttons. Title and end cards centre
 * every line. A picture fills the frame (`cover`) or shows whole (`contain`) under its caption band; its two
 * layers (`layer`), the picture alone and the band alone, laid one over the other, give the same slide. Titles
 * and bullets take `**bold**`, `*italic*` and `` `code` ``; code is set in DejaVu Sans Mono on a darker panel.
 * All sizes scale with the frame (and `textScale`), and a margin of background is kept free all around. Text
 * that does not fit shrinks, down to half size; text that still does not fit is an error unless `allowOverflow`
 * is set. Over a background image, a translucent panel sits behind the text. Fonts come from `REEL_FONT_DIR`, else
 * the system's DejaVu, Noto and Symbola folders; a fallback font is read only when the text has a character the
 * DejaVu fonts lack. Fonts and resvg load once per process. {@linkcode checkSlideFits} tells beforehand whether
 * the text fits.
 *
 * @param spec The slide's size, content, colours and images.
 * @param options The abort signal, whether to cut text that does not fit, and the layer to draw (if one).
 * @returns The PNG and the warnings.
 * @throws {RangeError} When the size is not a whole number of pixels from 1 to 16384, or the text scale is not
 * from 0.5 to 2.
 * @throws {TypeError} When a colour is not `#rrggbb` or `#rgb`, a picture slide (other than its band layer) has no
 * `picturePath`, or a layer is asked of a slide that is not a picture.
 * @throws {InputError} When the text does not fit even at half size (without `allowOverflow`), when the fonts are
 * missing, or when an image is missing, not a PNG or JPEG, or corrupt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSlide } from "./render_slide.ts";
 * const colors = { background: "#102030", foreground: "#ffffff", accent: "#ffaa00", imagePath: null };
 * const { png, warnings } = await renderSlide({
 *   width: 320,
 *   height: 180,
 *   title: "Hello",
 *   bullets: ["One **bold** point", "Another point with `code`"],
 *   ...colors,
 * });
 * assert.ok(png[1] === 0x50); // "PNG"
 * assert.deepEqual(warnings, []);
 * const card = await renderSlide({ kind: "title", width: 180, height: 320, title: "Rain", subtitle: "", ...colors });
 * assert.deepEqual(card.warnings, []);
 * ```
 */
export async function renderSlide(spec: SlideSpec, options: RenderSlideOptions = {}): Promise<RenderedSlide> {
  const { signal, allowOverflow = false, layer = null } = options;
  const { width, height } = spec;
  const background = normalizeColor("background", spec.background);
  const foreground = normalizeColor("foreground", spec.foreground);
  const colors = {
    background,
    foreground,
    accent: normalizeColor("accent", spec.accent),
    codeBackground: spec.codeBackground === undefined
      ? darken(background, 0.35)
      : normalizeColor("code background", spec.codeBackground),
    codeForeground: spec.codeForeground === undefined
      ? foreground
      : normalizeColor("code foreground", spec.codeForeground),
  };
  if (layer !== null && spec.kind !== "picture") {
    throw new TypeError(
      `Cannot render the ${layer} layer of a ${spec.kind ?? "section"} slide: only pictures have layers`,
    );
  }
  // The band layer draws neither the picture nor the background image.
  const ground = layer !== "band";
  const picturePath = spec.kind === "picture" && ground ? spec.picturePath ?? null : null;
  if (spec.kind === "picture" && ground && picturePath === null) {
    throw new TypeError("Cannot render a picture slide without its picturePath");
  }
  signal?.throwIfAborted();
  const fitted = await fitSlide(spec);
  const { fit, layout, primary, fonts } = fitted;
  if (fit.message !== null && !allowOverflow) {
    throw new InputError(fit.message, {
      hint:
        "Shorten the text or split it over more slides, or set allowOverflow: true to cut it with an ellipsis",
    });
  }
  const [fallbackBuffers, image, picture] = await Promise.all([
    Promise.all(fonts.files.map(readFontFile)),
    spec.imagePath === null || !ground ? null : readSlideImage(spec.imagePath, signal),
    picturePath === null ? null : readSlideImage(picturePath, signal),
    ensureResvg(),
  ]);
  signal?.throwIfAborted();
  const svg = buildSlideSvg({ width, height, colors, image, picture, primary, fonts, layer }, layout);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "original" },
    font: {
      fontBuffers: [...fitted.faces.map((face) => primary[face].buffer), ...fallbackBuffers],
      defaultFontFamily: primary.sans.family,
      loadSystemFonts: false,
    },
  });
  const warnings = [...fitted.cutWarning === null ? [] : [fitted.cutWarning], ...fit.warnings];
  try {
    const rendered = resvg.render();
    try {
      const pixels = borrowPixels(rendered);
      const png = layer === "band"
        ? encodeRgbaPng(straightAlpha(pixels), rendered.width, rendered.height)
        : encodePng(pixels, rendered.width, rendered.height);
      return { png, warnings, fit };
    } finally {
      rendered.free();
    }
  } finally {
    resvg.free();
  }
}

/** A `#rrggbb` colour moved `amount` (0..1) of the way to black. */
function darken(hex: string, amount: number): string {
  return `#${
    [1, 3, 5].map((start) =>
      Math.round(parseInt(hex.slice(start, start + 2), 16) * (1 - amount)).toString(16).padStart(2, "0")
    ).join("")
  }`;
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
