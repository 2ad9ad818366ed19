/**
 * From workflow files to a plan: each file loaded and resolved, narrowed to what the command line asked for
 * (`--only`, `--format`), the local engines' versions probed for the keys, and every job planned.
 * @module
 */
import { resolve } from "node:path";
import { didYouMean } from "../core/closest_name.ts";
import { InputError, WorkflowError, WorkflowErrors } from "../core/errors.ts";
import { pathTrouble } from "../core/exists.ts";
import { findFfmpeg } from "../media/ffmpeg.ts";
import { selectEncoders } from "../media/select_encoder.ts";
import { knownEncoder, SOFTWARE_ENCODERS, type VideoCodec } from "../media/video_encoder.ts";
import { engineProbes } from "../plan/engine_probes.ts";
import type { ForeseenWork } from "../plan/estimate_plan.ts";
import type { ResolvedLimits } from "../plan/limits.ts";
import type { Plan } from "../plan/plan.ts";
import type { Toolchain } from "../plan/toolchain.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { JobEngine, JobFilters } from "../schema/job_kind.ts";
import { jobKinds } from "../workflow/job_kinds.ts";
import { unmatchedFormats } from "../jobs/lesson/select_formats.ts";
import { FORMAT_PRESETS, formatLabel } from "../schema/formats.ts";
import { loadWorkflow, SLOW_LOAD_MS } from "../workflow/load_workflow.ts";
import { planWorkflows } from "../workflow/plan_workflows.ts";
import type { ResolvedWorkflow } from "../workflow/workflow_schema.ts";
import { startLoadWatchdog } from "../workers/load_watchdog.ts";

/** What to load and how to narrow it. */
export interface LoadPlanOptions {
  /** Limits that override the workflows'. */
  limits?: Partial<ResolvedLimits>;
  /** Keep only these ids (videos). @default all */
  only?: string[];
  /** Keep only these formats (by name, e.g. `16x9`, or preset, e.g. `16:9`). @default all */
  formats?: string[];
  /** The video encoder to use instead of the one probed for this machine (`--encoder`). @default null */
  encoder?: string | null;
  /** Hears about trouble that stops nothing (a workflow file slow to load). */
  onNotice?: (message: string) => void;
  /** Hears every file a workflow's code reads while it loads (see `LoadWorkflowOptions.onRead`). */
  onRead?: (path: string) => void;
  /**
   * Watch the loads and the plan from a step worker (see `load_watchdog.ts`): for a caller that handles Ctrl-C and
   * SIGTERM itself (a render), whose handlers a workflow's code that never returns would block (at its top, in a
   * getter read as it is resolved or planned, in a timer that fires meanwhile). A listener in any thread replaces the
   * signals' default end of the process, so a caller with none (`plan`) must not set it. @default false
   */
  watchLoad?: boolean;
}

/** A plan and the workflows it came from. */
export interface LoadedPlan {
  /** The plan. */
  plan: Plan;
  /** The workflows, narrowed. */
  workflows: ResolvedWorkflow[];
}

/**
 * Probes the versions of the local engines the workflows use, for the keys: ffmpeg always, espeak-ng and
 * pocketsphinx when a job uses them, the slide renderer, the video encoders when a job encodes with them, and the
 * libx264 library where there is one (stills are encoded with it in-process).
 *
 * @param workflows The workflows.
 * @param options The encoder that overrides the probed one.
 * @returns The toolchain.
 * @throws {MissingBinaryError} When ffmpeg (or espeak-ng or pocketsphinx, where used) is not installed.
 * @throws {InputError} When the encoder asked for cannot be used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probeToolchain } from "./load_plan.ts";
 * assert.equal((await probeToolchain([])).espeak, null);
 * ```
 */
export async function probeToolchain(
  workflows: readonly ResolvedWorkflow[],
  options: { encoder?: string | null } = {},
): Promise<Toolchain> {
  const paths = await findFfmpeg();
  const uses = (engine: JobEngine) => usesEngine(workflows, engine);
  // The same probes as a cluster worker's, which checks each job's engines against its own.
  const [ffmpeg, espeak, slides, encoders, pocketsphinx] = await Promise.all([
    engineProbes.ffmpeg(paths),
    uses("espeak") ? engineProbes.espeak() : null,
    engineProbes.slides(),
    uses("encoder") ? selectEncoders({ ffmpeg: paths.ffmpeg }, { override: options.encoder ?? null }) : null,
    uses("pocketsphinx") ? engineProbes.pocketsphinx() : null,
  ]);
  const x264 = uses("x264") ? engineProbes.x264() : null;
  return {
    ffmpeg,
    espeak,
    slides,
    encoders,
    ...(pocketsphinx === null ? {} : { pocketsphinx }),
    ...(x264 === null ? {} : { x264 }),
  };
}

