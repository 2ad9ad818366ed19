/**
 * The montage job kind: images or clips in a grid, or moving across the frame as a strip, with a soundtrack.
 * @module
 */
import { InputError } from "../../core/errors.ts";
import { ffmpegFilters } from "../../media/ffmpeg_filters.ts";
import type { JobKind, PreflightContext } from "../../schema/job_kind.ts";
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
  engines: () => new Set(["encoder" as const]),
  preflight: preflightMontages,
  ids: (job) => job.montages.map((montage) => montage.id),
  narrow: (job, filters) => {
    const montages = filters.only === null
      ? job.montages
      : job.montages.filter((montage) => filters.only!.includes(montage.id));
    return montages.length === 0 ? null : { montages };
  },
};

/** The filters montages need must be in this ffmpeg. */
async function preflightMontages(job: ResolvedMontages, context: PreflightContext): Promise<string[]> {
  const filters = await ffmpegFilters(context.ffmpeg, { signal: context.signal });
  for (const montage of job.montages) {
    const needed = montage.layout === "grid" ? ["xstack"] : ["hstack", "vstack", "overlay"];
    if (montage.font !== null) needed.push("drawtext");
    const missing = needed.find((filter) => !filters.has(filter));
    if (missing === undefined) continue;
    throw new InputError(
      `This ffmpeg has no "${missing}" filter, which ${montage.path} needs (${context.file})`,
      {
        hint: "Install an ffmpeg built with it (Debian's and Ubuntu's are), or point REEL_FFMPEG at one",
      },
    );
  }
  return [];
}
