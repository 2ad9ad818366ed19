/**
 * Rendering workflow files end to end: load, plan, check the machine, run on the worker pool, publish outputs.
 * The CLI is a thin layer over this.
 * @module
 */
import { type Clock, realClock } from "../core/clock.ts";
import { WorkerCrashError } from "../core/executor.ts";
import { InputError } from "../core/errors.ts";
import { findFfmpeg } from "../media/ffmpeg.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { Plan } from "../plan/plan.ts";
import { planStatus } from "../plan/plan_status.ts";
import { ArtifactStore } from "../store/artifact_store.ts";
import { removeStaleOutputs } from "../store/publish_output.ts";
import { WorkerPool } from "../workers/worker_pool.ts";
import { type LoadedPlan, loadPlan, type LoadPlanOptions } from "./load_plan.ts";
import { preflight } from "./preflight.ts";
import { ProviderLimiter } from "./provider_limiter.ts";
import type { RunEvent } from "./run_events.ts";
import type { RunResult } from "./run_options.ts";
import { runPlan } from "./scheduler.ts";

/** Options for {@linkcode renderWorkflows}. */
export interface RenderOptions extends LoadPlanOptions {
  /** The output folder; created when missing. */
  outDir: string;
  /** The artifact store's folder. @default REEL_CACHE, else `.reel/` beside the first workflow */
  cacheDir?: string;
  /** Ignore the store. @default false */
  force?: boolean;
  /** Ignore the store for steps whose id matches one of these globs (`*` within a path part, `**` across). */
  forceSteps?: string[];
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Receives every event. */
  onEvent?: (event: RunEvent) => void;
  /** Render slides whose text does not fit, cut with an ellipsis, instead of failing before the run. */
  allowOverflow?: boolean;
  /** Receives warnings found before the run (characters no font has, text that will be cut). */
  onWarning?: (warning: string) => void;
}

/** What a render leaves: the plan and how it ran. */
export interface RenderResult {
  /** The plan that ran. */
  plan: Plan;
  /** How every step ended. */
  run: RunResult;
  /** The ffmpeg binaries the run used. */
  ffmpeg: FfmpegPaths;
}

/**
 * Checks that `folder` exists or can be made, and that a file can be written in it.
 *
 * @param folder The folder.
 * @param role What it is for, in messages (`output folder`).
 * @throws {InputError} When it cannot be written.
 *
 * @example
 * ```ts
 * import { ensureWritableFolder } from "./render_workflows.ts";
 * const dir = await Deno.makeTempDir();
 * await ensureWritableFolder(`${dir}/out`, "output folder");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function ensureWritableFolder(folder: string, role: string): Promise<void> {
  try {
    await Deno.mkdir(folder, { recursive: true });
    const probe = await Deno.makeTempFile({ dir: folder, prefix: ".reel-probe-" });
    await Deno.remove(probe);
  } catch (error) {
    const reason = error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotADirectory
      ? "a file of that name is in the way"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new InputError(`Cannot write to the ${role} ${folder}: ${reason}`, {
      where: folder,
      hint: role === "output folder"
        ? "Choose another folder with --out"
        : "Set REEL_CACHE to a writable folder",
      cause: error,
    });
  }
}

/**
 * The default store folder: `REEL_CACHE`, else `.reel/` beside the workflow file.
 *
 * @param workflowFile The first workflow file.
 * @returns The folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultCacheDir } from "./render_workflows.ts";
 * assert.ok(defaultCacheDir("workflows/lesson.ts").endsWith(".reel"));
 * ```
 */
export function defaultCacheDir(workflowFile: string): string {
  const configured = Deno.env.get("REEL_CACHE");
  if (configured !== undefined && configured !== "") return configured;
  const slash = workflowFile.lastIndexOf("/");
  return `${slash < 0 ? "." : workflowFile.slice(0, slash) || "/"}/.reel`;
}

