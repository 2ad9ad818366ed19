/**
 * The builders workflow files call. They only give the object its type: validation happens when the file is
 * loaded, so a plain object works as well.
 * @module
 */
import type { CustomStepFunction, CustomStepInput } from "../jobs/custom/custom_schema.ts";
import type { SectionInput, VideoInput } from "../jobs/lesson/lesson_schema.ts";
import type { WorkflowInput } from "./workflow_schema.ts";

/**
 * Declares a workflow: videos made of sections, the output formats and the limits.
 *
 * @param definition The workflow.
 * @returns The same object, typed.
 *
 * @example
 * ```ts
 * import { workflow } from "./builders.ts";
 * export default workflow({
 *   formats: ["16:9"],
 *   videos: [{ id: "intro", sections: [{ title: "Hello", narration: "Hello there." }] }],
 * });
 * ```
 */
export function workflow(definition: WorkflowInput): WorkflowInput {
  return definition;
}

/**
 * Declares a video.
 *
 * @param definition Its id, title and sections.
 * @returns The same object, typed.
 *
 * @example
 * ```ts
 * import { video } from "./builders.ts";
 * const intro = video({ id: "intro", sections: [{ title: "Hi", narration: "Hi." }] });
 * ```
 */
export function video(definition: VideoInput): VideoInput {
  return definition;
}

/**
 * Declares a section: one slide and its narration.
 *
 * @param definition Title, bullets, narration, background and voice.
 * @returns The same object, typed.
 *
 * @example
 * ```ts
 * import { section } from "./builders.ts";
 * const first = section({ title: "Why", bullets: ["Fast", "Cheap"], narration: "Because it is fast." });
 * ```
 */
export function section(definition: SectionInput): SectionInput {
  return definition;
}

/**
 * Declares a custom step: a function with declared inputs (ids of other steps) that runs inside a Web Worker.
 * It may add child steps at run time with `context.spawn`.
 *
 * @param definition Id, inputs, params and the function.
 * @returns The same object, typed.
 *
 * @example
 * ```ts
 * import { step } from "./builders.ts";
 * const count = step({
 *   id: "word-count",
 *   inputs: [],
 *   params: { text: "one two three" },
 *   run: (_inputs, { params }) => String(params.text).split(" ").length,
 * });
 * ```
 */
export function step(definition: CustomStepInput & { run: CustomStepFunction }): CustomStepInput {
  return definition;
}
