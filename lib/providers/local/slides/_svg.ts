/**
 * Writes a laid-out slide as SVG markup for resvg.
 * @module
 */
import { RTL_EMBEDDING } from "../../../core/bidi.ts";
import { escapeMarkup } from "../../../core/escape_markup.ts";
import { type ExifOrientation, orientationTransform } from "../../../media/exif_orientation.ts";
import type { FaceName, SlideFonts } from "./_fonts.ts";
import type { Ink, PlacedRect, PlacedRun, SlideLayout } from "./_layout.ts";
import type { SlideTextFonts } from "./_text_fonts.ts";
import { ITALIC_SKEW } from "./_text_style.ts";
import { luminance } from "./slide_colours.ts";

/** The slide's colours, `#rrggbb`. */
export interface SvgColors {
  background: string;
  foreground: string;
  accent: string;
  codeBackground: string;
  codeForeground: string;
}

/** An image to draw: its `data:` URI, and how to turn it for display (a JPEG's EXIF orientation), or null. */
export interface SvgImage {
  uri: string;
  turn: ExifOrientation | null;
}

/** What the SVG needs besides the layout. */
export interface SvgInput {
  width: number;
  height: number;
  colors: SvgColors;
  /** A background image, drawn to cover the frame, or null. */
  image: SvgImage | null;
  /** The picture of a picture slide, or null. */
  picture: SvgImage | null;
  /** The primary fonts, for their family names. */
  primary: SlideFonts;
  /** The fonts the layout measured with, which split each run into pieces of one font. */
  fonts: SlideTextFonts;
  /**
   * One layer of a picture slide, or null for the whole slide: `picture` draws the ground (background, image,
   * picture) alone; `band` draws what lies over it (the caption band and its title) on a transparent ground.
   */
  layer: "picture" | "band" | null;
}

const MUTED_OPACITY = 0.78;

/**
 * Builds the slide's SVG: background, optional image and readability panel, picture, bars and panels, markers,
 * text (or one layer of it: the ground up to the picture, or what lies over it). Each run is a `<text>` of its own, placed where the layout measured it, and each piece of a run in a
 * fallback font a chunk of its own: resvg shapes a chunk with one font and, when that font lacks a character,
 * redraws the whole chunk in the first font that has them all. Italic runs are slanted about their baseline. A
 * right-to-left run's pieces are embedded as right to left, so that resvg orders their letters and marks so.
 */
export function buildSlideSvg(input: SvgInput, layout: SlideLayout): string {
  const { width, height, colors } = input;
  const light = luminance(colors.foreground) < 0.4;
  const veil = `fill="${light ? "#ffffff" : "#000000"}" fill-opacity="${light ? 0.72 : 0.62}"`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  ];
  if (input.layer !== "band") {
    parts.push(`<rect width="${width}" height="${height}" fill="${colors.background}"/>`);
    if (input.image !== null) {
      parts.push(image(input.image, { x: 0, y: 0, width, height }, "slice"));
      if (layout.panel !== null) {
        const { x, y, width: w, height: h } = layout.panel;
        const rx = Math.min(w, h) * 0.04;
        parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" rx="${n(rx)}" ${veil}/>`);
      }
    }
    if (layout.picture !== null && input.picture !== null) {
      parts.push(image(input.picture, layout.picture, layout.picture.fit === "cover" ? "slice" : "meet"));
    }
  }
  if (input.layer !== "picture") {
    for (const rect of layout.rects) parts.push(rectangle(rect, colors, veil));
    for (const { cx, cy, r } of layout.markers) {
      parts.push(`<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${colors.accent}"/>`);
    }
    for (const run of layout.runs) parts.push(text(run, input));
  }
  parts.push("</svg>");
  return parts.join("\n");
}

function image(
  { uri, turn }: SvgImage,
  box: { x: number; y: number; width: number; height: number },
  mode: "slice" | "meet",
): string {
  const place = `x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" ` +
    `preserveAspectRatio="xMidYMid ${mode}"`;
  if (turn === null) return `<image href="${uri}" ${place}/>`;
  // Turned as viewers show it: the stored pixels in a frame of the displayed size, fitted as an image is.
  const { matrix, width, height } = orientationTransform(turn);
  return `<svg ${place} viewBox="0 0 ${width} ${height}"><image href="${uri}" width="${turn.width}" ` +
    `height="${turn.height}" transform="${matrix}"/></svg>`;
}

function rectangle(rect: PlacedRect, colors: SvgColors, veil: string): string {
  const fill = rect.fill === "accent"
    ? `fill="${colors.accent}"`
    : rect.fill === "code"
    ? `fill="${colors.codeBackground}"`
    : veil;
  const rx = rect.rx > 0 ? ` rx="${n(rect.rx)}"` : "";
  return `<rect x="${n(rect.x)}" y="${n(rect.y)}" width="${n(rect.width)}" height="${
    n(rect.height)
  }"${rx} ${fill}/>`;
}

function text(run: PlacedRun, input: SvgInput): string {
  const { face, italic } = run.style;
  const font = input.fonts.faces[face];
  const pieces = font.runs(run.text, run.size);
  const width = run.rtl ? font.getAdvanceWidth(run.text, run.size) : 0;
  const spans = pieces.flatMap((piece) => {
    let [x, content] = [piece.x, piece.text];
    if (run.rtl) {
      // A right-to-left run's pieces (one a fallback font) are set from its right end, each where the ones before it
      // in reading order end, and drawn without their spaces at either end: resvg would put a trailing one on the
      // right (rule L1), against the word before (rv18: "عالمܐܒܓ··مرحبا").
      const [, lead, core] = /^(\s*)(.*?)\s*$/su.exec(piece.text)!;
      if (core === "") return [];
      x = width - piece.x - font.getAdvanceWidth(`${lead}${core}`, run.size);
      content = `${RTL_EMBEDDING[0]}${core}${RTL_EMBEDDING[1]}`;
    }
    return [
      `<tspan x="${n(run.x + x)}" y="${n(run.y)}"` +
      `${piece.family === null ? "" : ` font-family="${escapeMarkup(cssString(piece.family))}"`}>` +
      `${escapeMarkup(content)}</tspan>`,
    ];
  });
  const slant = italic
    ? ` transform="translate(${n(run.x)} ${n(run.y)}) skewX(-${ITALIC_SKEW}) translate(${n(-run.x)} ${
      n(-run.y)
    })"`
    : "";
  return `<text font-family="${escapeMarkup(input.primary[face].family)}" font-weight="${weight(face)}" ` +
    `font-size="${n(run.size)}" ${ink(run.ink, input.colors)} xml:space="preserve"${slant}>${
      spans.join("")
    }</text>`;
}

function weight(face: FaceName): "bold" | "normal" {
  return face === "sansBold" || face === "monoBold" ? "bold" : "normal";
}

function ink(value: Ink, colors: SvgColors): string {
  switch (value) {
    case "foreground":
      return `fill="${colors.foreground}"`;
    case "muted":
      return `fill="${colors.foreground}" fill-opacity="${MUTED_OPACITY}"`;
    case "accent":
      return `fill="${colors.accent}"`;
    case "code":
      return `fill="${colors.codeForeground}"`;
  }
}

/** A family name as a quoted CSS string. */
function cssString(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** A coordinate rounded to 0.01 px, to keep the markup short and stable. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}
