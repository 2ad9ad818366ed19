/**
 * The scheduler: runs a plan's steps as soon as their inputs are done and their permits are free. A key is made
 * once: found in the store, shared with a step of the same key in this run, or waited for while another process
 * holds its claim; only then does the step run, through an {@linkcode StepExecutor} (the Web Worker pool, a
 * cluster, or a fake in tests), under its timeout, with the attempt policy deciding retries. Failures skip only
 * their dependents; children spawned at run time join the DAG; outputs are published in plan order.
 * @module
 */
import type { Clock } from "../core/clock.ts";
import { realClock } from "../core/clock.ts";
import type { FfmpegPaths } from "../media/ffmpeg.ts";
import { childStep } from "../plan/child_step.ts";
import type { Plan } from "../plan/plan.ts";
import type { PlanStep } from "../plan/plan_step.ts";
import type { StepStore, StoredArtifact } from "../store/artifact_store.ts";
import type { Json } from "../core/json.ts";
import { decideAfterFailure } from "./attempt_policy.ts";
import { type DagNode, DagState, type StepState } from "./dag_state.ts";
import { LayeredLimits, type ProviderGate } from "./layered_limits.ts";
import { OutputPublisher, type PublishedOutput } from "./output_publisher.ts";
import type { RunEvent } from "./run_events.ts";
import { type StepExecutor, StepTimeoutError } from "../core/executor.ts";

export type { StepState } from "./dag_state.ts";

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
  /** The gate of each provider. @default () => null */
  providerGate?: (provider: string) => ProviderGate | null;
  /** Ignore the store: run every step (each key still runs once). @default false */
  force?: boolean;
  /** Ignore the store for steps whose id matches one of these globs. @default [] */
  forceSteps?: string[];
  /** Number of workers, for the run:started event. @default plan.limits.workers */
  workers?: number;
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
  /** Output files written, in plan order. */
  outputs: PublishedOutput[];
}

/** How one attempt went. */
type Outcome =
  | { artifact: StoredArtifact; error: null; elapsed: number }
  | { artifact: null; error: unknown; worker: number | null; elapsed: number };

/** How the making of a key ended, for the steps of the same key that waited on it. */
type Made = { artifact: StoredArtifact } | { failed: string; step: string } | { cancelled: true };

/** Times an input that vanished from the store (removed by `cache gc`) is made again for one step. */
const MAX_REMAKES = 3;

/**
 * Runs a plan to the end and resolves with how every step ended. It never rejects for a failed step: failures are
 * in the result and the events.
 *
 * @param plan The plan.
 * @param options Executor, store, output folder, signal and listeners.
 * @returns The run's result.
 *
 * @example
 * ```ts
 * import { runPlan } from "./scheduler.ts";
 * // const result = await runPlan(plan, { executor: pool, store, ffmpeg, outDir: "out" });
 * ```
 */
export async function runPlan(plan: Plan, options: RunPlanOptions): Promise<RunResult> {
  return await new Scheduler(plan, options).run();
}

class Scheduler {
  readonly #plan: Plan;
  readonly #options: RunPlanOptions;
  readonly #limits: LayeredLimits;
  readonly #dag = new DagState();
  readonly #publisher: OutputPublisher;
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #start: number;
  readonly #errors = new Map<string, string>();
  readonly #forced: RegExp[];
  /** Keys made (or found) in this run, and keys being made: a key runs once per run. */
  readonly #made = new Map<string, Promise<Made>>();
  readonly #remaking = new Map<DagNode, Promise<void>>();
  readonly #maxRetryAfter: Map<string, number>;
  #listenerError: { error: unknown } | null = null;
  #cached = 0;
  #ended = false;
  #finish!: () => void;