/**
 * Loads workflow files, narrows them and plans them.
 *
 * @param files Workflow files.
 * @param options Limits, ids and formats to keep.
 * @returns The plan and the workflows.
 * @throws {InputError} When a file is bad (a {@linkcode WorkflowErrors} when several are) or a filter matches
 * nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPlan } from "./load_plan.ts";
 * const { plan, workflows } = await loadPlan(["workflows/lesson.ts"]);
 * assert.ok(plan.steps.length > 0 && workflows.length === 1);
 * ```
 */
export async function loadPlan(files: readonly string[], options: LoadPlanOptions = {}): Promise<LoadedPlan> {
  const loaded: ResolvedWorkflow[] = [];
  // A file named twice (`render a.ts a.ts`, a glob and its file, a link to it) is rendered once: loaded twice, its
  // ids clashed with themselves (fi: "Id "a" is used in videos too").
  const named = new Map<string, string>();
  for (const file of files) {
    const same = await sameFile(file);
    if (!named.has(same)) named.set(same, file);
  }
  // Listening before the workflows' code runs (else a loop that starts at once blocks the signals for good).
  const watchdog = options.watchLoad === true
    ? await startLoadWatchdog([...named.values()].join(", "), SLOW_LOAD_MS)
    : null;
  try {
    // Every file's mistakes are told in one go: a file named second is loaded after the first failed, and one
    // that is not there is told beside the others' mistakes (rv13).
    const mistakes: { file: string; error: InputError }[] = [];
    for (const file of named.values()) {
      try {
        loaded.push(await loadWorkflow(file, { onSlow: options.onNotice, onRead: options.onRead }));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        mistakes.push({ file, error });
      }
    }
    if (mistakes.length === 1) throw mistakes[0]!.error;
    if (mistakes.length > 1) {
      throw new WorkflowErrors(
        mistakes.map(({ file, error }) =>
          error instanceof WorkflowError
            ? error
            : new WorkflowError(file, [{ path: "", message: error.message, hint: error.hint ?? undefined }], {
              cause: error,
            })
        ),
      );
    }
    return await planLoaded(loaded, options).catch((error: unknown) => {
      throw placedPlanError(error, loaded);
    });
  } finally {
    watchdog?.stop();
  }
}

/**
 * A plan's mistakes (an input no step gives, a step id reel makes) at the lines and columns of their values, as
 * the load's own are (nt11: the path alone), each file's told in its order; any other error as it is.
 */
function placedPlanError(error: unknown, loaded: readonly ResolvedWorkflow[]): unknown {
  const place = (each: WorkflowError): WorkflowError => {
    const placeIssue = loaded.find((workflow) => workflow.file === each.file)?.placeIssue;
    return placeIssue === undefined ? each : each.withIssues(placeIssue);
  };
  if (error instanceof WorkflowErrors) return new WorkflowErrors(error.errors.map(place));
  return error instanceof WorkflowError ? place(error) : error;
}

/** What names a workflow file whatever the path to it: its real path, or its absolute one where it is not there. */
async function sameFile(file: string): Promise<string> {
  try {
    return await Deno.realPath(file);
  } catch (error) {
    // Not there or not to be read (its load says so; a path through a file too, rv42: it crashed with
    // NotADirectory; a loop or a name too long, fi22), or a URL.
    if (pathTrouble(error, file) !== null) return resolve(file);
    throw error;
  }
}

/**
 * Narrows resolved workflows and plans them: {@linkcode loadPlan} after the files are loaded, for workflows made in
 * memory (the `variants` command).
 *
 * @param loaded Resolved workflows.
 * @param options Limits, ids and formats to keep, the encoder.
 * @returns The plan and the workflows.
 * @throws {InputError} When a filter matches nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planLoaded } from "./load_plan.ts";
 * import { resolveWorkflow } from "../workflow/resolve_workflow.ts";
 * const workflow = await resolveWorkflow({ videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] }, {
 *   file: "inline", moduleUrl: "file:///inline.ts",
 * });
 * // Speech, cues, narration, SRT, VTT; in 3 formats a slide, a title card, stills and video; the 9:16 VTT.
 * assert.equal((await planLoaded([workflow])).plan.steps.length, 18);
 * ```
 */
