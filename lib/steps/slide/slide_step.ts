/**
 * The slide step: a slide image for one format, laid out for its aspect.
 * @module
 */
import { renderSlide } from "../../providers/local/slides/render_slide.ts";
import type { StepKindDefinition } from "../step_kind.ts";
import { outputPath } from "../task_fields.ts";

/**
 * Renders the slide to PNG (over a generated or given background image, if any); its value is
 * `{ width, height, warnings }`, the warnings being sentences about text cut or characters no installed font has.
 */
export const slideStep: StepKindDefinition = {
  kind: "slide",
  version: 1,
  blocking: true,
  run: async (task, { signal }) => {
    const params = task.params as unknown as {
      width: number;
      height: number;
      title: string;
      bullets: string[];
      background: string;
      foreground: string;
      accent: string;
    };
    // A generated image (the step's one input) wins over a background image file from the workflow.
    const generated = task.inputs[0]?.path ?? null;
    const imagePath = generated ??
      (typeof task.runtime.imagePath === "string" ? task.runtime.imagePath : null);
    const { png, warnings } = await renderSlide(
      {
        width: params.width,
        height: params.height,
        title: params.title,
        bullets: params.bullets,
        background: params.background,
        foreground: params.foreground,
        accent: params.accent,
        imagePath,
      },
      // Whether text may be cut was decided before the run (preflight fails a slide that does not fit unless
      // --allow-overflow): here a slide always renders, cut with an ellipsis if it must.
      { signal, allowOverflow: true },
    );
    await Deno.writeFile(outputPath(task), png);
    return { width: params.width, height: params.height, warnings };
  },
};
