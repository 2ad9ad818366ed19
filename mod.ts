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
export { type Outline, type OutlineSection, parseOutline } from "./lib/workflow/markdown_outline.ts";
export type { WorkflowInput } from "./lib/workflow/workflow_schema.ts";
export type { SectionInput, VideoInput } from "./lib/jobs/lesson/lesson_schema.ts";
export type { RecipeInput } from "./lib/jobs/variants/recipe_schema.ts";
export type { TranscriptionInput } from "./lib/jobs/transcribe/transcribe_schema.ts";
export type {
  CustomStepContext,
  CustomStepFunction,
  CustomStepInput,
} from "./lib/jobs/custom/custom_schema.ts";
export type { Json, StepOutput } from "./lib/core/json.ts";
export { ProcessError, type ProcessResult, type RunProcessOptions } from "./lib/media/run_process.ts";
export { type Format, FORMAT_PRESETS } from "./lib/schema/formats.ts";
export { loadWorkflow } from "./lib/workflow/load_workflow.ts";
export type { Plan } from "./lib/plan/plan.ts";
export { planWorkflows } from "./lib/workflow/plan_workflows.ts";
export { loadPlan, planFiles } from "./lib/run/load_plan.ts";
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