export async function planLoaded(
  loaded: readonly ResolvedWorkflow[],
  options: LoadPlanOptions = {},
): Promise<LoadedPlan> {
  const filters: JobFilters = { only: options.only ?? null, formats: options.formats ?? null };
  await checkEncoderUsed(loaded, options.encoder ?? null);
  // Only lessons have formats: on other workflows, --format would be ignored.
  if (filters.formats !== null && loaded.every((workflow) => workflow.jobs.lesson === null)) {
    throw new InputError(
      `--format ${filters.formats.join(",")}: these workflows have no lesson, so no formats`,
      {
        where: loaded.map((workflow) => workflow.file).join(", "),
        hint:
          "Leave --format out: a workflow's formats are its lessons'; a variants recipe or a montage sets its " +
          "own size",
      },
    );
  }
  if (filters.formats !== null) {
    // Every entry names a format of some lesson: one naming none (a typo, a size no format has) is refused, not let be.
    const lessons = loaded.flatMap((workflow) => workflow.jobs.lesson === null ? [] : [workflow.jobs.lesson]);
    const unmatched = unmatchedFormats(lessons.map((lesson) => lesson.formats), filters.formats);
    if (unmatched.length > 0) {
      const files = loaded.map((workflow) => workflow.file).join(", ");
      // A preset is its size (nt7: `--format 1:1` was taken for "the square one" of 240x240).
      const presets = unmatched.flatMap((text) => {
        const preset = FORMAT_PRESETS.get(text.trim());
        return preset === undefined ? [] : [`${text.trim()} is ${preset.width}x${preset.height}`];
      });
      const sized = presets.length === 0 ? "" : `: a preset is its size, ${presets.join(", ")}`;
      // The workflows' files, not "the lesson": a course or a recipe of any name reads it (nt12).
      throw new InputError(
        `No format of ${files} matches --format ${unmatched.join(",")}${sized}`,
        {
          hint: `Formats: ${
            [...new Set(lessons.flatMap((lesson) => lesson.formats.map(formatLabel)))].join(", ")
          }`,
        },
      );
    }
  }
  const ids = loaded.flatMap((workflow) => jobIds(workflow));
  // A lesson's ids are its videos; a variants job, a montage or a transcription is not a video (nt3).
  const lessonsOnly = loaded.every((workflow) =>
    jobKinds().every(([name]) => name === "lesson" || workflow.jobs[name] === null)
  );
  const [noun, listed] = lessonsOnly ? ["video", "Videos"] : ["video or job", "Ids"];
  const unknown = options.only?.find((id) => !ids.includes(id));
  if (unknown !== undefined) {
    throw new InputError(`No ${noun} "${unknown}" (from --only)${didYouMean(unknown, ids)}`, {
      where: loaded.map((workflow) => workflow.file).join(", "),
      hint: `${listed}: ${ids.join(", ")}`,
    });
  }
  const workflows = loaded.map((workflow) => narrow(workflow, filters)).filter((workflow) =>
    workflow !== null
  );
  if (workflows.length === 0) {
    throw new InputError(`Nothing matches --only ${options.only?.join(",")}`, {
      hint: `${listed}: ${ids.join(", ")}`,
    });
  }
  const kept = filters.only === null && filters.formats === null
    ? workflows
    : withoutStepsLeftOut({ loaded, narrowed: workflows }, { ...options, filters });
  return { plan: await planResolved(kept, options), workflows: kept };
}

/**
 * The narrowed workflows without the custom steps that read a step the filters left out (a video `--only` leaves
 * out, a format `--format` does), nor those that read them, each told through `onNotice`: the render goes on
 * without them. An input that no step of the whole workflows has (a typo) is refused as it is without filters,
 * by planning the whole workflows first.
 */
