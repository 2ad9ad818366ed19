/**
 * The custom step: a function from the workflow file, run inside the worker. The worker imports the workflow
 * module itself (functions cannot cross the worker boundary) and finds the step by id.
 * @module
 */
import { UnrecoverableError } from "../../core/errors.ts";
import type { CustomStepInput } from "./custom_schema.ts";
import type { Json, StepOutput } from "../../core/json.ts";
import type { StepKindDefinition } from "../../steps/step_kind.ts";
import { unwrittenOutputError, wroteOutput } from "../../steps/unwritten_output.ts";

const modules = new Map<string, Promise<{ default?: { steps?: CustomStepInput[] } }>>();

/**
 * Runs a workflow's custom step; its value is what the function returned. A step that names an output must have
 * written its file to its `outputPath` by then, or it fails, not retried.
 */
export const customStep: StepKindDefinition = {
  kind: "custom",
  version: 1,
  blocking: true,
  optionalArtifact: true,
  run: async (task, { signal, spawn }) => {
    const moduleUrl = String(task.runtime.module);
    const { step: stepId, params } = task.params as { step: string; params: Record<string, Json> };
    let loading = modules.get(moduleUrl);
    if (loading === undefined) {
      loading = import(moduleUrl);
      modules.set(moduleUrl, loading);
    }
    const definition = (await loading).default?.steps?.find((candidate) => candidate.id === stepId);
    if (definition === undefined) throw new UnrecoverableError(`The workflow has no custom step "${stepId}"`);
    const inputs: Record<string, StepOutput> = {};
    for (const [i, id] of task.inputIds.entries()) inputs[id] = task.inputs[i]!;
    const outputPath = task.outputPath ?? `${task.scratchDir}/output`;
    const value = await definition.run(inputs, {
      params,
      signal,
      outputPath,
      spawn: (child, childParams) => spawn({ step: child, params: childParams }),
    });
    // Checked here, where the step runs, so a cluster's worker refuses it before it stores the value, as a local
    // run does.
    if (definition.output !== undefined && !(await wroteOutput(outputPath))) {
      throw unwrittenOutputError(task.id, definition.output);
    }
    const json = JSON.stringify(value ?? null);
    if (json === undefined) {
      throw new UnrecoverableError(`Custom step "${stepId}" returned a value that is not JSON`);
    }
    return JSON.parse(json) as Json;
  },
};
