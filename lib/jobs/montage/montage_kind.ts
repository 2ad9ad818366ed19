/**
 * The montage job kind: images or clips in a grid, or moving across the frame as a strip, with a soundtrack.
 * @module
 */
import type { JobKind } from "../../schema/job_kind.ts";
import { preflightMontages } from "./montage_preflight.ts";
import { montageFields, type ResolvedMontages } from "./montage_schema.ts";
import { planMontages } from "./plan_montage.ts";
import { resolveMontages } from "./resolve_montage.ts";
import { gridStep } from "./steps/grid_step.ts";
import { stripChunkStep } from "./steps/strip_chunk_step.ts";
import { stripJoinStep } from "./steps/strip_join_step.ts";

/**
 * Montages: the workflow's `montages`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { montageKind } from "./montage_kind.ts";
 * assert.ok("montages" in montageKind.fields);
 * ```
 */
export const montageKind: JobKind<typeof montageFields, ResolvedMontages> = {
  name: "montage",
  fields: montageFields,
  stepKinds: [gridStep, stripChunkStep, stripJoinStep],
  resolve: resolveMontages,
  plan: planMontages,
  describe: (job) =>
    job.montages.map((montage) => {
      const { width, height } = montage.frame;
      return `montage ${montage.id}: ${montage.items.length} items, ${montage.layout}, ${width}×${height}, ` +
        `${Math.round(montage.duration * 10) / 10} s`;
    }),
  engines: () => new Set(["encoder" as const, "encoder:h264" as const]),
  preflight: preflightMontages,
  idsField: "montages",
  items: "montages",
  ids: (job) => job.montages.map((montage) => montage.id),
  narrow: (job, filters) => {
    const montages = filters.only === null
      ? job.montages
      : job.montages.filter((montage) => filters.only!.includes(montage.id));
    return montages.length === 0 ? null : { montages };
  },
};
