/**
 * Writes a laid-out slide as SVG markup for resvg.
 * @module
 */
import { escapeMarkup } from "../../../core/escape_markup.ts";
import type { PlacedLine, SlideLayout } from "./_layout.ts";
import type { TextFont } from "./_text_fonts.ts";

/** What the SVG needs besides the layout. */
export interface SvgInput {
  width: number;
  height: number;
  background: string;
  foreground: string;
  accent: string;
  /** A `data:` URI drawn "cover", or null. */
  image: string | null;
  /** The primary font's family. */
  fontFamily: string;
  /** The fonts the layout measured with, which split each line into runs of one font. */
  fonts: { regular: TextFont; bold: TextFont };
}

/**
 * Builds the slide's SVG: background, optional image and panel, title, accent bar, bullets with markers. Each run of
 * a line in a fallback font is a text chunk of its own, placed where the layout measured it: resvg shapes a chunk
 * with one font and, when that font lacks a character, redraws the whole chunk in the first font that has them all.
 */
export function buildSlideSvg(input: SvgInput, layout: SlideLayout): string {
  const { width, height } = input;
  const family = escapeMarkup(input.fontFamily);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="${input.background}"/>`,
  ];
  if (input.image !== null) {
    parts.push(
      `<image href="${input.image}" x="0" y="0" width="${width}" height="${height}" ` +
        `preserveAspectRatio="xMidYMid slice"/>`,
    );
    if (layout.panel !== null) {
      const { x, y, width: w, height: h } = layout.panel;
      const light = luminance(input.foreground) < 0.4;
      parts.push(
        `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" rx="${n(layout.bulletSize * 0.4)}" ` +
          `fill="${light ? "#ffffff" : "#000000"}" fill-opacity="${light ? 0.72 : 0.62}"/>`,
      );
    }
  }
  if (layout.title.length > 0) {
    parts.push(text(layout.title, input.fonts.bold, {
      family,
      size: layout.titleSize,
      fill: input.foreground,
      weight: "bold",
    }));
  }
  if (layout.bar !== null) {
    const { x, y, width: w, height: h } = layout.bar;
    parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${input.accent}"/>`);
  }
  for (const bullet of layout.bullets) {
    const { cx, cy, r } = bullet.marker;
    parts.push(`<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${input.accent}"/>`);
  }
  const lines = layout.bullets.flatMap((bullet) => bullet.lines);
  if (lines.length > 0) {
    parts.push(text(lines, input.fonts.regular, {
      family,
      size: layout.bulletSize,
      fill: input.foreground,
      weight: "normal",
    }));
  }
  parts.push("</svg>");
  return parts.join("\n");
}

function text(
  lines: readonly PlacedLine[],
  font: TextFont,
  style: { family: string; size: number; fill: string; weight: "bold" | "normal" },
): string {
  const { family, size, fill, weight } = style;
  const spans = lines.flatMap((line) =>
    font.runs(line.text, size).map((run) =>
      `<tspan x="${n(line.x + run.x)}" y="${n(line.y)}"` +
      `${run.family === null ? "" : ` font-family="${escapeMarkup(cssString(run.family))}"`}>` +
      `${escapeMarkup(run.text)}</tspan>`
    )
  );
  return `<text font-family="${family}" font-weight="${weight}" font-size="${n(size)}" fill="${fill}" ` +
    `xml:space="preserve">${spans.join("")}</text>`;
}

/** A family name as a quoted CSS string. */
function cssString(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** A coordinate rounded to 0.01 px, to keep the markup short and stable. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Relative luminance (0..1) of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((start) => {
    const channel = parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
