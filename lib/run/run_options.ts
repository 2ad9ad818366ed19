/**
 * What a run of a plan takes and what it leaves.
 * @module
 */
import type { Clock } from "../core/clock.ts";
import type { StepExecutor } from "../core/executor.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import type { StepStore, StoredArtifact } from "../store/step_store.ts";
import type { StepState } from "./dag_state.ts";
import type { ProviderGate } from "./layered_limits.ts";
import type { MemoryGate } from "./memory_gate.ts";
import type { PublishedOutput } from "./output_publisher.ts";
import type { RunEvent } from "./run_events.ts";
import type { SpawnLimits } from "./spawn_limits.ts";

/** Options for {@linkcode runPlan}. */
export interface RunPlanOptions {
  /** Where steps run. */
  executor: StepExecutor;
  /** Where artifacts live. */
  store: StepStore;
  /** The ffmpeg binaries handed to steps. */
  ffmpeg: FfmpegPaths;
  /** The output folder, or null to publish nothing. */
  outDir: string | null;
  /** Cancels the run: no new step starts, running steps are aborted. */
  signal?: AbortSignal;
  /** Receives every event, in order. @default () => {} */
  onEvent?: (event: RunEvent) => void;
  /** The clock that times events, backoff and rate limits. @default realClock */
  clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter. @default Math.random */
  random?: () => number;
  /**
   * The least time, in ms, a step's code may take to load on its worker (see `ExecuteOptions.onLoading`): the load's
   * timeout is this or the step's own, whichever is longer. @default LOAD_TIMEOUT_MS (a minute)
   */
  loadTimeoutMs?: number;
  /** The gate of each provider. @default () => null */
  providerGate?: (provider: string) => ProviderGate | null;
  /** Ignore the store: run every step (each key still runs once). @default false */
  force?: boolean;
  /** Ignore the store for steps whose id matches one of these globs. @default [] */
  forceSteps?: string[];
  /** Number of workers, for the run:started event: 0 on a cluster. @default plan.limits.workers */
  workers?: number;
  /**
   * Whether the steps run on other machines (a cluster's workers): a full disk one of them tells of may be its own,
   * so the step is retried (another worker may take it); failing so on every attempt (a shared store's disk), it
   * stops the run, as a full disk here does at once. @default false
   */
  remote?: boolean;
  /**
   * How many of the plan's steps the store holds and will serve, as the plan's status found them before the run,
   * for the run:started event (the ETA costs them nothing). @default 0
   */
  stored?: number;
  /** Holds CPU-heavy steps back while memory is short. @default a gate at `plan.limits.minFreeMemory` */
  memoryGate?: MemoryGate;
  /** How deep spawned steps may nest and how many a run may spawn. @default SPAWN_LIMITS */
  spawnLimits?: SpawnLimits;
}

/** What a run leaves. */
export interface RunResult {
  /** True when every step is done. */
  ok: boolean;
  /** True when the run was cancelled. */
  cancelled: boolean;
  /** How each step ended, by id, in plan order (children after their parent). */
  states: Map<string, StepState>;
  /** The artifact of each step that is done. */
  artifacts: Map<string, StoredArtifact>;
  /** The cause of each failed step. */
  errors: Map<string, string>;
  /** The failed steps that failed for bad input (see `StepFailure.badInput`), in the order they failed. */
  badInput: string[];
  /** Output files written, in plan order. */
  outputs: PublishedOutput[];
}