/**
 * Renders workflow files: every check that can fail on bad input runs before the first step.
 *
 * @param files Workflow files.
 * @param options Output folder, limits, filters, signal, listener.
 * @returns The plan and the run's result.
 * @throws {InputError} On bad input (a bad workflow, missing ffmpeg, unwritable folders): nothing has run then.
 *
 * @example
 * ```ts
 * import { renderWorkflows } from "./render_workflows.ts";
 * // const { run } = await renderWorkflows(["workflows/lesson.ts"], { outDir: "out" });
 * ```
 */
export async function renderWorkflows(
  files: readonly string[],
  options: RenderOptions,
): Promise<RenderResult> {
  const loaded = await loadPlan(files, options);
  return await renderPlanned(loaded, {
    ...options,
    cacheDir: options.cacheDir ?? defaultCacheDir(files[0]!),
  });
}

/**
 * Renders a plan made from workflows already resolved (see `planResolved`), as {@linkcode renderWorkflows} does
 * after loading: checks, then the run on the worker pool.
 *
 * @param loaded The plan and the workflows it came from.
 * @param options Output folder, store folder, signal, listener.
 * @returns The plan and the run's result.
 * @throws {InputError} On bad input (missing ffmpeg, a recording without audio, unwritable folders): nothing has
 * run then.
 *
 * @example
 * ```ts
 * import { renderPlanned } from "./render_workflows.ts";
 * // const { run } = await renderPlanned({ plan, workflows }, { outDir: "out", cacheDir: ".reel" });
 * ```
 */
export async function renderPlanned(
  loaded: LoadedPlan,
  options: Omit<RenderOptions, keyof LoadPlanOptions> & { cacheDir: string },
): Promise<RenderResult> {
  const { plan, workflows } = loaded;
  const ffmpeg = await findFfmpeg();
  const cacheDir = options.cacheDir;
  const store = new ArtifactStore(cacheDir);
  // Every check that bad input can fail runs before a folder is made.
  const warnings = await preflight(plan, workflows, {
    ffmpeg,
    status: await planStatus(plan, store),
    allowOverflow: options.allowOverflow,
    signal: options.signal,
  });
  await ensureWritableFolder(cacheDir, "cache folder");
  await ensureWritableFolder(options.outDir, "output folder");
  for (const warning of warnings) options.onWarning?.(warning);
  // Resume after a crash: what a killed run left half-done is removed; everything it finished is reused.
  await store.removeStale();
  await removeStaleOutputs(options.outDir);
  let origin = performance.now();
  const pool = new WorkerPool({
    size: plan.limits.workers,
    onCrash: (worker, error) =>
      options.onEvent?.({
        type: "worker:crashed",
        at: Math.round(performance.now() - origin),
        worker,
        error,
      }),
  });
  const limiters = providerLimiters(plan, realClock);
  try {
    // Start the workers first, so provider calls paced by the limiters leave on schedule.
    await pool.ready().catch((error) => {
      if (!(error instanceof WorkerCrashError)) throw error;
    });
    origin = performance.now();
    const run = await runPlan(plan, {
      providerGate: (provider) => limiters.get(provider) ?? null,
      executor: pool,
      store,
      forceSteps: options.forceSteps,
      ffmpeg,
      outDir: options.outDir,
      signal: options.signal,
      onEvent: options.onEvent,
      force: options.force,
    });
    return { plan, run, ffmpeg };
  } finally {
    await pool.close();
    store.close();
  }
}

/**
 * Makes one limiter per HTTP provider of the plan's workflows, shared by every step that calls it.
 *
 * @param plan The plan.
 * @param clock The clock the limiters pace by.
 * @returns The limiters by provider name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realClock } from "../core/clock.ts";
 * import { planFiles } from "./load_plan.ts";
 * import { providerLimiters } from "./render_workflows.ts";
 * assert.equal(providerLimiters(await planFiles(["workflows/lesson.ts"]), realClock).size, 0);
 * ```
 */
export function providerLimiters(plan: Plan, clock: Clock): Map<string, ProviderLimiter> {
  const limiters = new Map<string, ProviderLimiter>();
  for (const provider of plan.providers) {
    limiters.set(
      provider.name,
      new ProviderLimiter({
        concurrency: provider.concurrency,
        ...provider.rate,
        maxRetryAfter: provider.maxRetryAfter,
      }, { clock }),
    );
  }
  return limiters;
}
