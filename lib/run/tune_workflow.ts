/**
 * Measuring the best worker count for this machine: a sample of a workflow's steps (its first CPU-heavy steps and
 * what they need; never a call to a hosted API) run from scratch at 1…2×cores workers and CPU slots, after a run
 * that warms the machine, each count several times in a rotating order, and the throughput of each setting at its
 * median time.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { findFfmpeg } from "../media/ffmpeg.ts";
import type { Plan } from "../plan/plan.ts";
import type { PlanStep } from "../plan/plan_step.ts";
import { ArtifactStore } from "../store/artifact_store.ts";
import { scratchFolder } from "../core/scratch_folder.ts";
import { spread } from "../core/spread.ts";
import { WorkerPool } from "../workers/worker_pool.ts";
import { loadPlan, type LoadPlanOptions } from "./load_plan.ts";
import { preflight } from "./preflight.ts";
import { runPlan } from "./scheduler.ts";
import type { TuneResult } from "./tune_settings.ts";

/** Options for {@linkcode tuneWorkflows}. */
export interface TuneOptions extends LoadPlanOptions {
  /** The counts to try (n workers and n CPU slots each). @default 1 to 2 × cores */
  counts?: number[];
  /** How many CPU-heavy steps the sample holds (with the steps they need). @default 8 */
  sample?: number;
  /**
   * How many times each count is measured, the counts in a rotating order each round; a setting's time is its
   * median. @default 3
   */
  rounds?: number;
  /** Cancels the runs. */
  signal?: AbortSignal;
  /** Receives each run's time as it is measured: its count, its round (0 for the warm-up, not counted), its ms. */
  onRun?: (run: { count: number; round: number; wallMs: number }) => void;
}

/** What tuning found. */
export interface TuneOutcome {
  /** Every setting, in the order of the counts, each at its median time. */
  results: TuneResult[];
  /** The setting {@linkcode bestSetting} chose. */
  best: TuneResult;
  /** The ids of the sample's steps. */
  sample: string[];
}

/**
 * Runs a sample of the workflows' steps once to warm the machine, then at each count `rounds` times, and measures the
 * throughput at each count's median time.
 *
 * @param files Workflow files.
 * @param options The counts, the sample's size, the rounds, limits, the signal and a listener.
 * @returns Every result and the best.
 * @throws {InputError} On bad input (as a render would, before any step).
 * @throws {Error} When the sample has no step to run, or a step of it fails (naming it).
 * @throws {RangeError} When `rounds`, `sample` or a count is not a whole number of 1 or more, or no count is given.
 *
 * @example
 * ```ts
 * import { tuneWorkflows } from "./tune_workflow.ts";
 * // const { best } = await tuneWorkflows(["workflows/variants.ts"], { sample: 4 });
 * ```
 */