function withoutStepsLeftOut(
  workflows: { loaded: readonly ResolvedWorkflow[]; narrowed: readonly ResolvedWorkflow[] },
  options: LoadPlanOptions & { filters: JobFilters },
): ResolvedWorkflow[] {
  const { loaded, narrowed } = workflows;
  if (narrowed.every((workflow) => (workflow.jobs.custom ?? []).length === 0)) return [...narrowed];
  // Step ids do not depend on the engines' versions: nothing is probed for these two plans (probed, the whole
  // workflows needed every engine their jobs use, pocketsphinx for a transcription --only left out).
  const toolchain = ID_TOOLCHAIN;
  planWorkflows(loaded, { toolchain });
  const others = planWorkflows(
    narrowed.map((workflow) => ({ ...workflow, jobs: { ...workflow.jobs, custom: null } })),
    { toolchain },
  );
  const present = new Set(others.steps.map((step) => step.id));
  // Which filter leaves an input out, when both are given: --only when the videos it keeps lack it.
  const { only, formats } = options.filters;
  let keptByOnly: Set<string> | null = null;
  const leftOutBy = (input: string): string => {
    if (only === null || formats === null) return filterText(options.filters);
    keptByOnly ??= new Set(
      planWorkflows(
        loaded.flatMap((workflow) => {
          const kept = narrow(workflow, { only, formats: null });
          return kept === null ? [] : [{ ...kept, jobs: { ...kept.jobs, custom: null } }];
        }),
        { toolchain },
      ).steps.map((step) => step.id),
    );
    return filterText(keptByOnly.has(input) ? { only: null, formats } : { only, formats: null });
  };
  let steps = narrowed.flatMap((workflow) => workflow.jobs.custom ?? []);
  const left: string[] = [];
  // A step whose input is left out goes, then the steps that read it: until none is left to take out.
  for (let changed = true; changed;) {
    const ids = new Set([...present, ...steps.map((step) => step.id)]);
    const out = steps.filter((step) => step.inputs.some((input) => !ids.has(input)));
    changed = out.length > 0;
    for (const step of out) {
      const input = step.inputs.find((input) => !ids.has(input))!;
      const why = left.includes(input) ? "is left out too" : `${leftOutBy(input)} leaves out`;
      left.push(step.id);
      options.onNotice?.(`Step "${step.id}" is left out of this run: it reads "${input}", which ${why}`);
    }
    steps = steps.filter((step) => !out.includes(step));
  }
  return narrowed.map((workflow) => {
    const custom = workflow.jobs.custom?.filter((step) => !left.includes(step.id)) ?? null;
    return { ...workflow, jobs: { ...workflow.jobs, custom: custom?.length === 0 ? null : custom } };
  });
}

/** A toolchain for plans whose step ids only are read: every engine there, none probed. */
const ID_TOOLCHAIN: Toolchain = {
  ffmpeg: "",
  espeak: "",
  slides: "",
  encoders: { h264: SOFTWARE_ENCODERS.h264, hevc: SOFTWARE_ENCODERS.hevc, cores: 1 },
  pocketsphinx: "",
  x264: "",
};

/** The filters as the command line gave them: `--only a,b`, `--format 16x9`. */
function filterText(filters: JobFilters): string {
  return [
    ...filters.only === null ? [] : [`--only ${filters.only.join(",")}`],
    ...filters.formats === null ? [] : [`--format ${filters.formats.join(",")}`],
  ].join(" ");
}

/**
 * Plans workflows already resolved (built in memory, say, by a command): the local engines' versions probed for
 * the keys, every job planned.
 *
 * @param workflows Resolved workflows.
 * @param options Limits that override the first workflow's, and the encoder that overrides the probed one.
 * @returns The plan.
 * @throws {MissingBinaryError} When a program the jobs use is not installed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadWorkflow, SLOW_LOAD_MS } from "../workflow/load_workflow.ts";
 * import { planResolved } from "./load_plan.ts";
 * const plan = await planResolved([await loadWorkflow("workflows/lesson.ts")], { limits: { workers: 1 } });
 * assert.equal(plan.limits.workers, 1);
 * ```
 */
export async function planResolved(
  workflows: readonly ResolvedWorkflow[],
  options: Pick<LoadPlanOptions, "limits" | "encoder"> = {},
): Promise<Plan> {
  const toolchain = await probeToolchain(workflows, { encoder: options.encoder });
  return planWorkflows(workflows, { limits: options.limits, toolchain });
}

/**
 * Loads workflow files and plans them (see {@linkcode loadPlan}).
 *
 * @param files Workflow files.
 * @param options Limits, ids and formats to keep.
 * @returns The plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planFiles } from "./load_plan.ts";
 * assert.ok((await planFiles(["workflows/lesson.ts"])).steps.length > 0);
 * ```
 */
export async function planFiles(files: readonly string[], options: LoadPlanOptions = {}): Promise<Plan> {
  return (await loadPlan(files, options)).plan;
}

function jobIds(workflow: ResolvedWorkflow): string[] {
  return jobKinds().flatMap(([name, kind]) => {
    const job = workflow.jobs[name];
    return job === null ? [] : kind.ids(job);
  });
}

