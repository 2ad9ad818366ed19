/**
 * The scheduler: runs a plan's steps as soon as their inputs are done and their permits are free, isolates
 * failures to dependents, retries what may pass on retry, adds run-time child steps to the DAG, and publishes
 * outputs. Steps execute through a {@linkcode StepExecutor} (the Web Worker pool, or a fake in tests).
 * @module
 */
import type { FfmpegPaths } from "../media/ffmpeg.ts";
import type { Plan } from "../plan/plan_workflow.ts";
import type { PlanStep } from "../plan/plan_step.ts";
import { stepKey } from "../plan/step_key.ts";
import type { StepStore, StoredArtifact } from "../store/artifact_store.ts";
import { publishOutput } from "../store/publish_output.ts";
import { STEP_KIND_VERSIONS } from "../steps/step_kind_versions.ts";
import type { Json, StepOutput } from "../workflow/schema.ts";
import type { ChildSpec } from "../workers/step_task.ts";
import { type Clock, realClock } from "./clock.ts";
import { LayeredLimits, type ProviderGate } from "./layered_limits.ts";
import type { RunEvent } from "./run_events.ts";
import { StepAttemptError, type StepExecutor, WorkerCrashError } from "./step_executor.ts";

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
  /** Ignore the store: run every step. @default false */
  force?: boolean;
  /** Ignore the store for steps whose id matches one of these globs. @default [] */
  forceSteps?: string[];
  /** Number of workers, for the run:started event. @default plan.limits.workers */
  workers?: number;
}

/** How a step ended. */
export type StepState = "done" | "failed" | "skipped" | "cancelled";

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
  outputs: { step: string; path: string }[];
}

/** How one attempt went. */
type Outcome =
  | { artifact: StoredArtifact; error: null; worker: number; elapsed: number }
  | { artifact: null; error: unknown; worker: number | null; elapsed: number };