export async function tuneWorkflows(
  files: readonly string[],
  options: TuneOptions = {},
): Promise<TuneOutcome> {
  const cores = navigator.hardwareConcurrency;
  const { counts = Array.from({ length: 2 * cores }, (_, i) => i + 1), sample = 8, rounds = 3, signal } =
    options;
  // What the CLI checks, for other callers (rv36, rv37: a median of no run was NaN for every setting; no count failed
  // in `reduce`, after the plan).
  const whole: [string, number][] = [
    ["rounds", rounds],
    ["sample", sample],
    ...counts.map((c): [string, number] => ["a count", c]),
  ];
  for (const [name, value] of whole) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`Expected ${name} of 1 or more, a whole number, got ${value}`);
    }
  }
  if (counts.length === 0) throw new RangeError("Expected a count to try, got none");
  const { plan, workflows } = await loadPlan(files, options);
  const ffmpeg = await findFfmpeg();
  // The sample calls no provider (see `sampleSteps`): a workflow's keys are not needed.
  await preflight(plan, workflows, { ffmpeg, status: new Map(), signal, apiKeys: false });
  const steps = sampleSteps(plan, sample);
  if (steps.length === 0) {
    throw new InputError(`${files.join(", ")} has no step that tune can run (no local CPU-heavy step)`, {
      hint: "tune times slides, speech and encodes: give it a workflow that has some",
    });
  }
  const measure = async (count: number): Promise<number> => {
    signal?.throwIfAborted();
    // A scratch folder: a Ctrl-C while it measures (the process ends, no finally runs) leaves none behind.
    await using root = await scratchFolder("reel-tune-");
    const store = new ArtifactStore(root.path);
    const pool = new WorkerPool({ size: count });
    try {
      await pool.ready();
      const start = performance.now();
      const run = await runPlan({ ...plan, steps, limits: { ...plan.limits, workers: count, cpu: count } }, {
        executor: pool,
        store,
        ffmpeg,
        outDir: null,
        force: true,
        signal,
      });
      const wallMs = performance.now() - start;
      signal?.throwIfAborted();
      const failed = [...run.errors][0];
      if (failed !== undefined) {
        throw new InputError(`Step "${failed[0]}" of the sample failed: ${failed[1]}`, {
          hint: "render the workflow once to see why; tune times only what renders",
        });
      }
      return wallMs;
    } finally {
      await pool.close();
      store.close();
    }
  };
  // A first run, not counted, reads the inputs and the programs into memory and compiles the steps' code (nt18:
  // measured in order, one run each, the first settings paid for it, and 3 workers beat 2 on two cores by 27%).
  const warm = counts.reduce((near, count) =>
    Math.abs(count - cores) < Math.abs(near - cores) ? count : near
  );
  options.onRun?.({ count: warm, round: 0, wallMs: await measure(warm) });
  const times = new Map<number, number[]>(counts.map((count) => [count, []]));
  for (let round = 1; round <= rounds; round++) {
    // Each round in another order, so that no count always meets the machine in the same state.
    for (const [i] of counts.entries()) {
      const count = counts[(i + round - 1) % counts.length]!;
      const wallMs = await measure(count);
      times.get(count)!.push(wallMs);
      options.onRun?.({ count, round, wallMs });
    }
  }
  const results: TuneResult[] = counts.map((count) => {
    const wallMs = spread(times.get(count)!).median;
    return { workers: count, cpu: count, wallMs, stepsPerSecond: (steps.length * 1000) / wallMs };
  });
  return { results, best: bestSetting(results, cores), sample: steps.map((step) => step.id) };
}

/**
 * The sample: the first `count` CPU-heavy steps (in plan order) that call no hosted API and need none, with the
 * steps they read, in plan order.
 */
function sampleSteps(plan: Plan, count: number): PlanStep[] {
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  const http = new Set(plan.providers.map((provider) => provider.name));
  const paidIds = new Map<string, boolean>();
  const paid = (step: PlanStep): boolean => {
    let known = paidIds.get(step.id);
    if (known === undefined) {
      known = (step.provider !== null && http.has(step.provider)) ||
        step.deps.some((dep) => paid(byId.get(dep)!));
      paidIds.set(step.id, known);
    }
    return known;
  };
  const chosen = new Set<string>();
  const take = (step: PlanStep) => {
    if (chosen.has(step.id)) return;
    chosen.add(step.id);
    for (const dep of step.deps) take(byId.get(dep)!);
  };
  let heavy = 0;
  for (const step of plan.steps) {
    if (heavy >= count) break;
    if (!step.cpu || step.kind === "custom" || paid(step)) continue;
    take(step);
    heavy++;
  }
  return plan.steps.filter((step) => chosen.has(step.id));
}

/** How much slower than the fastest a setting may be and still count as as fast: this machine's run-to-run noise. */
export const TUNE_TIE = 0.05;

/**
 * The setting to save: of those within {@linkcode TUNE_TIE} of the most steps per second, the one nearest the cores
 * (the default), the fewer workers among two as near. nt8: one run each, 3 workers at 8.84 s beat 2 at 9.12 s on two
 * cores, and `--workers auto` then ran 3 CPU-heavy steps on 2 cores, for noise.
 *
 * @param results The settings measured (at least one).
 * @param cores This machine's cores.
 * @returns The chosen one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestSetting } from "./tune_workflow.ts";
 * const at = (workers: number, stepsPerSecond: number) => ({ workers, cpu: workers, wallMs: 1, stepsPerSecond });
 * assert.equal(bestSetting([at(1, 0.5), at(2, 0.88), at(3, 0.9), at(4, 0.8)], 2).workers, 2);
 * assert.equal(bestSetting([at(1, 0.5), at(2, 0.7), at(3, 0.9)], 2).workers, 3);
 * ```
 */
export function bestSetting(results: readonly TuneResult[], cores: number): TuneResult {
  const fastest = Math.max(...results.map((result) => result.stepsPerSecond));
  const near = (result: TuneResult) => Math.abs(result.workers - cores);
  return results
    .filter((result) => result.stepsPerSecond >= fastest * (1 - TUNE_TIE))
    .reduce((a, b) => near(b) < near(a) || (near(b) === near(a) && b.workers < a.workers) ? b : a);
}
