/**
 * What a slide shows, by kind: a section (title and bullets), a section with a code block, a picture with its
 * caption, a video's title card and its end card. The renderer, its fit check and the slide step share these.
 * @module
 */

/** The kinds of slide the renderer draws. */
export const SLIDE_KINDS = ["section", "code", "picture", "title", "end"] as const;

/** One of {@linkcode SLIDE_KINDS}. */
export type SlideKind = (typeof SLIDE_KINDS)[number];

/**
 * A section slide: the title over the bullets. Both take `**bold**`, `*italic*` and `` `code` ``, with backslash
 * escapes (`\*`).
 */
export interface SectionSlide {
  /** @default "section" */
  kind?: "section";
  /** The title, wrapped to as many lines as it needs; empty for none. */
  title: string;
  /** Bullet points; each wraps, and the text shrinks down to half size when it does not fit. */
  bullets: readonly string[];
}

/** A section slide with a code block under its title and bullets, in monospace on a darker panel. */
export interface CodeSlide {
  kind: "code";
  /** The title; empty for none. */
  title: string;
  /** Bullet points, above the code; often none. */
  bullets: readonly string[];
  /**
   * The code: lines kept as written (indentation included, tabs to 4-column stops, blank lines at either end
   * dropped), never wrapped. Lines too wide shrink the code down to half size, then are cut with an ellipsis.
   */
  code: string;
}

/** A picture filling the frame (`cover`) or shown whole (`contain`), with its title in a band above it. */
export interface PictureSlide {
  kind: "picture";
  /** The caption, drawn in a band across the top of the frame; empty for no band. */
  title: string;
  /** `cover` fills the frame (cropping the picture), `contain` shows all of it below the band. */
  fit: "cover" | "contain";
}

/** A video's title card: its title, large and centred, and an optional subtitle. */
export interface TitleCardSlide {
  kind: "title";
  title: string;
  /** Empty for none. */
  subtitle: string;
}

/** A video's end card: a title and an optional line of text, centred. */
export interface EndCardSlide {
  kind: "end";
  title: string;
  /** Empty for none. */
  text: string;
}

/** What one slide shows. */
export type SlideContent = SectionSlide | CodeSlide | PictureSlide | TitleCardSlide | EndCardSlide;
