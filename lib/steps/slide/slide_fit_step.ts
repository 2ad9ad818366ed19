/**
 * The slide-fit step: the preflight's check that slides' text fits their frames, run on the workers, which have the
 * fonts and layout code loaded for the slides anyway (the main thread then never parses the fonts), several
 * workers at once. Never part of a plan: the preflight hands it batches of slides (see `lib/run/slide_fits.ts`).
 * @module
 */
import type { SlideText } from "../../providers/local/slides/check_slide_fit.ts";
import type { StepKindDefinition } from "../step_kind.ts";

/**
 * Checks each slide of its params (`{ slides }`, each a {@linkcode SlideText}) as `checkSlideFits` does;
 * its value is `{ fits }`, one fit a slide (`{ fits, scale, message, warnings }`), in order.
 */
export const slideFitStep: StepKindDefinition = {
  kind: "slide-fit",
  // 2: a slide shrinks its text (down to half) before it cuts a word between lines: its scale may be smaller.
  version: 2,
  blocking: true,
  run: async (task, { signal }) => {
    const { slides } = task.params as unknown as { slides: SlideText[] };
    const { checkSlideFits } = await import("../../providers/local/slides/check_slide_fit.ts");
    const fits = [];
    for (const slide of slides) {
      signal.throwIfAborted();
      const { fits: ok, scale, message, warnings } = await checkSlideFits(slide);
      fits.push({ fits: ok, scale, message, warnings });
    }
    return { fits };
  },
};
