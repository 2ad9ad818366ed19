/**
 * The step kinds a worker can run, by kind.
 * @module
 */
import type { StepKind } from "../plan/plan_step.ts";
import { runClipStep } from "./clip/clip_step.ts";
import { runConcatStep } from "./concat/concat_step.ts";
import { runCustomStep } from "./custom/custom_step.ts";
import { runImageStep } from "./image/image_step.ts";
import { runSlideStep } from "./slide/slide_step.ts";
import { runSpeechStep } from "./speech/speech_step.ts";
import type { StepRunner } from "./step_runner.ts";
import { runSubtitlesStep } from "./subtitles/subtitles_step.ts";

/** The runner of each step kind. */
export const STEP_RUNNERS: Readonly<Record<StepKind, StepRunner>> = {
  speech: runSpeechStep,
  image: runImageStep,
  slide: runSlideStep,
  clip: runClipStep,
  concat: runConcatStep,
  subtitles: runSubtitlesStep,
  custom: runCustomStep,
};
