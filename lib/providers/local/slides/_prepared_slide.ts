/**
 * A slide's content made ready to lay out: markdown turned into styled runs, code split into lines with its tabs
 * expanded; and the texts each face must draw, for choosing fallback fonts.
 * @module
 */
import type { SlideContent } from "./slide_content.ts";
import { codeText, type RichText, richText } from "./_text_style.ts";
import type { FacedText } from "./_text_fonts.ts";

/** A section, with or without code: the title over the bullets over the code. */
export interface PreparedSection {
  kind: "section";
  title: RichText;
  bullets: RichText[];
  /** The code's lines, or null for none. */
  code: RichText[] | null;
}

/** A picture and its caption. */
export interface PreparedPicture {
  kind: "picture";
  title: RichText;
  fit: "cover" | "contain";
}

/** A title or end card: a large title over a line of text. */
export interface PreparedCard {
  kind: "card";
  title: RichText;
  text: RichText;
  /** What messages call the text: `subtitle` or `text`. */
  textName: string;
}

/** Content ready for layout. */
export type PreparedSlide = PreparedSection | PreparedPicture | PreparedCard;

const TAB = 4;

/**
 * Parses a slide's text.
 *
 * @param content What the slide shows.
 */
export function prepareSlide(content: SlideContent): PreparedSlide {
  switch (content.kind) {
    case undefined:
    case "section":
    case "code":
      return {
        kind: "section",
        title: richText(content.title, true),
        bullets: content.bullets.map((bullet) => richText(bullet, false)),
        code: content.kind === "code" ? codeLines(content.code).map(codeText) : null,
      };
    case "picture":
      return { kind: "picture", title: richText(content.title, true), fit: content.fit };
    case "title":
      return card(content.title, content.subtitle, "subtitle");
    case "end":
      return card(content.title, content.text, "text");
  }
}

/** Every paragraph of the slide (each code line one), in reading order. */
export function paragraphsOf(slide: PreparedSlide): RichText[] {
  return slide.kind === "section"
    ? [slide.title, ...slide.bullets, ...slide.code ?? []]
    : slide.kind === "card"
    ? [slide.title, slide.text]
    : [slide.title];
}

/** Every text of the slide with its face, in reading order. */
export function facedTexts(slide: PreparedSlide): FacedText[] {
  return paragraphsOf(slide).flat().map((run) => ({ face: run.style.face, text: run.text }));
}

/**
 * Code as lines: line ends normalized, tabs expanded to stops every 4 columns, trailing spaces and blank lines at
 * either end dropped; indentation and blank lines inside are kept.
 */
export function codeLines(code: string): string[] {
  const lines = code.replace(/\r\n?/g, "\n").split("\n").map((line) => expandTabs(line).trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines;
}

function expandTabs(line: string): string {
  let out = "";
  for (const char of line) out += char === "\t" ? " ".repeat(TAB - (out.length % TAB)) : char;
  return out;
}

function card(title: string, text: string, textName: string): PreparedCard {
  return { kind: "card", title: richText(title, true), text: richText(text, false), textName };
}