interface Node {
  step: PlanStep;
  order: number;
  waiting: number;
  dependents: Node[];
  parent: Node | null;
  children: Node[];
  childrenLeft: number;
  artifact: StoredArtifact | null;
  state: StepState | "pending";
}

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
  readonly #nodes = new Map<string, Node>();
  readonly #controller = new AbortController();
  readonly #now: () => number;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #start: number;
  readonly #errors = new Map<string, string>();
  readonly #outputs: { step: string; path: string; order: number }[] = [];
  #settled = 0;
  #listenerError: { error: unknown } | null = null;
  readonly #forced: RegExp[];
  #cached = 0;
  #finish!: () => void;

  constructor(plan: Plan, options: RunPlanOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#forced = (options.forceSteps ?? []).map(globToRegExp);
    this.#random = options.random ?? Math.random;
    this.#now = () => this.#clock.now();
    this.#start = this.#now();
    this.#limits = new LayeredLimits(plan.limits, { providerGate: options.providerGate });
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.#controller.abort(signal.reason);
      else signal.addEventListener("abort", () => this.#controller.abort(signal.reason), { once: true });
    }
  }

  async run(): Promise<RunResult> {
    for (const [order, step] of this.#plan.steps.entries()) this.#add(step, order * 1_000_000, null);
    for (const node of this.#nodes.values()) {
      for (const dep of node.step.deps) this.#nodes.get(dep)!.dependents.push(node);
    }
    const finished = new Promise<void>((resolve) => this.#finish = resolve);
    this.#emit({
      type: "run:started",
      at: this.#at(),
      total: this.#nodes.size,
      workers: this.#options.workers ?? this.#plan.limits.workers,
    });
    if (this.#nodes.size === 0) this.#finish();
    for (const node of [...this.#nodes.values()]) if (node.waiting === 0) this.#queue(node);
    await finished;
    if (this.#listenerError !== null) throw this.#listenerError.error;
    return this.#result();
  }

  #add(step: PlanStep, order: number, parent: Node | null): Node {
    const node: Node = {
      step,
      order,
      waiting: step.deps.length,
      dependents: [],
      parent,
      children: [],
      childrenLeft: 0,
      artifact: null,
      state: "pending",
    };
    this.#nodes.set(step.id, node);
    this.#limits.register(step);
    return node;
  }

  #at(): number {
    return Math.round((this.#now() - this.#start) * 1000) / 1000;
  }

  #emit(event: RunEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch (error) {
      // A listener's bug must not fail a step or stall the run: keep the first and throw it when the run ends.
      this.#listenerError ??= { error };
    }
  }

  #base(node: Node) {
    return { at: this.#at(), step: node.step.id, kind: node.step.kind, key: node.step.key };
  }

  #queue(node: Node): void {
    this.#emit({ type: "step:queued", ...this.#base(node) });
    this.#execute(node).catch((error) =>
      this.#fail(node, error instanceof Error ? error.message : String(error))
    );
  }

  async #execute(node: Node): Promise<void> {
    const signal = this.#controller.signal;
    if (signal.aborted) return this.#cancel(node);
    const forced = this.#options.force === true || this.#forced.some((pattern) => pattern.test(node.step.id));
    const stored = forced ? null : await this.#options.store.lookup(node.step.key);
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
      return await this.#succeed(node, stored);
    }
    const artifact = await this.#attempts(node, signal);
    if (artifact !== null) await this.#succeed(node, artifact);
  }

  /**
   * Runs attempts until one succeeds; returns null when the step failed or was cancelled (already settled).
   * Permits are held for one attempt only: a step waiting out a backoff holds none, and one waiting for its
   * provider's pause or rate holds no shared permit (the provider's gate is taken first).
   */
  async #attempts(node: Node, signal: AbortSignal): Promise<StoredArtifact | null> {
    const { step } = node;
    const gate = step.provider === null ? null : this.#options.providerGate?.(step.provider) ?? null;
    // One retry for a crash of a worker this step had to itself; a step caught in another's crash gets up to
    // three, so one crashing step cannot fail the steps that happened to share its worker.
    let ownCrashes = 0;
    let sharedCrashes = 0;
    let retriesLeft = step.retries;
    for (let attempt = 1;; attempt++) {
      let outcome: Outcome;
      try {
        using _permit = await this.#limits.acquire(step, { signal });
        outcome = await this.#attempt(node, attempt, { signal, gate });
      } catch (error) {
        if (signal.aborted) {
          this.#cancel(node);
          return null;
        }
        throw error;
      }
      if (outcome.artifact !== null) {
        gate?.succeeded();
        return outcome.artifact;
      }
      const { error } = outcome;
      const crashed = error instanceof WorkerCrashError;
      const failure = error instanceof StepAttemptError ? error.failure : null;
      const rateLimited = failure?.status === 429;
      if (rateLimited) gate?.rateLimited(failure?.retryAfterMs ?? null, step.tokens);
      if (crashed && error.shared) sharedCrashes++;
      else if (crashed) ownCrashes++;
      const retryable = crashed
        ? ownCrashes <= 1 && sharedCrashes <= 3
        : failure !== null && failure.retryable && retriesLeft > 0;
      if (!crashed && retryable) retriesLeft--;
      const message = error instanceof Error ? error.message : String(error);
      this.#emit({
        type: "step:failed",
        ...this.#base(node),
        worker: crashed ? error.worker : outcome.worker,
        attempt,
        retrying: retryable,
        error: message,
        elapsed: outcome.elapsed,
      });
      if (!retryable) {
        this.#fail(node, message, { emitted: true });
        return null;
      }
      // A 429 pauses the whole provider (its gate waits it out); other failures back off with full jitter, and
      // never less than a wait the server asked for (a 503's Retry-After, or a 429 where there is no gate).
      if (!(rateLimited && gate !== null) && !crashed) {
        const ceiling = Math.min(step.backoff.cap, step.backoff.base * 2 ** (attempt - 1));
        const delay = Math.max(Math.round(this.#random() * ceiling), failure?.retryAfterMs ?? 0);
        try {
          await this.#clock.sleep(delay, { signal });
        } catch (sleepError) {
          if (!signal.aborted) throw sleepError;
          this.#cancel(node);
          return null;
        }
      }
    }
  }

  /** One attempt: run the step on the executor and commit its artifact. */
  async #attempt(
    node: Node,
    attempt: number,
    { signal, gate }: { signal: AbortSignal; gate: ProviderGate | null },
  ): Promise<Outcome> {
    const { step } = node;
    const scratch = await this.#options.store.scratch(step.key);
    const started = this.#now();
    let worker: number | null = null;
    try {
      const outputPath = step.extension === null ? null : `${scratch}/artifact.${step.extension}`;
      const execution = await this.#options.executor.execute({
        id: step.id,
        kind: step.kind,
        key: step.key,
        params: step.params,
        locals: step.locals,
        inputIds: step.deps,
        inputs: step.deps.map((dep) => this.#outputOf(this.#nodes.get(dep)!)),
        outputPath,
        scratchDir: scratch,
        ffmpeg: this.#options.ffmpeg,
      }, {
        signal,
        onRateLimit: (info) => gate?.observe(info),
        onStart: (number) => {
          worker = number;
          this.#emit({ type: "step:started", ...this.#base(node), worker: number, attempt });
        },
      });
      const artifact = await this.#options.store.commit(step.key, {
        file: outputPath,
        // Every kind but a custom step must write its artifact; a custom step may return a value only.
        required: step.kind !== "custom" && outputPath !== null,
        extension: step.extension,
        value: execution.result.value,
        children: execution.result.children,
      });
      const elapsed = Math.round(this.#now() - started);
      this.#emit({
        type: "step:finished",
        ...this.#base(node),
        worker: execution.worker,
        attempt,
        cached: false,
        elapsed,
        path: artifact.path,
      });
      return {
        artifact,
        error: null,
        worker: execution.worker,
        elapsed,
      };
    } catch (error) {
      if (signal.aborted) throw error;
      return { artifact: null, error, worker, elapsed: Math.round(this.#now() - started) };
    } finally {
      await this.#options.store.discard(scratch);
    }
  }

  #outputOf(node: Node): StepOutput {
    const artifact = node.artifact!;
    return {
      path: artifact.path,
      value: artifact.value,
      children: node.children.map((child) => this.#outputOf(child)),
    };
  }

  async #succeed(node: Node, artifact: StoredArtifact): Promise<void> {
    node.artifact = artifact;
    if (node.step.output !== null && artifact.path !== null && this.#options.outDir !== null) {
      const path = `${this.#options.outDir}/${node.step.output}`;
      try {
        await publishOutput(artifact.path, path);
      } catch (error) {
        return this.#fail(
          node,
          `Cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.#outputs.push({ step: node.step.id, path, order: node.order });
      this.#emit({ type: "output:written", at: this.#at(), step: node.step.id, path });
    }
    // Every child is checked before any joins the DAG, so a bad one cannot leave a half-added family behind.
    const unknown = artifact.children.find((spec) => this.#template(spec.step) === undefined);
    if (unknown !== undefined) {
      return this.#fail(
        node,
        `Step "${node.step.id}" spawned "${unknown.step}", which is not a custom step of the workflow`,
      );
    }
    const children = artifact.children.map((spec, i) => this.#child(node, spec, i));
    if (children.length > 0) {
      this.#emit({
        type: "step:expanded",
        ...this.#base(node),
        children: children.map((child) => child.step.id),
      });
    }
    node.children = children;
    node.childrenLeft = children.length;
    node.state = "done";
    this.#settle(node);
    for (const child of children) this.#queue(child);
    if (children.length === 0) this.#complete(node);
  }

  #child(parent: Node, spec: ChildSpec, index: number): Node {
    const template = this.#template(spec.step);
    if (template === undefined) {
      throw new RangeError(`Step "${parent.step.id}" spawned unknown step "${spec.step}"`);
    }
    const params = {
      step: spec.step,
      source: (template.params as { source: Json }).source,
      params: spec.params,
    };
    const step: PlanStep = {
      ...template,
      id: `${parent.step.id}/${spec.step}#${index}`,
      params,
      deps: [],
      scope: parent.step.scope,
      output: null,
      key: stepKey({
        kind: `custom@${STEP_KIND_VERSIONS.custom}`,
        provider: null,
        params,
        inputs: [parent.step.key],
      }),
    };
    return this.#add(step, parent.order + index + 1, parent);
  }

  #template(id: string): PlanStep | undefined {
    return [...this.#plan.templates, ...this.#plan.steps].find((step) =>
      step.kind === "custom" && step.id === id
    );
  }

  /** The node and all its children are done: release its dependents. */
  #complete(node: Node): void {
    for (const dependent of node.dependents) {
      if (dependent.state === "pending" && --dependent.waiting === 0) this.#queue(dependent);
    }
    const parent = node.parent;
    if (parent !== null && --parent.childrenLeft === 0) this.#complete(parent);
  }

  #fail(node: Node, message: string, options: { emitted?: boolean } = {}): void {
    if (node.state !== "pending") return;
    node.state = "failed";
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
    this.#settle(node);
    this.#skipDependents(node, node.step.id);
  }

  #skipDependents(node: Node, because: string): void {
    const parent = node.parent;
    if (parent !== null) this.#skipDependents(parent, because);
    for (const dependent of node.dependents) {
      if (dependent.state !== "pending") continue;
      dependent.state = "skipped";
      this.#emit({ type: "step:skipped", ...this.#base(dependent), because });
      this.#settle(dependent);
      this.#skipDependents(dependent, because);
    }
  }

  #cancel(node: Node): void {
    if (node.state !== "pending") return;
    node.state = "cancelled";
    this.#settle(node);
    // Steps that can never be queued now are cancelled too, so the run can end.
    for (const other of this.#nodes.values()) {
      if (other.state === "pending" && other.waiting > 0) {
        other.state = "cancelled";
        this.#settle(other);
      }
    }
  }

  #settle(node: Node): void {
    this.#limits.settle(node.step);
    this.#settled++;
    if (this.#settled === this.#nodes.size) this.#end();
  }

  #end(): void {
    const states = [...this.#nodes.values()].map((node) => node.state);
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
    const nodes = [...this.#nodes.values()].sort((a, b) => a.order - b.order);
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
      outputs: this.#outputs.sort((a, b) => a.order - b.order).map(({ step, path }) => ({ step, path })),
    };
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
