/**
 * The slide step: a slide image for one format, laid out for its kind and aspect.
 * @module
 */
import type { Json } from "../../core/json.ts";
import type { SlideFit } from "../../providers/local/slides/check_slide_fit.ts";
import type { StepKindDefinition } from "../step_kind.ts";
import { renderSlideTask } from "./_render_slide_task.ts";

/**
 * Renders the slide its params describe (`SlideParams`) to PNG, over a generated image (its one input, if any)
 * or the background image file `runtime.imagePath`, with the picture file `runtime.picturePath` on a picture
 * slide. Its value is `{ width, height, warnings, fit }`, the warnings being sentences about text cut or
 * characters no installed font has, and `fit` what the preflight check finds for this slide (`{ message, warnings }`):
 * a later run whose slide is stored checks it from there, without laying the text out again.
 */
export const slideStep: StepKindDefinition = {
  kind: "slide",
  // 2: slide kinds (code, picture, title and end cards), markdown, themes, and the block centred (portrait: larger
  // type in the upper middle) instead of anchored to the top. (Its value's `fit` came later, bytes unchanged: an
  // entry without one is checked by laying its text out again.) 3: a word is not cut between lines while a smaller
  // size (down to half) keeps it whole, and one cut anyway is cut after a `/`, `.` or `-` where one fits. 4: Arabic
  // and Hebrew set right to left, from the right (by Unicode's bidirectional algorithm).
  version: 4,
  blocking: true,
  run: (task, { signal }) => renderSlideTask(task, { signal, layer: null }),
  // A worker's first slide compiles resvg's WebAssembly, reads the fonts and compiles the layout and drawing code
  // (about half a second); a small slide of plain and bold text, drawn while the plan is checked, pays for that.
  warm: async () => {
    const { renderSlide } = await import("../../providers/local/slides/render_slide.ts");
    await renderSlide({
      width: 320,
      height: 180,
      title: "Warm",
      bullets: ["plain and **bold**"],
      background: "#000000",
      foreground: "#ffffff",
      accent: "#808080",
      imagePath: null,
    }, { allowOverflow: true });
  },
};

/**
 * The fit a slide step recorded in its value: what the preflight check of the same slide finds.
 *
 * @param value The step's value, `{ width, height, warnings, fit: { message, warnings } }`, or undefined.
 * @returns The fit, or null when there is none (an entry made before fits were recorded, or no value).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slideFitOf } from "./slide_step.ts";
 * assert.deepEqual(slideFitOf({ fit: { message: null, warnings: [] } }), { message: null, warnings: [] });
 * assert.equal(slideFitOf({ width: 16, height: 9, warnings: [] }), null);
 * ```
 */
export function slideFitOf(value: Json | undefined): Pick<SlideFit, "message" | "warnings"> | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const fit = value.fit;
  if (typeof fit !== "object" || fit === null || Array.isArray(fit)) return null;
  const { message, warnings } = fit;
  if (!(message === null || typeof message === "string")) return null;
  if (!Array.isArray(warnings) || !warnings.every((warning) => typeof warning === "string")) return null;
  return { message, warnings: warnings as string[] };
}
