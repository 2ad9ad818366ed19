/**
 * The version of each step kind's code; bump one to invalidate every cached artifact of that kind.
 * @module
 */
import type { StepKind } from "../plan/plan_step.ts";

/** Version per step kind, part of every step key. */
export const STEP_KIND_VERSIONS: Readonly<Record<StepKind, number>> = {
  speech: 1,
  image: 1,
  slide: 1,
  clip: 1,
  concat: 1,
  subtitles: 1,
  custom: 1,
};
