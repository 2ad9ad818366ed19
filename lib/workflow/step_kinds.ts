/**
 * Every step kind, loaded at once: the shared ones in `lib/steps/` and those each job kind brings. The main thread
 * plans with it; workers load each kind's code on demand through {@linkcode ./step_kind_loaders.ts}.
 * @module
 */
import { imageStep } from "../steps/image/image_step.ts";
import { slideFitStep } from "../steps/slide/slide_fit_step.ts";
import { slideLayerStep } from "../steps/slide/slide_layer_step.ts";
import { slideStep } from "../steps/slide/slide_step.ts";
import { speechStep } from "../steps/speech/speech_step.ts";
import type { StepKindDefinition } from "../steps/step_kind.ts";
import { jobKinds } from "./job_kinds.ts";

/**
 * The step kinds, by name.
 *
 * @returns A map from kind name to its definition.
 * @throws {RangeError} When two kinds share a name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepKinds } from "./step_kinds.ts";
 * assert.ok(stepKinds().has("video"));
 * ```
 */
export function stepKinds(): ReadonlyMap<string, StepKindDefinition> {
  const kinds = new Map<string, StepKindDefinition>();
  const all = [
    speechStep,
    imageStep,
    slideStep,
    slideLayerStep,
    slideFitStep,
    ...jobKinds().flatMap(([, kind]) => kind.stepKinds),
  ];
  for (const definition of all) {
    if (kinds.has(definition.kind)) throw new RangeError(`Two step kinds are named "${definition.kind}"`);
    kinds.set(definition.kind, definition);
  }
  return kinds;
}
