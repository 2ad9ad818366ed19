/**
 * The slide step: a slide image for one format, laid out for its aspect.
 * @module
 */
import { renderSlide } from "../../providers/local/slides/render_slide.ts";
import { outputPath, type StepRunner } from "../step_runner.ts";

/** Renders the slide to PNG (over a generated or given background image, if any); its value is `{ width, height }`. */
export const runSlideStep: StepRunner = async (task, { signal }) => {
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
  const imagePath = generated ?? (typeof task.locals.imagePath === "string" ? task.locals.imagePath : null);
  const png = await renderSlide({ ...params, imagePath }, { signal });
  await Deno.writeFile(outputPath(task), png);
  return { width: params.width, height: params.height };
};
