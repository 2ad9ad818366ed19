/**
 * The checks a render makes before its first step, so that bad input costs nothing and is named precisely: the
 * espeak-ng voices exist, ffmpeg has the flite filter when a flite voice speaks, a hosted provider that will be called has its key, and every slide's text fits its
 * frame (or `allowOverflow` says to cut it).
 * @module
 */
import { InputError, WorkflowError, type WorkflowIssue } from "../core/errors.ts";
import type { StepStatus } from "../plan/plan_status.ts";
import type { Plan } from "../plan/plan_workflow.ts";
import { HOSTED_BASE_URL } from "../providers/http/openai_client.ts";
import { checkSlideFits } from "../providers/local/slides/check_slide_fit.ts";
import { checkEspeakVoice } from "../providers/local/speech/espeak_engine.ts";
import { checkFliteFilter } from "../providers/local/speech/flite_engine.ts";
import type { FfmpegPaths } from "../media/ffmpeg.ts";

/** Options for {@linkcode preflight}. */
export interface PreflightOptions {
  /** The ffmpeg that will run (its filters are checked). */
  ffmpeg: FfmpegPaths;
  /** What the store already holds (calls it holds need no key). */
  status: ReadonlyMap<string, StepStatus>;
  /** Render slides whose text does not fit, cut with an ellipsis, instead of failing. @default false */
  allowOverflow?: boolean;
  /** Cancels the checks. */
  signal?: AbortSignal;
}

/**
 * Runs every check; the first that fails throws.
 *
 * @param plan The plan.
 * @param options What the store holds, whether overflow is allowed, the signal.
 * @returns Warnings that do not stop the render (characters no font has, text cut under `allowOverflow`).
 * @throws {InputError} On a missing key, an unknown voice, or slide text that does not fit (a
 * {@linkcode WorkflowError} naming each section).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactStore } from "../store/artifact_store.ts";
 * import { planStatus } from "../plan/plan_status.ts";
 * import { planFiles } from "./render_workflows.ts";
 * import { preflight } from "./preflight.ts";
 * const plan = await planFiles(["workflows/lesson.ts"]);
 * const root = await Deno.makeTempDir();
 * const status = await planStatus(plan, new ArtifactStore(root));
 * await Deno.remove(root, { recursive: true });
 * import { findFfmpeg } from "../media/ffmpeg.ts";
 * assert.deepEqual(await preflight(plan, { status, ffmpeg: await findFfmpeg() }), []);
 * ```
 */
export async function preflight(plan: Plan, options: PreflightOptions): Promise<string[]> {
  const { ffmpeg, status, allowOverflow = false, signal } = options;
  checkApiKeys(plan, status);
  if (usesFlite(plan)) await checkFliteFilter(ffmpeg, { signal });
  for (const voice of espeakVoices(plan)) await checkEspeakVoice(voice, { signal });
  return await checkSlides(plan, { allowOverflow });
}

/**
 * Fails when a provider that steps will call (they are not in the store) answers at the hosted API and its key
 * variable is not set.
 *
 * @param plan The plan.
 * @param status What the store holds.
 * @throws {InputError} Naming the provider and the variable.
 */
export function checkApiKeys(plan: Plan, status: ReadonlyMap<string, StepStatus>): void {
  const calling = new Set(
    plan.steps.filter((step) => status.get(step.id)?.paid === true).map((step) => step.provider),
  );
  for (const workflow of plan.workflows) {
    for (const provider of workflow.providers) {
      if (!calling.has(provider.name) || (Deno.env.get(provider.keyEnv) ?? "") !== "") continue;
      if (!provider.baseUrl.startsWith(HOSTED_BASE_URL)) continue;
      throw new InputError(
        `Provider "${provider.name}" calls the hosted API (${provider.baseUrl}) and ${provider.keyEnv} is not set`,
        {
          where: workflow.file,
          hint:
            `Set ${provider.keyEnv} to your API key, or point ${provider.baseUrlEnv} (or the provider's ` +
            "baseUrl) at a compatible server, e.g. `deno task fake-api`",
        },
      );
    }
  }
}

function usesFlite(plan: Plan): boolean {
  return plan.workflows.some((workflow) =>
    workflow.videos.some((video) => video.sections.some((section) => section.voice.engine === "flite"))
  );
}

function espeakVoices(plan: Plan): Set<string> {
  const voices = new Set<string>();
  for (const video of plan.workflows.flatMap((workflow) => workflow.videos)) {
    for (const section of video.sections) {
      if (section.voice.engine === "espeak") voices.add(section.voice.voice);
    }
  }
  return voices;
}

/** Checks every slide step's text against its frame, with the renderer's own layout. */
async function checkSlides(plan: Plan, { allowOverflow }: { allowOverflow: boolean }): Promise<string[]> {
  const warnings: string[] = [];
  const issues = new Map<string, WorkflowIssue[]>();
  const paths = sectionPaths(plan);
  for (const step of plan.steps) {
    if (step.kind !== "slide") continue;
    const params = step.params as { width: number; height: number; title: string; bullets: string[] };
    const fit = await checkSlideFits(params);
    const where = paths.get(step.id.slice(0, step.id.lastIndexOf("/")));
    const format = `${params.width}x${params.height}`;
    for (const warning of fit.warnings) warnings.push(`${where?.path ?? step.id} (${format}): ${warning}`);
    if (fit.message === null) continue;
    if (allowOverflow) {
      warnings.push(`${where?.path ?? step.id}: ${fit.message}; it will be cut (--allow-overflow)`);
      continue;
    }
    const file = where?.file ?? step.workflow;
    issues.set(file, [...issues.get(file) ?? [], { path: where?.path ?? step.id, message: fit.message }]);
  }
  for (const [file, found] of issues) {
    throw new WorkflowError(file, found, {
      hint: "Shorten the title or bullets, split the section, or pass --allow-overflow to cut the text",
    });
  }
  return warnings;
}

/** `video/section` → the section's file and path in it. */
function sectionPaths(plan: Plan): Map<string, { file: string; path: string }> {
  const paths = new Map<string, { file: string; path: string }>();
  for (const workflow of plan.workflows) {
    for (const video of workflow.videos) {
      for (const section of video.sections) {
        paths.set(`${video.id}/${section.id}`, { file: workflow.file, path: section.path });
      }
    }
  }
  return paths;
}