  constructor(plan: Plan, options: RunPlanOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#forced = (options.forceSteps ?? []).map(globToRegExp);
    this.#random = options.random ?? Math.random;
    this.#start = this.#clock.now();
    this.#limits = new LayeredLimits(plan.limits, { providerGate: options.providerGate });
    this.#publisher = new OutputPublisher(options.outDir);
    this.#maxRetryAfter = new Map(plan.providers.map((provider) => [provider.name, provider.maxRetryAfter]));
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.#controller.abort(signal.reason);
      else signal.addEventListener("abort", () => this.#controller.abort(signal.reason), { once: true });
    }
  }

  async run(): Promise<RunResult> {
    const ready = this.#dag.addPlan(this.#plan.steps);
    for (const node of this.#dag.nodes()) this.#limits.register(node.step);
    const finished = new Promise<void>((resolve) => this.#finish = resolve);
    this.#emit({
      type: "run:started",
      at: this.#at(),
      total: this.#dag.size,
      workers: this.#options.workers ?? this.#plan.limits.workers,
    });
    if (this.#dag.size === 0) this.#end();
    for (const node of ready) this.#queue(node);
    await finished;
    if (this.#listenerError !== null) throw this.#listenerError.error;
    return this.#result();
  }

  #at(): number {
    return Math.round((this.#clock.now() - this.#start) * 1000) / 1000;
  }

  #emit(event: RunEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch (error) {
      // A listener's bug must not fail a step or stall the run: keep the first and throw it when the run ends.
      this.#listenerError ??= { error };
    }
  }

  #base(node: DagNode) {
    return { at: this.#at(), step: node.step.id, kind: node.step.kind, contentKey: node.key };
  }

  #queue(node: DagNode): void {
    node.key = this.#dag.keyOf(node);
    this.#emit({ type: "step:queued", ...this.#base(node) });
    this.#execute(node).catch((error) => this.#fail(node, messageOf(error)));
  }

