/**
 * Custom steps as a job kind: the workflow's `steps`, TypeScript functions that run in workers beside the other
 * jobs' steps and may read their outputs.
 * @module
 */
import type { JobKind } from "../../schema/job_kind.ts";
import { customFields, type ResolvedCustomStep } from "./custom_schema.ts";
import { customStep } from "./custom_step.ts";
import { planCustomSteps } from "./plan_custom.ts";
import { resolveCustomSteps } from "./resolve_custom.ts";

/**
 * Custom steps: the workflow's `steps`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { customKind } from "./custom_kind.ts";
 * assert.ok("steps" in customKind.fields);
 * ```
 */
export const customKind: JobKind<typeof customFields, ResolvedCustomStep[]> = {
  name: "custom",
  fields: customFields,
  stepKinds: [customStep],
  resolve: resolveCustomSteps,
  plan: planCustomSteps,
  describe: (steps) => [`${steps.length} custom step${steps.length === 1 ? "" : "s"}`],
  engines: () => new Set(),
  preflight: () => Promise.resolve([]),
  idsField: "steps",
  ids: () => [],
  narrow: (steps) => steps,
};
