/**
 * The one small interface every step kind implements: its name, the version of its code (part of every key of its
 * steps), whether it runs JavaScript on the worker's thread, and what runs one step inside a worker. Step kinds
 * used by several job kinds live in `lib/steps/<kind>/`; those only one job kind uses live in that job kind's
 * folder. `lib/workflow/step_kinds.ts` lists them all for the workers.
 * @module
 */
import type { Json } from "../core/json.ts";
import type { ChildSpec, RateLimitInfo, StepTask } from "../core/step_task.ts";

/** What a step's code gets besides its task. */
export interface StepContext {
  /** Aborted when the run is cancelled or the step times out; kill children and stop. */
  signal: AbortSignal;
  /** Adds a child step at run time. */
  spawn(child: ChildSpec): void;
  /** Passes a provider's rate-limit headers to the main thread, which paces every worker by them. */
  reportRateLimit(info: RateLimitInfo): void;
  /** Tells the main thread how far the step is, from 0 to 1 (an encode's share of its input's duration). */
  reportProgress(fraction: number): void;
  /**
   * Asks the run for one more core while the step runs, for work that splits into processes (an AAC part): given
   * when a CPU slot is free and no step waits for one; give it back with `release` as soon as that work ends.
   * Resolves null when the request is withdrawn (`signal`), the step ends, or none is lent here (a cluster's
   * worker).
   */
  borrowCore(signal: AbortSignal): Promise<CoreLoan | null>;
  /**
   * Tells the user something of what the step made, though it succeeded (an image answered at another size than
   * asked): a sentence, said with the step's name when it ends (`step:finished`'s `warnings`) and listed in the
   * report. Said by the run that made the step, not again by one that finds it stored.
   */
  warn(message: string): void;
}

/** A core lent to a running step (see {@linkcode StepContext.borrowCore}). */
export interface CoreLoan {
  /** Gives the core back; later calls do nothing. */
  release(): void;
}

/** A step's value as the store holds it, with what the step is asked, for {@linkcode StepKindDefinition.storedProblem}. */
export interface StoredValue {
  /** The stored value. */
  value: Json;
  /** The step's params (part of its key). */
  params: Json;
  /** Its run-time details (a chunk's place in its recording). */
  runtime: Record<string, Json>;
}

/** Runs one step inside a worker; writes `task.outputPath` when the kind has an artifact; returns its value. */
export type StepRunner = (task: StepTask, context: StepContext) => Promise<Json>;

/**
 * A step kind.
 *
 * @example
 * ```ts
 * import type { StepKindDefinition } from "./step_kind.ts";
 * const echo: StepKindDefinition = { kind: "echo", version: 1, blocking: false, run: (task) => Promise.resolve(task.params) };
 * ```
 */
export interface StepKindDefinition {
  /** Its name, as plan steps and tasks carry it, e.g. `clip`. */
  readonly kind: string;
  /** The version of its code; bump it when its output changes, and every step of this kind runs again. */
  readonly version: number;
  /** True when it runs JavaScript on the worker's thread (a worker runs one such step at a time). */
  readonly blocking: boolean;
  /** True when a step may return a value only and write no artifact (a custom step); else writing it is required. */
  readonly optionalArtifact?: boolean;
  /**
   * Cores one step can use at once (default 1): the run gives it more CPU slots than its own when they are idle
   * (`task.cores` says how many). What it makes must not depend on how many it was given.
   */
  readonly cores?: number;
  /**
   * True when a step's input fixes how many children it spawns (a transcription's split: its recording's chunks,
   * from its length), so it cannot spawn without end: its children are not held to a run's count of spawned
   * children (`SpawnLimits.children`), which bounds code that decides for itself (custom steps). @default false
   */
  readonly finiteChildren?: boolean;
  /** Runs one step. */
  readonly run: StepRunner;
  /**
   * Why a stored value of this kind cannot be right for its step, or null when it can (absent: every one can). A
   * value the kind's code never stores now (a chunk's word past the end of its audio, written by an older version
   * or damaged by hand) is not served: the run says so (`step:remaking`), removes the entry and makes the step
   * again, as for an entry that is not there. Runs on the main thread for each stored value a run would use.
   */
  readonly storedProblem?: (stored: StoredValue) => string | null;
  /**
   * Readies the kind's code in a worker before its first step arrives (a slide's renderer compiles its WebAssembly
   * and reads its fonts: about half a second), while the main thread still checks the plan. Called at most once a
   * worker, only when the run has steps of this kind to run; a failure is ignored (the steps report their own).
   */
  readonly warm?: () => Promise<void>;
  /**
   * Loads what a step's run needs before its time starts (a custom step's workflow module, which a fresh worker
   * imports first: a second or more for a workflow that imports much): the step's timeout counts from when it
   * resolves; the load has a timeout of its own, the step's or a minute, whichever is longer (`LOAD_TIMEOUT_MS`).
   */
  readonly prepare?: (task: StepTask) => Promise<void>;
}

/**
 * The fields a plan step takes from its kind: its name, its code version, whether it blocks its worker, whether
 * its artifact is optional, the cores it can use (when more than one) and whether its input fixes its children's
 * number (when it does).
 *
 * @param definition The step kind.
 * @returns `{ kind, version, blocking, optionalArtifact }`, and `cores` and `finiteChildren` when the kind says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kindFields } from "./step_kind.ts";
 * const echo = { kind: "echo", version: 2, blocking: false, run: () => Promise.resolve(null) };
 * assert.deepEqual(kindFields(echo), { kind: "echo", version: 2, blocking: false, optionalArtifact: false });
 * ```
 */
export function kindFields(
  definition: StepKindDefinition,
): {
  kind: string;
  version: number;
  blocking: boolean;
  optionalArtifact: boolean;
  cores?: number;
  finiteChildren?: true;
} {
  return {
    kind: definition.kind,
    version: definition.version,
    blocking: definition.blocking,
    optionalArtifact: definition.optionalArtifact ?? false,
    ...definition.cores === undefined ? {} : { cores: definition.cores },
    ...definition.finiteChildren === true ? { finiteChildren: true } : {},
  };
}
