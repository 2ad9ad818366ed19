/**
 * The toy job kind's step kinds (see ARCHITECTURE.md, "Adding a job kind"): one counts a text's words, one adds
 * the counts up. Workers load them from this module's `stepKinds` export.
 * @module
 */
import type { StepKindDefinition } from "../../../lib/steps/step_kind.ts";
import { numberField, outputPath } from "../../../lib/steps/task_fields.ts";

/** Counts the words of `params.text`; writes the count to its artifact; its value is `{ words }`. */
export const wordCountStep: StepKindDefinition = {
  kind: "word-count",
  version: 1,
  blocking: false,
  run: async (task) => {
    const { text } = task.params as { text: string };
    const words = text.trim().split(/\s+/).filter((word) => word !== "").length;
    await Deno.writeTextFile(outputPath(task), `${words}\n`);
    return { words };
  },
};

/** Adds up its inputs' `words`; writes the total; its value is `{ words }`. */
export const wordTotalStep: StepKindDefinition = {
  kind: "word-total",
  version: 1,
  blocking: false,
  run: async (task) => {
    const words = task.inputs.reduce((sum, input) => sum + numberField(input.value, "words"), 0);
    await Deno.writeTextFile(outputPath(task), `${words}\n`);
    return { words };
  },
};

/** What workers load from this module. */
export const stepKinds: StepKindDefinition[] = [wordCountStep, wordTotalStep];