  async #execute(node: DagNode): Promise<void> {
    const signal = this.#controller.signal;
    if (signal.aborted) return this.#cancel(node);
    const made = this.#made.get(node.key);
    if (made !== undefined) return await this.#reuse(node, await made);
    const forced = this.#options.force === true || this.#forced.some((pattern) => pattern.test(node.step.id));
    const stored = forced ? null : await this.#options.store.lookup(node.key);
    if (stored !== null) {
      this.#made.set(node.key, Promise.resolve({ artifact: stored }));
      return await this.#reuse(node, { artifact: stored });
    }
    // Another step of this run may have started on the same key while this one looked in the store.
    const racing = this.#made.get(node.key);
    if (racing !== undefined) return await this.#reuse(node, await racing);
    const making = this.#make(node, { forced });
    this.#made.set(node.key, making);
    const result = await making;
    if ("artifact" in result) await this.#succeed(node, result.artifact);
  }

  /** A step whose key was made by another step of this run, or is in the store. */
  async #reuse(node: DagNode, made: Made): Promise<void> {
    if ("cancelled" in made) return this.#cancel(node);
    if ("failed" in made) {
      return this.#fail(node, `Not run: "${made.step}" has the same key and failed: ${made.failed}`);
    }
    this.#cached++;
    this.#emit({
      type: "step:finished",
      ...this.#base(node),
      worker: null,
      attempt: 0,
      cached: true,
      elapsed: 0,
      path: made.artifact.path,
    });
    await this.#succeed(node, made.artifact);
  }

  /**
   * Makes a key: takes its claim (waiting while another process makes it, then using its result), runs the
   * attempts, and releases the claim. Settles the node when it fails or is cancelled.
   */
  async #make(node: DagNode, { forced }: { forced: boolean }): Promise<Made> {
    const signal = this.#controller.signal;
    const store = this.#options.store;
    let waited = false;
    let claim;
    try {
      claim = await store.claim(node.key, {
        signal,
        onWait: (holder) => {
          waited = true;
          this.#emit({
            type: "step:waiting",
            ...this.#base(node),
            holder: `${holder.host} pid ${holder.pid}`,
          });
        },
      });
    } catch (error) {
      if (!signal.aborted) throw error;
      this.#cancel(node);
      return { cancelled: true };
    }
    try {
      // The process that held the claim may have stored the key meanwhile: then it is not made twice.
      const stored = forced && !waited ? null : await store.lookup(node.key);
      if (stored !== null) {
        this.#cached++;
        this.#emit({
          type: "step:finished",
          ...this.#base(node),
          worker: null,
          attempt: 0,
          cached: true,
          elapsed: 0,
          path: stored.path,
        });
        return { artifact: stored };
      }
      const artifact = await this.#attempts(node);
      if (artifact !== null) return { artifact };
      if (signal.aborted) return { cancelled: true };
      return { failed: this.#errors.get(node.step.id) ?? "failed", step: node.step.id };
    } finally {
      await claim.release();
    }
  }

  /**
   * Runs attempts until one succeeds; returns null when the step failed or was cancelled (already settled).
   * Permits are held for one attempt only: a step waiting out a backoff holds none.
   */
  async #attempts(node: DagNode): Promise<StoredArtifact | null> {
    const { step } = node;
    const signal = this.#controller.signal;
    const gate = step.provider === null ? null : this.#options.providerGate?.(step.provider) ?? null;
    const counts = { failures: 0, rateLimited: 0, ownCrashes: 0, sharedCrashes: 0 };
    let remakes = 0;
    for (let attempt = 1;; attempt++) {
      let outcome: Outcome;
      try {
        await this.#remakeVanishedInputs(node);
        using _permit = await this.#limits.acquire(step, { signal });
        outcome = await this.#attempt(node, attempt, gate);
      } catch (error) {
        if (!signal.aborted) throw error;
        this.#cancel(node);
        return null;
      }
      if (outcome.artifact !== null) {
        gate?.succeeded();
        return outcome.artifact;
      }
      const message = messageOf(outcome.error);
      // An input removed from the store under the attempt is made again; that costs no retry.
      const vanished = remakes < MAX_REMAKES && (await this.#vanishedInputs(node)).length > 0;
      const decision = vanished ? null : decideAfterFailure(outcome.error, {
        step,
        counts,
        attempt,
        gated: gate !== null,
        maxRetryAfter: this.#maxRetryAfter.get(step.provider ?? "") ?? 120_000,
        random: this.#random,
      });
      if (vanished) remakes++;
      if (decision?.sort === "rate-limited") gate?.rateLimited(decision.rateLimitedForMs, step.tokenCost);
      if (decision?.sort === "refused") gate?.refused(message);
      const retrying = decision === null || decision.retry;
      this.#emit({
        type: "step:failed",
        ...this.#base(node),
        worker: outcome.worker,
        attempt,
        retrying,
        error: message,
        elapsed: outcome.elapsed,
      });
      if (!retrying) {
        this.#fail(node, message, { emitted: true });
        return null;
      }
      if (decision !== null && decision.delayMs > 0) {
        try {
          await this.#clock.sleep(decision.delayMs, { signal });
        } catch (error) {
          if (!signal.aborted) throw error;
          this.#cancel(node);
          return null;
        }
      }
    }
  }

  /** One attempt: run the step on the executor under its timeout, and commit its artifact. */
  async #attempt(node: DagNode, attempt: number, gate: ProviderGate | null): Promise<Outcome> {
    const { step } = node;
    const { store, executor } = this.#options;
    const signal = this.#controller.signal;
    const scratch = await store.scratch(node.key);
    const started = this.#clock.now();
    const inputs = node.deps.map((dep) => this.#dag.outputOf(dep));
    const timeoutMs = step.timeout.ms +
      step.timeout.perMediaSecond * mediaSeconds(inputs.map((i) => i.value));
    // A hung ffmpeg, speech engine or custom step is stopped after its timeout (wall time, whatever the clock).
    const timer = new AbortController();
    const deadline = setTimeout(() => timer.abort(new StepTimeoutError(step.id, timeoutMs)), timeoutMs);
    let worker: number | null = null;
    try {
      const outputPath = step.extension === null ? null : `${scratch}/artifact.${step.extension}`;
      const execution = await executor.execute({
        id: step.id,
        kind: step.kind,
        key: node.key,
        params: step.params,
        runtime: step.runtime,
        inputIds: step.deps,
        inputs,
        outputPath,
        scratchDir: scratch,
        ffmpeg: this.#options.ffmpeg,
        blocking: step.blocking,
      }, {
        signal: AbortSignal.any([signal, timer.signal]),
        onRateLimit: (info) => gate?.observe(info),
        onStart: (number) => {
          worker = number;
          this.#emit({ type: "step:started", ...this.#base(node), worker: number, attempt });
        },
      });
      const artifact = await store.commit(node.key, {
        file: outputPath,
        // Every kind but a custom step must write its artifact; a custom step may return a value only.
        required: step.kind !== "custom" && outputPath !== null,
        extension: step.extension,
        value: execution.result.value,
        children: execution.result.children,
      });
      const elapsed = Math.round(this.#clock.now() - started);
      this.#emit({
        type: "step:finished",
        ...this.#base(node),
        worker: execution.worker,
        attempt,
        cached: false,
        elapsed,
        path: artifact.path,
      });
      return { artifact, error: null, elapsed };
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = timer.signal.aborted ? timer.signal.reason : error;
      return { artifact: null, error: cause, worker, elapsed: Math.round(this.#clock.now() - started) };
    } finally {
      clearTimeout(deadline);
      await store.discard(scratch);
    }
  }

  /** The done nodes whose artifacts this node reads (its inputs and their children) and that are gone. */
  async #vanishedInputs(node: DagNode): Promise<DagNode[]> {
    const read: DagNode[] = [];
    const collect = (dep: DagNode) => {
      read.push(dep);
      dep.children.forEach(collect);
    };
    node.deps.forEach(collect);
    const gone: DagNode[] = [];
    for (const dep of read) {
      const path = dep.artifact?.path ?? null;
      if (path !== null && !(await exists(path))) gone.push(dep);
    }
    return gone;
  }

  /** Makes again, once per node at a time, inputs whose artifacts were removed from the store under the run. */
  async #remakeVanishedInputs(node: DagNode): Promise<void> {
    for (const dep of await this.#vanishedInputs(node)) {
      let remaking = this.#remaking.get(dep);
      if (remaking === undefined) {
        remaking = this.#remake(dep).finally(() => this.#remaking.delete(dep));
        this.#remaking.set(dep, remaking);
      }
      await remaking;
    }
  }

  async #remake(dep: DagNode): Promise<void> {
    await this.#remakeVanishedInputs(dep);
    const claim = await this.#options.store.claim(dep.key, { signal: this.#controller.signal });
    try {
      const artifact = await this.#options.store.lookup(dep.key) ?? await this.#attempts(dep);
      if (artifact === null) {
        throw new Error(`Input "${dep.step.id}" vanished from the store and could not be made again`);
      }
      dep.artifact = artifact;
      this.#made.set(dep.key, Promise.resolve({ artifact }));
    } finally {
      await claim.release();
    }
  }

  async #succeed(node: DagNode, artifact: StoredArtifact): Promise<void> {
    node.artifact = artifact;
    try {
      const path = await this.#publisher.publish({
        step: node.step.id,
        output: node.step.output,
        artifact: artifact.path,
        order: node.order,
      });
      if (path !== null) this.#emit({ type: "output:written", at: this.#at(), step: node.step.id, path });
    } catch (error) {
      return this.#fail(node, messageOf(error));
    }
    // Every child is checked before any joins the DAG, so a bad one cannot leave a half-added family behind.
    const templates = artifact.children.map((spec) => this.#template(spec.step));
    const unknown = artifact.children.find((_, i) => templates[i] === undefined);
    if (unknown !== undefined) {
      return this.#fail(
        node,
        `Step "${node.step.id}" spawned "${unknown.step}", which is not a custom step of the workflow`,
      );
    }
    const parent = { ...node.step, key: node.key };
    const children = this.#dag.addChildren(
      node,
      artifact.children.map((spec, index) =>
        childStep(parent, { template: templates[index]!, params: spec.params, index })
      ),
    );
    for (const child of children) this.#limits.register(child.step);
    if (children.length > 0) {
      this.#emit({
        type: "step:expanded",
        ...this.#base(node),
        children: children.map((child) => child.step.id),
      });
    }
    this.#settle(node, "done");
    for (const child of children) this.#queue(child);
    if (children.length === 0) { for (const ready of this.#dag.complete(node)) this.#queue(ready); }
    this.#endIfFinished();
  }

  #template(id: string): PlanStep | undefined {
    return [...this.#plan.templates, ...this.#plan.steps].find((step) =>
      step.kind === "custom" && step.id === id
    );
  }

  #fail(node: DagNode, message: string, options: { emitted?: boolean } = {}): void {
    if (node.state !== "pending") return;
    this.#errors.set(node.step.id, message);
    if (options.emitted !== true) {
      this.#emit({
        type: "step:failed",
        ...this.#base(node),
        worker: null,
        attempt: 0,
        retrying: false,
        error: message,
        elapsed: 0,
      });
    }
    this.#settle(node, "failed");
    for (const blocked of this.#dag.blockedBy(node)) {
      this.#emit({ type: "step:skipped", ...this.#base(blocked), because: node.step.id });
      this.#settle(blocked, "skipped");
    }
    this.#endIfFinished();
  }

  #cancel(node: DagNode): void {
    this.#settle(node, "cancelled");
    // Steps that can never be queued now are cancelled too, so the run can end.
    for (const waiting of this.#dag.waitingNodes()) this.#settle(waiting, "cancelled");
    this.#endIfFinished();
  }

  #settle(node: DagNode, state: StepState): void {
    if (this.#dag.settle(node, state)) this.#limits.settle(node.step);
  }

  #endIfFinished(): void {
    if (this.#dag.finished) this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const states = this.#dag.nodes().map((node) => node.state);
    const count = (state: StepState) => states.filter((s) => s === state).length;
    const cancelled = this.#controller.signal.aborted;
    this.#emit({
      type: "run:finished",
      at: this.#at(),
      ok: !cancelled && count("done") === states.length,
      cancelled,
      done: count("done"),
      failed: count("failed"),
      skipped: count("skipped") + count("cancelled"),
      cached: this.#cached,
    });
    this.#finish();
  }

  #result(): RunResult {
    const nodes = this.#dag.nodes().sort((a, b) => a.order - b.order);
    const states = new Map(nodes.map((node) => [node.step.id, node.state as StepState]));
    const artifacts = new Map<string, StoredArtifact>();
    for (const node of nodes) {
      if (node.artifact !== null && node.state === "done") artifacts.set(node.step.id, node.artifact);
    }
    return {
      ok: [...states.values()].every((state) => state === "done"),
      cancelled: this.#controller.signal.aborted,
      states,
      artifacts,
      errors: this.#errors,
      outputs: this.#publisher.outputs(),
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Seconds of media in a step's inputs: the sum of their `duration` values. */
function mediaSeconds(values: readonly Json[]): number {
  let total = 0;
  for (const value of values) {
    const duration = typeof value === "object" && value !== null && !Array.isArray(value)
      ? value.duration
      : null;
    if (typeof duration === "number" && Number.isFinite(duration)) total += duration;
  }
  return total;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Turns a step-id glob into a regular expression: `*` matches within one part of an id, `**` across parts.
 *
 * @param glob e.g. `*\/speech` or `intro/**`.
 * @returns The expression, anchored at both ends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { globToRegExp } from "./scheduler.ts";
 * assert.ok(globToRegExp("*\/s2/speech").test("intro/s2/speech"));
 * assert.ok(!globToRegExp("*").test("intro/s2/speech"));
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^${escaped.replaceAll("**", "\u0000").replaceAll("*", "[^/]*").replaceAll("\u0000", ".*")}$`,
  );
}
