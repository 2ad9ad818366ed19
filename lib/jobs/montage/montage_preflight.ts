/**
 * What montages check before any step runs: ffmpeg has the filters they need, every still decodes whole, every clip
 * has pictures ffmpeg decodes and every soundtrack has sound that it decodes (each file probed once, a few at a
 * time; a montage the store holds is not checked again).
 * @module
 */
import { WorkflowError, type WorkflowIssue } from "../../core/errors.ts";
import { mapBounded } from "../../core/map_bounded.ts";
import { type ReelFilter, requireFilters } from "../../media/ffmpeg_filters.ts";
import { decodedImageProblem } from "../../media/image_problem.ts";
import { mediaProblem, PROBES_IN_FLIGHT } from "../../media/media_problem.ts";
import { holdsText, isImageName } from "../../schema/input_files.ts";
import type { PreflightContext } from "../../schema/job_kind.ts";
import type { ResolvedMontages } from "./montage_schema.ts";
import { montageStepId } from "./plan_montage.ts";

/**
 * Runs the montages' checks.
 *
 * @param job The resolved montages.
 * @param context ffmpeg, the signal, the file and what the store holds.
 * @returns No warnings.
 * @throws {InputError} When ffmpeg lacks a filter; a {@linkcode WorkflowError} naming each item that is not a
 * whole image or a clip with pictures (at `montages[i].items[j]`) and each soundtrack with no sound (at
 * `montages[i].audio.file`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFfmpeg } from "../../media/ffmpeg.ts";
 * import { preflightMontages } from "./montage_preflight.ts";
 * assert.deepEqual(await preflightMontages({ montages: [] }, { ffmpeg: await findFfmpeg(), allowOverflow: false, file: "w.ts" }), []);
 * ```
 */
export async function preflightMontages(job: ResolvedMontages, context: PreflightContext): Promise<string[]> {
  await checkFilters(job, context);
  const checks: { file: string; identity: string; field: string; needs: "still" | "video" | "audio" }[] = [];
  for (const montage of job.montages) {
    if (context.stored?.(montageStepId(montage.id)) !== undefined) continue;
    for (const item of montage.items) {
      // A stream (a pipe, a device) is read once, by its step: probing it would take what the step needs.
      if (item.identity.startsWith("stream:")) continue;
      // A file named as an image that is none (text called fake.png) is told as a bad image, not as a clip
      // without pictures.
      const still = item.still || isImageName(item.path);
      checks.push({
        file: item.path,
        identity: item.identity,
        field: item.fileField ?? item.field,
        needs: still ? "still" : "video",
      });
    }
    const audio = montage.audio;
    if (audio !== null && !audio.identity.startsWith("stream:")) {
      checks.push({ file: audio.path, identity: audio.identity, field: audio.field, needs: "audio" });
    }
  }
  const probed = new Map<string, Promise<string | null>>();
  const problems = await mapBounded(checks, async ({ file, identity, needs }) => {
    // A still by its content (the same image under two names is decoded once, and named as each); a clip or a
    // soundtrack by its name, which the probe's message gives.
    const key = needs === "still" ? `still:${identity}` : `${needs}:${file}`;
    let problem = probed.get(key);
    if (problem === undefined) {
      problem = needs === "still"
        ? stillProblem(file, context)
        : mediaProblem(context.ffmpeg, file, { needs, decodes: true, signal: context.signal });
      probed.set(key, problem);
    }
    const found = await problem;
    if (found === null) return null;
    if (needs === "still") return `Cannot use ${file} as an image: ${found}`;
    // Before: ffprobe's words for the text it tried to read ("Truncating packet of size 11372 to 2").
    if (!await holdsText(file)) return found;
    return `${file} holds text, not media: give ${
      needs === "audio" ? "a sound file" : "a video clip or an image"
    }`;
  }, { concurrency: PROBES_IN_FLIGHT, signal: context.signal });
  const issues: WorkflowIssue[] = checks.flatMap(({ field }, i) =>
    problems[i] === null ? [] : [{ path: field, message: problems[i]! }]
  );
  if (issues.length > 0) {
    throw new WorkflowError(context.file, issues, {
      hint: "A montage's items must be PNG or JPEG images or video clips, its audio a file with sound",
    });
  }
  return [];
}

/** Why a still does not decode whole (its pixels decoded, by ffmpeg where reel's decoder leaves the kind), or null. */
async function stillProblem(file: string, context: PreflightContext): Promise<string | null> {
  const bytes = await Deno.readFile(file, { signal: context.signal });
  return await decodedImageProblem(context.ffmpeg, bytes, { signal: context.signal });
}

/** The filters montages need must be in this ffmpeg. */
async function checkFilters(job: ResolvedMontages, context: PreflightContext): Promise<void> {
  const needed = new Map<ReelFilter, string>();
  for (const montage of job.montages) {
    const filters: ReelFilter[] = montage.layout === "grid" ? ["xstack"] : ["hstack", "vstack", "overlay"];
    if (montage.font !== null) filters.push("drawtext");
    if (montage.audio !== null) filters.push("aloop", "afade");
    for (const filter of filters) if (!needed.has(filter)) needed.set(filter, montage.path);
  }
  await requireFilters(context.ffmpeg, needed, context);
}
