/**
 * The manifest step: beside each output, a JSON file of what was applied to make it (the input, the recipe, the
 * variant and its seed, every transform, the rendition, the encoder) and what came out (duration, size, bitrate).
 * @module
 */
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { outputPath } from "../../../steps/task_fields.ts";

/** Writes `params.manifest` with the output's facts from its encode step's value under `output`. */
export const manifestStep: StepKindDefinition = {
  kind: "variant-manifest",
  version: 1,
  blocking: false,
  run: async (task) => {
    const { manifest } = task.params as { manifest: Record<string, unknown> };
    const made = task.inputs[0]!.value as Record<string, unknown>;
    const { playlist: _playlist, ...facts } = made;
    const text = JSON.stringify(
      { ...manifest, output: { ...(manifest.output as object), ...facts } },
      null,
      2,
    );
    await Deno.writeTextFile(outputPath(task), `${text}\n`);
    return null;
  },
};
