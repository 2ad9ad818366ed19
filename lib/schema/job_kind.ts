/**
 * The one interface every job kind implements. A job kind owns some fields of a workflow file (a lesson owns
 * `videos`, `formats`, `voice`…), resolves them, expands them into steps, and says what to check before a run.
 * Kinds are siblings in `lib/jobs/<kind>/`; `lib/workflow/` composes them into the workflow format.
 * @module
 */
import type { z } from "zod";
import type { WorkflowIssue } from "../core/errors.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { Json } from "../core/json.ts";
import type { ForeseenWork } from "../plan/estimate_plan.ts";
import type { Plan } from "../plan/plan.ts";
import type { Draft } from "../plan/plan_step.ts";
import type { ResolvedProvider } from "../plan/provider_settings.ts";
import type { LocalEngine, Toolchain } from "../plan/toolchain.ts";
import type { StepKindDefinition } from "../steps/step_kind.ts";
import type { SlideFit, SlideText } from "../providers/local/slides/check_slide_fit.ts";
import type { VideoCodec } from "../media/video_encoder.ts";

/** What a kind's `resolve` knows of the workflow besides its own fields. */
export interface ResolveContext {
  /** The workflow file as the user named it, for messages. */
  file: string;
  /** The workflow file as a URL: relative paths resolve against it. */
  moduleUrl: string;
  /** Reads environment variables. */
  env: (name: string) => string | undefined;
  /** The workflow's HTTP providers, resolved, by name. */
  providers: ReadonlyMap<string, ResolvedProvider>;
  /** The workflow's base timeout of every step, in ms, or null. */
  timeout: number | null;
  /** Every problem found goes here, with its path in the workflow; the load fails when any is found. */
  issues: WorkflowIssue[];
}

/** What a kind's `plan` knows besides its job. */
export interface PlanContext {
  /** The workflow file, for step messages. */
  file: string;
  /** The workflow module's URL (workers import it for custom steps). */
  moduleUrl: string;
  /**
   * The workflow's `timeout`, in ms, or null for each kind's default: the base it replaces is the kind's to say (a
   * lesson's steps' minute, a variants probe's minute and encode's 5 minutes but not its manifest's).
   */
  timeout: number | null;
  /** The workflow's HTTP providers, by name. */
  providers: ReadonlyMap<string, ResolvedProvider>;
  /** The local engines' versions, for keys. */
  toolchain: Toolchain;
}

/** What a kind's `preflight` may use. */
export interface PreflightContext {
  /** The ffmpeg that will run. */
  ffmpeg: FfmpegPaths;
  /** Render slides whose text does not fit, cut, instead of failing. */
  allowOverflow: boolean;
  /** Cancels the checks. */
  signal?: AbortSignal;
  /** The workflow file, for messages. */
  file: string;
  /**
   * The value of a step the store holds, which will not run (its input was checked when it ran), or undefined.
   * @default nothing is stored
   */
  stored?: (stepId: string) => Json | undefined;
  /** The plan the checks are for (its steps' runtime say which files each reads). @default none: every file checked */
  plan?: Plan;
  /**
   * Checks slides' fit as `checkSlideFits` does, in order, elsewhere (the render's workers, which load the
   * fonts for the slides anyway); `signal` stops it (the lesson's voice check failed meanwhile).
   * @default each slide checked on this thread
   */
  fitSlides?: (slides: readonly SlideText[], signal?: AbortSignal) => Promise<SlideFit[]>;
}

/** The steps a job expands into. */
export interface JobPlan {
  /** Steps of the plan. */
  steps: Draft[];
  /** Steps that run only when another step spawns them (custom steps marked `child`, a transcription's chunks). */
  templates: Draft[];
}

/** Filters from the command line. */
export interface JobFilters {
  /** Keep only these ids (`--only`), or null for all. */
  only: readonly string[] | null;
  /** Keep only these formats (`--format`), or null for all. */
  formats: readonly string[] | null;
}

/** What a job's steps run that keys them or needs probing (see `JobKind.engines`). */
export type JobEngine = LocalEngine | "encoder" | `encoder:${VideoCodec}`;

/**
 * A job kind.
 *
 * @example
 * ```ts
 * import type { JobKind } from "./job_kind.ts";
 * // export const lessonKind: JobKind<typeof lessonFields, ResolvedLesson> = { name: "lesson", ... };
 * ```
 */
export interface JobKind<Fields extends z.ZodRawShape, Job> {
  /** Its name, e.g. `lesson`. */
  readonly name: string;
  /** The workflow fields it owns; each is optional in a workflow, which holds a job of this kind when one is set. */
  readonly fields: Fields;
  /** The step kinds only it uses (the workers get them with the shared ones). */
  readonly stepKinds: readonly StepKindDefinition[];
  /**
   * Resolves its fields of a parsed workflow: defaults applied, files read, cross-checks made (problems go to
   * `context.issues`).
   *
   * @returns The job, or null when the workflow has none of this kind.
   */
  resolve(input: z.output<z.ZodObject<Fields>>, context: ResolveContext): Promise<Job | null>;
  /** Expands a job into steps. */
  plan(job: Job, context: PlanContext): JobPlan;
  /** Lines for `plan` that say what the job holds (`1 video, 4 sections, formats: …`). */
  describe(job: Job): string[];
  /**
   * Local programs its steps run besides ffmpeg, whose versions key them (`espeak`, `pocketsphinx`), and `encoder`
   * when its steps encode video with the encoder chosen for the machine, with `encoder:<codec>` for each codec
   * they encode (`--encoder` names an encoder of one codec).
   */
  engines(job: Job): ReadonlySet<JobEngine>;
  /** Checks before any step runs (voices, filters, text that fits); returns warnings, throws on bad input. */
  preflight(job: Job, context: PreflightContext): Promise<string[]>;
  /** The ids `--only` can name (videos, files). */
  ids(job: Job): string[];
  /** The workflow field its ids are written in (`videos`, `montages`), for messages. */
  readonly idsField: string;
  /**
   * What `limits.videos` counts of its jobs, for `plan` (`montages`, `recordings`); absent for a kind whose steps are
   * no item's (variants, custom steps).
   */
  readonly items?: string;
  /**
   * Keeps what the command line asked for.
   *
   * @returns The narrowed job, or null when nothing of it is left.
   * @throws {InputError} When a filter names something this job has none of (a format it lacks).
   */
  narrow(job: Job, filters: JobFilters): Job | null;
  /**
   * For `estimate`: the provider calls that the steps it spawns at run time will make, as far as the files say
   * before anything runs (a transcription's chunks, counted from its recording's length). Absent for kinds that
   * spawn none.
   */
  spawnedWork?(job: Job, context: SpawnedWorkContext): Promise<ForeseenWork[]>;
}

/** What a kind's `spawnedWork` is given. */
export interface SpawnedWorkContext {
  /** The binaries (to probe a recording's length). */
  ffmpeg: FfmpegPaths;
  /** The workflow file as the user named it, for messages. */
  file: string;
  /** Kills what it runs. */
  signal?: AbortSignal;
}