/** The workflow with each job narrowed by its kind; null when no job is left. */
function narrow(workflow: ResolvedWorkflow, filters: JobFilters): ResolvedWorkflow | null {
  if (filters.only === null && filters.formats === null) return workflow;
  const jobs: Record<string, unknown> = {};
  for (const [name, kind] of jobKinds()) {
    const job = workflow.jobs[name];
    try {
      jobs[name] = job === null ? null : kind.narrow(job, filters);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(`${error.message} (${workflow.file})`, {
        hint: error.hint ?? undefined,
        cause: error,
      });
    }
  }
  // Only jobs that name ids decide whether anything is left (custom steps follow the jobs they read).
  const kept = jobKinds().some(([name, kind]) => {
    const job = jobs[name];
    return job !== null && job !== undefined && kind.ids(job).length > 0;
  });
  return kept ? { ...workflow, jobs: jobs as ResolvedWorkflow["jobs"] } : null;
}

/**
 * `--encoder` on workflows none of whose jobs encodes with a chosen encoder (only variants and montages do), or
 * none in its codec (libx265 for H.264 variants), would be ignored: a name reel does not know is named as such,
 * any other as unused, working or not. Checked on the workflows as loaded, so that `--only` leaving out a montage
 * does not refuse an encoder the whole file uses.
 */
async function checkEncoderUsed(
  workflows: readonly ResolvedWorkflow[],
  encoder: string | null,
): Promise<void> {
  if (encoder === null) return;
  const uses = (engine: JobEngine) => usesEngine(workflows, engine);
  const codec = knownEncoder(encoder)?.codec ?? null;
  if (uses("encoder") && (codec === null || uses(`encoder:${codec}`))) return;
  // A name reel does not know is named as such; a known one is not tried (nt: a lesson with --encoder h264_nvenc
  // was refused for its missing driver, which sent the user after drivers instead of leaving the flag out).
  if (codec === null) await selectEncoders({ ffmpeg: (await findFfmpeg()).ffmpeg }, { override: encoder });
  if (uses("encoder")) {
    const other = codec === "hevc" ? "h264" : "hevc";
    throw new InputError(
      `--encoder ${encoder}: it encodes ${CODEC_NAMES[codec!]}, and the videos to make are ${
        CODEC_NAMES[other]
      }`,
      {
        hint: `Give an ${CODEC_NAMES[other]} encoder, or set a recipe's video codec to "${codec}" for ` +
          `${CODEC_NAMES[codec!]} (a montage is always H.264)`,
      },
    );
  }
  throw new InputError(`--encoder ${encoder}: no step of these workflows encodes with a chosen encoder`, {
    hint:
      "Only variants and montages encode with a chosen encoder (a lesson's videos are libx264's, with its " +
      "own settings): leave it out",
  });
}

/** Whether a job of the workflows runs `engine` (see `JobKind.engines`). */
function usesEngine(workflows: readonly ResolvedWorkflow[], engine: JobEngine): boolean {
  return workflows.some((workflow) =>
    jobKinds().some(([name, kind]) => {
      const job = workflow.jobs[name];
      return job !== null && kind.engines(job).has(engine);
    })
  );
}

/** A codec as messages name it. */
const CODEC_NAMES: Readonly<Record<VideoCodec, string>> = { h264: "H.264", hevc: "HEVC" };

/**
 * For `estimate`: the calls the workflows' spawned steps will make, foreseen from their files (a transcription's
 * chunks, from its recording's length; see `JobKind.spawnedWork`).
 *
 * @param workflows The workflows, narrowed.
 * @param options The signal that kills the probes.
 * @returns One entry per template whose calls can be foreseen.
 * @throws {InputError} When a recording is not media with audio.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foreseeSpawnedWork, loadPlan } from "./load_plan.ts";
 * const { workflows } = await loadPlan(["workflows/lesson.ts"]);
 * assert.deepEqual(await foreseeSpawnedWork(workflows), []);
 * ```
 */
export async function foreseeSpawnedWork(
  workflows: readonly ResolvedWorkflow[],
  options: { signal?: AbortSignal } = {},
): Promise<ForeseenWork[]> {
  const work: ForeseenWork[] = [];
  let ffmpeg: FfmpegPaths | null = null;
  for (const workflow of workflows) {
    for (const [name, kind] of jobKinds()) {
      const job = workflow.jobs[name];
      if (job === null || job === undefined || kind.spawnedWork === undefined) continue;
      ffmpeg ??= await findFfmpeg();
      work.push(...await kind.spawnedWork(job, { ffmpeg, file: workflow.file, signal: options.signal }));
    }
  }
  return work;
}
