/**
 * What the slide and slide-layer steps share: a slide step's params and runtime made into the renderer's spec,
 * drawn, written to the step's output, and told as the step's value.
 * @module
 */
import type { Json } from "../../core/json.ts";
import type { StepTask } from "../../core/step_task.ts";
import type { SlideLayer } from "../../providers/local/slides/render_slide.ts";
import { outputPath } from "../task_fields.ts";
import type { SlideParams } from "./slide_params.ts";

/**
 * Renders the slide (or one layer of it) that a task's params describe, and writes its PNG to the task's output.
 *
 * @param task The step's task: params as {@linkcode SlideParams} (a `layer` field, if any, is not drawn), a
 * generated image as its one input if any, `runtime.imagePath` and `runtime.picturePath`.
 * @param options The signal, and the layer to draw (null for the whole slide).
 * @returns The step's value, `{ width, height, warnings, fit: { message, warnings } }`.
 */
export async function renderSlideTask(
  task: StepTask,
  options: { signal: AbortSignal; layer: SlideLayer | null },
): Promise<Json> {
  const { signal, layer } = options;
  const { image: _image, picture: _picture, layer: _layer, ...spec } = task.params as unknown as
    & SlideParams
    & { layer?: unknown };
  // A generated image (the step's one input) wins over a background image file from the workflow.
  const generated = task.inputs[0]?.path ?? null;
  const imagePath = generated ??
    (typeof task.runtime.imagePath === "string" ? task.runtime.imagePath : null);
  const picturePath = typeof task.runtime.picturePath === "string" ? task.runtime.picturePath : null;
  // The renderer loads with a worker's first slide: the main thread lists this kind but never draws.
  const { renderSlide } = await import("../../providers/local/slides/render_slide.ts");
  const { png, warnings, fit } = await renderSlide(
    { ...spec, imagePath, picturePath },
    // Whether text may be cut was decided before the run (preflight fails a slide that does not fit unless
    // --allow-overflow): here a slide always renders, cut with an ellipsis if it must.
    { signal, allowOverflow: true, layer },
  );
  await Deno.writeFile(outputPath(task), png);
  return {
    width: spec.width,
    height: spec.height,
    warnings,
    fit: { message: fit.message, warnings: fit.warnings },
  };
}
