/**
 * reel: declarative workflows for narrated slide videos, rendered as a DAG of steps on a pool of Web Workers.
 *
 * A workflow file imports from here and default-exports a workflow:
 *
 * ```ts
 * import { workflow } from "./mod.ts";
 * export default workflow({
 *   formats: ["16:9", "9:16"],
 *   videos: [{ id: "intro", sections: [{ title: "Hello", bullets: ["One", "Two"], narration: "Hello there." }] }],
 * });
 * ```
 * @module
 */
export { section, step, video, workflow } from "./lib/workflow/builders.ts";
export type {
  CustomStepContext,
  CustomStepFunction,
  CustomStepInput,
  SectionInput,
  VideoInput,
  WorkflowInput,
} from "./lib/workflow/schema.ts";
export type { Json, StepOutput } from "./lib/core/json.ts";
export { type Format, FORMAT_PRESETS } from "./lib/workflow/formats.ts";
export { loadWorkflow } from "./lib/workflow/load_workflow.ts";
export { type Plan, planWorkflows } from "./lib/plan/plan_workflow.ts";
export { describePlan } from "./lib/plan/describe_plan.ts";
export { type RenderOptions, type RenderResult, renderWorkflows } from "./lib/run/render_workflows.ts";
export type { RunEvent } from "./lib/run/run_events.ts";
export {
  InputError,
  ProviderError,
  StepError,
  UnrecoverableError,
  WorkflowError,
} from "./lib/core/errors.ts";
export { estimatePlan, formatEstimates, type ProviderEstimate } from "./lib/plan/estimate_plan.ts";
export {
  type FakeOpenAiOptions,
  FakeOpenAiServer,
  startFakeOpenAi,
} from "./lib/fake_api/fake_openai_server.ts";
export { transcribeAudio, type Transcript } from "./lib/providers/http/openai_transcription.ts";
