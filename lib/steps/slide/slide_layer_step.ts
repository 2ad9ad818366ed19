/**
 * The slide-layer step: one of a picture slide's two layers for one format, drawn apart so that a Ken Burns move
 * zooms the picture while its caption band and title stay where they are (see `SlideLayer`).
 * @module
 */
import type { SlideLayer } from "../../providers/local/slides/render_slide.ts";
import type { StepKindDefinition } from "../step_kind.ts";
import { renderSlideTask } from "./_render_slide_task.ts";
import type { SlideParams } from "./slide_params.ts";

/** A slide-layer step's params: a picture slide's params, less what the layer does not draw, and the layer. */
export type SlideLayerParams = SlideParams & { kind: "picture"; layer: SlideLayer };

/**
 * Renders the layer its params name ({@linkcode SlideLayerParams}) of the picture slide they describe, as the
 * slide step renders the whole slide: the `picture` layer as an RGB PNG (with the picture file
 * `runtime.picturePath` and the background image file `runtime.imagePath`), the `band` layer as an RGBA PNG,
 * transparent off the band. Its value is the slide step's: `{ width, height, warnings, fit }`; the band layer's
 * fit is its title's, the whole slide's (the preflight checks the whole slide).
 */
export const slideLayerStep: StepKindDefinition = {
  kind: "slide-layer",
  // 2: a word cut between lines is cut after a `/`, `.` or `-` where one fits (was between any two letters). 3:
  // Arabic and Hebrew set right to left, from the right.
  version: 3,
  blocking: true,
  run: (task, { signal }) => {
    const { layer } = task.params as unknown as SlideLayerParams;
    return renderSlideTask(task, { signal, layer });
  },
};

/**
 * The params of one layer of a picture slide: the slide's params with the layer named, less what cannot change
 * the layer's bytes, so that its key holds only what shapes it. The band layer draws neither the picture nor a
 * background image (their digests go); the picture layer of a `cover` picture has no title (the picture fills the
 * frame whatever the band's height), while a `contain` picture sits under the band, so its title stays.
 *
 * @param slide The whole slide's params (a picture slide).
 * @param layer The layer.
 * @returns The layer's params.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slideLayerParams } from "./slide_layer_step.ts";
 * const slide = {
 *   kind: "picture" as const, title: "Clouds", fit: "cover" as const, width: 160, height: 90, textScale: 1,
 *   background: "#000000", foreground: "#ffffff", accent: "#ffaa00", image: null, picture: "ab12",
 * };
 * assert.equal(slideLayerParams(slide, "picture").title, "");
 * assert.equal(slideLayerParams(slide, "band").picture, null);
 * ```
 */
export function slideLayerParams(
  slide: SlideParams & { kind: "picture" },
  layer: SlideLayer,
): SlideLayerParams {
  if (layer === "band") {
    const { imageTurn: _image, pictureTurn: _picture, ...band } = slide;
    return { ...band, image: null, picture: null, layer };
  }
  return { ...slide, title: slide.fit === "cover" ? "" : slide.title, layer };
}
