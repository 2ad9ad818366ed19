/**
 * The preflight's slide checks on the render's workers: a slide's fit needs the fonts parsed and its text laid out
 * (a quarter of a second to read the fonts, then milliseconds a slide), which the workers do for the slides anyway.
 * Checked there, the main thread never reads the fonts, and the workers share the slides between them when there
 * are many.
 * @module
 */
import type { StepExecutor } from "../core/executor.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { Json } from "../core/json.ts";
import type { StepTask } from "../core/step_task.ts";
import type { SlideFit, SlideText } from "../providers/local/slides/check_slide_fit.ts";
import { slideFitStep } from "../steps/slide/slide_fit_step.ts";

/**
 * Slides a worker checks before another shares them: the first worker was started with the CLI and is ready, the
 * next is started when the pool opens and must load its modules and the fonts first (about a third of a second
 * here, on cores the main thread and the first worker need too), while a slide takes milliseconds. A one-video
 * lesson's 24 slides checked on one worker: the checks 0.44 → 0.34 s, the run started 0.96 → 0.86 s after the
 * process (medians of six alternating runs).
 */
const SLIDES_A_WORKER = 64;

/**
 * Checks slides' fit on an executor's workers, one batch (a `slide-fit` step) a worker of
 * {@linkcode SLIDES_A_WORKER} slides at least; a batch whose step fails is checked on this thread instead, so that
 * bad input (a missing font) fails with the error and hint it has there.
 *
 * @param executor The render's local workers.
 * @param slides The slides to check.
 * @param options How many workers share them, ffmpeg (every task carries it) and the signal.
 * @returns One fit a slide, in order.
 *
 * @example
 * ```ts
 * import { fitSlidesOn } from "./slide_fits.ts";
 * // const fits = await fitSlidesOn(pool, [{ width: 320, height: 180, title: "Hi", bullets: [] }], { workers: 2, ffmpeg });
 * ```
 */
export async function fitSlidesOn(
  executor: StepExecutor,
  slides: readonly SlideText[],
  options: { workers: number; ffmpeg: FfmpegPaths; signal?: AbortSignal },
): Promise<SlideFit[]> {
  const count = Math.max(1, Math.min(options.workers, Math.ceil(slides.length / SLIDES_A_WORKER)));
  // Every count-th slide to one batch: a video's long and short slides spread over the workers alike.
  const batches = Array.from({ length: count }, (_, b) => slides.filter((_, i) => i % count === b));
  // The first batch that fails stops the others: its error is the check's, and no other is checked after it.
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  const results = await Promise.all(batches.map(async (batch, b): Promise<SlideFit[]> => {
    const task: StepTask = {
      id: `preflight/slide-fit/${b + 1}`,
      kind: slideFitStep.kind,
      version: slideFitStep.version,
      key: "",
      params: { slides: batch } as unknown as Json,
      runtime: {},
      engine: null,
      inputIds: [],
      inputs: [],
      outputPath: null,
      scratchDir: "",
      blocking: true,
      provider: null,
      cpu: true,
      ffmpeg: options.ffmpeg,
    };
    try {
      const { result } = await executor.execute(task, { signal });
      const fits = (result.value as { fits?: SlideFit[] } | null)?.fits;
      if (Array.isArray(fits) && fits.length === batch.length) return fits;
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
    }
    try {
      // Loaded only then: the text layout and font code stay out of the main thread otherwise.
      const { checkSlideFits } = await import("../providers/local/slides/check_slide_fit.ts");
      signal.throwIfAborted();
      return await Promise.all(batch.map((slide) => checkSlideFits(slide)));
    } catch (error) {
      if (!signal.aborted) stop.abort(error);
      throw signal.reason ?? error;
    }
  }));
  return slides.map((_, i) => results[i % count]![Math.floor(i / count)]!);
}
