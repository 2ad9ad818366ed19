/**
 * The params of a slide step: everything that shapes the slide's bytes, and nothing else (file paths travel in
 * the step's runtime).
 * @module
 */
import type { SlideContent } from "../../providers/local/slides/slide_content.ts";

/**
 * A slide step's params: what the slide shows (`kind` and its fields: `section`, `code`, `picture`, `title` or
 * `end`), its size, the theme's text scale and colours, and the SHA-256 digests of the image files it draws. The
 * code colours are there for `code` slides only, so that changing them re-renders nothing else.
 */
export type SlideParams = SlideContent & {
  width: number;
  height: number;
  /** The theme's factor on text sizes. */
  textScale: number;
  /** The share of the height at the bottom kept clear for burned captions; absent for none (see `captionRoom`). */
  captionRoom?: number;
  background: string;
  foreground: string;
  accent: string;
  /** For `code` slides only. */
  codeBackground?: string;
  /** For `code` slides only. */
  codeForeground?: string;
  /** The SHA-256 of the background image file (`runtime.imagePath`), or null. */
  image: string | null;
  /** The SHA-256 of a picture slide's file (`runtime.picturePath`), or null. */
  picture: string | null;
  /**
   * The background image's EXIF orientation (2-8) when it is a JPEG the slide turns for display; absent for any
   * other image, whose slides kept their keys when turning came.
   */
  imageTurn?: number;
  /** The picture's EXIF orientation (2-8), as `imageTurn`. */
  pictureTurn?: number;
};
