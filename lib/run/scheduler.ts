/**
 * The scheduler: runs a plan's steps as soon as their inputs are done and their permits are free. A key is made
 * once: found in the store, shared with a step of the same key in this run, or waited for while another process
 * holds its claim; only then does the step run, through an {@linkcode StepExecutor} (the Web Worker pool, a
 * cluster, or a fake in tests), under its timeout, with the attempt policy deciding retries. Failures skip only
 * their dependents; children spawned at run time join the DAG; outputs are published in plan order.
 * @module
 */
import { didYouMean } from "../core/closest_name.ts";
import { messageOf, saysDiskFull } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import { realClock } from "../core/clock.ts";
import { LOAD_TIMEOUT_MS } from "../core/executor.ts";
import { childStep, findTemplate, spawnable, templateId } from "../plan/child_step.ts";
import type { Plan } from "../plan/plan.ts";
import type { PlanStep } from "../plan/plan_step.ts";
import { mediaField } from "./attempts.ts";
import { type DagNode, DagState, type StepState } from "./dag_state.ts";
import { startOrder } from "./start_order.ts";
import { KeyMaker } from "./key_maker.ts";
import { LayeredLimits } from "./layered_limits.ts";
import { type OutputItem, OutputPublisher, type WrittenOutput } from "./output_publisher.ts";
import { recordWarnings, type StoredArtifact } from "../store/step_store.ts";
import type { RunPlanOptions, RunResult } from "./run_options.ts";
import type { RunEvent, StepEventBase } from "./run_events.ts";
import { forcedSteps } from "./step_glob.ts";
import { SPAWN_LIMITS, spawnRefusal } from "./spawn_limits.ts";
import { stepKinds } from "../workflow/step_kinds.ts";

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

/**
 * An output waiting for one of the steps it goes with to be published (`PlanStep.publishWith`), or for the other
 * members of its set to be done (`PlanStep.publishTogether`), already copied into the output folder under its
 * temporary name.
 */
interface HeldOutput extends OutputItem {
  goesWith: readonly string[];
}

class Scheduler {
  readonly #plan: Plan;
  readonly #options: RunPlanOptions;
  readonly #limits: LayeredLimits;
  readonly #dag = new DagState();
  readonly #publisher: OutputPublisher;
  /** Steps whose outputs this run published. */
  readonly #publishedSteps = new Set<string>();
  /** Outputs waiting for one of the steps they go with to be published. */
  readonly #heldOutputs: HeldOutput[] = [];
  /** For each step, the steps whose outputs go with its own (`PlanStep.publishWith`: a video's subtitles). */
  readonly #companions = new Map<string, string[]>();
  /** Outputs about to be published, each waiting for the steps that go with it to settle (`#companionsSettling`). */
  readonly #settling: { pending: Set<string>; resolve: () => void }[] = [];
  readonly #controller = new AbortController();
  /**
   * Stops provider calls under way: a stop (a full disk), not a Ctrl-C, which lets them finish so that their
   * answers are kept and not paid for again (fi23: an image call cut at its answer was paid twice).
   */
  readonly #calls = new AbortController();
  /** Steps whose provider call a worker is making, by id. */
  readonly #calling = new Set<string>();
  readonly #clock: Clock;
  readonly #start: number;
  readonly #errors = new Map<string, string>();
  readonly #badInput: string[] = [];
  readonly #maker: KeyMaker;
  #listenerError: { error: unknown } | null = null;
  /**
   * The `step:finished` of each step being made, held until its output is published and its children are known:
   * a step ends in one event, `step:finished` or `step:failed`, never both (null while it has none).
   */
  readonly #held = new Map<string, FinishedEvent | null>();
  /** The keys whose stored warnings a cached step has said this run. */
  readonly #warnedKeys = new Set<string>();
  #cached = 0;
  /** Counted children spawned in this run so far, all steps together (see `SpawnLimits.children`). */
  #spawned = 0;
  /** True once the run stopped itself (too many children spawned): it ends failed, not cancelled. */
  #stopped = false;
  /** True once the steps waiting on inputs were cancelled, after the run was aborted. */
  #waitingCancelled = false;
  #ended = false;
  #finish!: () => void;

  constructor(plan: Plan, options: RunPlanOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#start = this.#clock.now();
    this.#limits = new LayeredLimits(plan.limits, {
      providerGate: options.providerGate,
      memoryGate: options.memoryGate,
      clock: this.#clock,
    });
    this.#publisher = new OutputPublisher(options.outDir);
    for (const step of plan.steps) {
      for (const other of step.publishWith ?? []) {
        this.#companions.set(other, [...this.#companions.get(other) ?? [], step.id]);
      }
    }
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.#controller.abort(signal.reason);
      else {
        signal.addEventListener("abort", () => {
          this.#controller.abort(signal.reason);
          if (this.#calling.size > 0 && !this.#ended) {
            this.#emit({ type: "run:stopping", at: this.#at(), finishing: [...this.#calling] });
          }
        }, { once: true });
      }
    }
    this.#maker = this.#keyMaker();
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
      stored: this.#options.stored ?? 0,
      kinds: stepsByKind(this.#plan.steps),
    });
    if (this.#dag.size === 0) this.#end();
    for (const node of startOrder(ready, (node) => this.#dag.keyOf(node))) this.#queue(node);
    await finished;
    // Outputs held for steps that were never published (they failed, the run was cancelled) are not written.
    await this.#publisher.discard(this.#heldOutputs.splice(0));
    if (this.#listenerError !== null) throw this.#listenerError.error;
    return this.#result();
  }

  #keyMaker(): KeyMaker {
    const options = this.#options;
    const forced = forcedSteps(options);
    // The kinds' checks of stored values (a chunk's words must fit its audio).
    const kinds = stepKinds();
    const maxRetryAfter = new Map(
      this.#plan.providers.map((provider) => [provider.name, provider.maxRetryAfter]),
    );
    return new KeyMaker({
      executor: options.executor,
      store: options.store,
      limits: this.#limits,
      clock: this.#clock,
      random: options.random ?? Math.random,
      loadTimeoutMs: options.loadTimeoutMs ?? LOAD_TIMEOUT_MS,
      ffmpeg: options.ffmpeg,
      signal: this.#controller.signal,
      gateOf: (step) => step.provider === null ? null : options.providerGate?.(step.provider) ?? null,
      maxRetryAfter: (step) => maxRetryAfter.get(step.provider ?? "") ?? 120_000,
      inputsOf: (node) => node.deps.map((dep) => this.#dag.outputOf(dep)),
      answerKeyOf: (node) => this.#dag.answerKeyOf(node),
      base: (node) => this.#base(node),
      emit: (event) => this.#emitMade(event),
      stop: (reason) => this.#stop(reason),
      remote: options.remote ?? false,
      callSignal: this.#calls.signal,
      calling: (step, sending) => sending ? this.#calling.add(step) : this.#calling.delete(step),
    }, {
      forced: (node) => forced(node.step.id),
      plan: this.#plan,
      storedCheck: (node) => {
        const problem = kinds.get(node.step.kind)?.storedProblem;
        if (problem === undefined) return null;
        return (value) => problem({ value, params: node.step.params, runtime: node.step.runtime });
      },
    });
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

  /** An event from the making of a key: a step's `step:finished` is held until the step is done (see #succeed). */
  #emitMade(event: RunEvent): void {
    if (event.type === "step:finished" && this.#held.has(event.step)) this.#held.set(event.step, event);
    else this.#emit(event);
  }

  #base(node: DagNode): StepEventBase {
    return { at: this.#at(), step: node.step.id, kind: node.step.kind, contentKey: node.key };
  }

  #queue(node: DagNode): void {
    node.key = this.#dag.keyOf(node);
    this.#emit({ type: "step:queued", ...this.#base(node) });
    this.#held.set(node.step.id, null);
    this.#execute(node).catch((error) => this.#fail(node, messageOf(error)));
  }

  async #execute(node: DagNode): Promise<void> {
    if (this.#controller.signal.aborted) return this.#cancel(node);
    const made = await this.#maker.make(node);
    if ("cancelled" in made) return this.#cancel(node);
    if ("failed" in made) {
      return this.#fail(node, made.failed, {
        emitted: made.emitted,
        badInput: made.badInput,
        attempted: true,
      });
    }
    if (made.cached) {
      const cached = {
        worker: null,
        attempt: 0,
        cached: true,
        elapsed: 0,
        path: made.artifact.path,
        ...mediaField(made.artifact.value),
        // Said again from the store, as its maker said them, once a key (as a key made in this run says them once,
        // by its maker: rv39); not by a step another made in this run, which said them.
        ...made.madeBy !== undefined
          ? { madeBy: made.madeBy }
          : this.#warnedKeys.has(made.artifact.key)
          ? {}
          : recordWarnings(made.artifact.warnings),
      };
      this.#warnedKeys.add(made.artifact.key);
      this.#held.set(node.step.id, { type: "step:finished", ...this.#base(node), ...cached });
    }
    await this.#succeed(node, made.artifact);
  }

  /**
   * Publishes a done step's output, unless it goes with others none of which is published yet (see
   * `PlanStep.publishWith`): then it is held, and published with the first of them, after it; one that never is
   * (they failed, the run was cancelled) is not published at all. Returns what was written, this step's output and
   * the ones held for it, and for those in turn (a variant's playlist goes with its MP4, which goes with its
   * manifest).
   */
  async #publish(node: DagNode, artifact: StoredArtifact): Promise<WrittenOutput[]> {
    const { id, output } = node.step;
    let item: OutputItem = { step: id, output, artifact: artifact.path, order: node.order };
    // Only the steps of this run count: a format left out (--format) publishes nothing to wait for.
    const inRun = (other: string) => this.#dag.get(other) !== undefined;
    const goesWith = (node.step.publishWith ?? []).filter(inRun);
    const together = (node.step.publishTogether ?? []).filter(inRun);
    const waits = () =>
      (goesWith.length > 0 && !goesWith.some((other) => this.#publishedSteps.has(other))) ||
      !together.every((other) => this.#heldOutputs.some((held) => held.step === other));
    if (output !== null && waits()) {
      // Copied now, while its store entry is there: a store cleared by hand meanwhile failed the video's publishing.
      item = await this.#publisher.stage(item);
      // Held unless what it waits for came while it was copied (then it goes now, as it would have): a set's
      // member counts as done once it is held, so of two members copied at once the second to finish its copy
      // publishes both.
      if (waits()) {
        this.#heldOutputs.push({ ...item, goesWith: [...goesWith, ...together] });
        return [];
      }
    }
    // Awaited only where there is something to wait for: every other publish keeps its turns of the event loop.
    const settling = output === null || this.#options.outDir === null ? null : this.#companionsSettling(node);
    if (settling !== null) await settling;
    // This output and those held for it, then those held for each of them in turn, are copied together before any
    // replaces what the folder held: a full disk while the subtitles are copied leaves the earlier video beside its
    // own subtitles, not this run's video beside them. A file that goes with one of them and ends during the copies
    // is held too and taken next, so it is never written and announced (after its own publishing) before the step
    // it goes with is announced (after this returns); these steps count as published only once none is left.
    const written: WrittenOutput[] = [];
    // Every step of the groups copied so far: one held meanwhile for any of them (the VTT while the SRT copied,
    // both going with the video) is taken in the next group.
    const members: string[] = [];
    for (let group: (typeof item)[] = [item]; group.length > 0;) {
      for (let i = 0; i < group.length; i++) group.push(...this.#takeAllHeld(group[i]!.step));
      members.push(...group.map((member) => member.step));
      written.push(...await this.#publisher.publish(group));
      group = members.flatMap((step) => this.#takeAllHeld(step));
    }
    for (const { step } of written) this.#publishedSteps.add(step);
    return written;
  }

  /**
   * Waits for the steps of this run whose outputs go with this one and may still come (a video's subtitles, not done
   * yet) to settle: done ones are held, and placed with it, all or none (rv29: subtitles done while the video was
   * being placed went alone after it, and where they could not be placed, this run's video stayed beside an earlier
   * run's subtitles). Not those that read this step (a variant's playlist reads its MP4): they come after it. A step
   * does not hold its permits while it publishes, so what it waits for can run.
   */
  #companionsSettling(node: DagNode): Promise<void> | null {
    const companions = this.#companions.get(node.step.id) ?? [];
    if (companions.length === 0) return null;
    const after = new Set(this.#dag.blockedBy(node).map((blocked) => blocked.step.id));
    const pending = new Set(
      companions.filter((id) =>
        this.#dag.get(id)?.state === "pending" && !after.has(id) &&
        !this.#heldOutputs.some((held) => held.step === id)
      ),
    );
    return pending.size === 0
      ? null
      : new Promise<void>((resolve) => this.#settling.push({ pending, resolve }));
  }

  /** The outputs held for step `id` (see {@linkcode #publish}), no longer held. */
  #takeAllHeld(id: string): HeldOutput[] {
    const taken = this.#heldOutputs.filter((held) => held.goesWith.includes(id));
    const kept = this.#heldOutputs.filter((held) => !held.goesWith.includes(id));
    this.#heldOutputs.splice(0, this.#heldOutputs.length, ...kept);
    return taken;
  }

  async #succeed(node: DagNode, artifact: StoredArtifact): Promise<void> {
    node.artifact = artifact;
    const { id } = node.step;
    // Every child is checked before any joins the DAG, so a bad one cannot leave a half-added family behind.
    const templates = artifact.children.map((spec) => this.#template(spec.step, id));
    const unknown = artifact.children.find((_, i) => templates[i] === undefined);
    if (unknown !== undefined) {
      const spawned = templateId(unknown.step, id);
      // The nearest of what it could have spawned (nt9: `spawn("prat")`, where a misspelled input has a guess).
      const message = `Step "${id}" spawned "${spawned}", which is not a step or template of the workflow${
        didYouMean(spawned, spawnable(this.#plan).map((step) => step.id))
      }`;
      return this.#fail(node, message, { badInput: true });
    }
    // A step that spawns itself without end would grow the DAG until memory runs out: past a bound, it fails
    // (children added once the run stopped are cancelled as they are queued). A kind whose input fixes its
    // children's number (a recording's chunks) cannot: they are held to the depth only.
    const counted = node.step.finiteChildren !== true;
    const refusal = this.#controller.signal.aborted ? null : spawnRefusal(
      {
        step: id,
        depth: depthOf(node),
        count: artifact.children.length,
        spawnedBefore: this.#spawned,
        counted,
      },
      this.#options.spawnLimits ?? SPAWN_LIMITS,
    );
    if (refusal !== null) {
      // The workflow's code spawns past a bound: bad input, as its other mistakes.
      this.#fail(node, refusal.message, { badInput: true });
      if (refusal.bound === "children") this.#stop(refusal.message);
      return;
    }
    if (counted) this.#spawned += artifact.children.length;
    let written: WrittenOutput[];
    try {
      written = await this.#publish(node, artifact);
    } catch (error) {
      return this.#fail(node, messageOf(error));
    }
    const finished = this.#held.get(id) ?? null;
    this.#held.delete(id);
    if (finished !== null) {
      if (finished.cached) this.#cached++;
      this.#emit({ ...finished, at: this.#at() });
    }
    for (const { step, path, unchanged } of written) {
      this.#emit({ type: "output:written", at: this.#at(), step, path, ...unchanged ? { unchanged } : {} });
    }
    const parent = { ...node.step, key: node.key };
    // A child may read its parent's artifact (chunks of audio its parent cut): its runtime names where it is.
    const steps = artifact.children.map((spec, index) =>
      childStep(parent, {
        template: templates[index]!,
        spec: { ...spec, runtime: { ...spec.runtime, parentArtifact: artifact.path } },
        index,
      })
    );
    const children = this.#dag.addChildren(node, steps);
    for (const child of children) this.#limits.register(child.step);
    if (children.length > 0) {
      this.#emit({
        type: "step:expanded",
        ...this.#base(node),
        children: children.map((child) => child.step.id),
      });
    }
    this.#settle(node, "done");
    // Siblings share their parent's rank (so another file's decode is not put behind them); among themselves the
    // costliest is queued first, and equal ranks are served in the order they ask.
    for (const child of children.toSorted((a, b) => b.step.cost - a.step.cost)) this.#queue(child);
    // Steps its end lets start are queued longest chain first: where they find CPU slots free, the one the rest of
    // the run waits on takes its slot (and the idle ones it can use, a narration's encoders) before a short one.
    if (children.length === 0) {
      for (const ready of this.#dag.complete(node).sort((a, b) => b.rank - a.rank)) this.#queue(ready);
    }
    this.#endIfFinished();
  }

  #template(id: string, parent: string): PlanStep | undefined {
    return findTemplate(this.#plan, id, parent);
  }

  #fail(
    node: DagNode,
    message: string,
    options: { emitted?: boolean; badInput?: boolean; attempted?: boolean } = {},
  ): void {
    if (node.state !== "pending") return;
    this.#errors.set(node.step.id, message);
    if (options.badInput === true) this.#badInput.push(node.step.id);
    // A step that stored its artifact and then failed (its output could not be published) is told as one failure
    // of the attempt that made it.
    const made = this.#held.get(node.step.id) ?? null;
    this.#held.delete(node.step.id);
    if (options.emitted !== true) {
      const failed = {
        worker: made?.worker ?? null,
        attempt: made?.attempt ?? 0,
        retrying: false,
        error: message,
        elapsed: made?.elapsed ?? 0,
        ...options.badInput === true ? { badInput: true as const } : {},
      };
      this.#emit({ type: "step:failed", ...this.#base(node), ...failed });
    }
    this.#settle(node, "failed");
    for (const blocked of this.#dag.blockedBy(node)) {
      this.#emit({ type: "step:skipped", ...this.#base(blocked), because: node.step.id });
      this.#settle(blocked, "skipped");
    }
    // So does an output that could not be published for a full disk (see `runAttempts`), and this process's own
    // failure. A provider's answer that says so is its server's; a cluster worker's step, its attempts judge (a
    // worker's disk may be its own alone: see `runAttempts`).
    const local = !(options.attempted === true && this.#options.remote === true) &&
      (node.step.provider === null || (this.#options.providerGate?.(node.step.provider) ?? null) === null);
    if (local && saysDiskFull(message) && !this.#controller.signal.aborted) return this.#stop(message);
    this.#endIfFinished();
  }

  /**
   * Stops the run, not at the user's request: no step starts, running ones are aborted and the rest cancelled; the
   * run ends failed, not cancelled.
   */
  #stop(reason: string): void {
    this.#stopped = true;
    this.#controller.abort(new Error(reason));
    this.#calls.abort(new Error(reason));
    this.#cancelWaiting();
    this.#endIfFinished();
  }

  #cancel(node: DagNode): void {
    this.#held.delete(node.step.id);
    this.#settle(node, "cancelled");
    this.#cancelWaiting();
    this.#endIfFinished();
  }

  /**
   * Cancels the steps that can never be queued now the run is aborted, so it can end. Once is enough: a node added
   * later is a child, which waits on nothing (before, every cancelled step went over the whole DAG again).
   */
  #cancelWaiting(): void {
    if (this.#waitingCancelled) return;
    this.#waitingCancelled = true;
    for (const waiting of this.#dag.waitingNodes()) this.#settle(waiting, "cancelled");
  }

  #settle(node: DagNode, state: StepState): void {
    if (!this.#dag.settle(node, state)) return;
    this.#limits.settle(node.step);
    // From the end, so that a wait taken out leaves the others' places as they were; no copy on a step's end.
    for (let i = this.#settling.length - 1; i >= 0; i--) {
      const wait = this.#settling[i]!;
      if (!wait.pending.delete(node.step.id) || wait.pending.size > 0) continue;
      this.#settling.splice(i, 1);
      wait.resolve();
    }
  }

  #endIfFinished(): void {
    if (this.#dag.finished) this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const count = this.#dag.count();
    const cancelled = this.#cancelled();
    this.#emit({
      type: "run:finished",
      at: this.#at(),
      ok: !cancelled && count.done === this.#dag.size,
      cancelled,
      done: count.done,
      failed: count.failed,
      skipped: count.skipped + count.cancelled,
      cached: this.#cached,
    });
    this.#finish();
  }

  /**
   * Whether the run was cancelled: aborted at the user's request with steps not done. A Ctrl-C once every step was
   * done (its outputs published) cancelled nothing: before, such a run was said to be cancelled, exit 130.
   */
  #cancelled(): boolean {
    return this.#controller.signal.aborted && !this.#stopped && this.#dag.count().done < this.#dag.size;
  }

  #result(): RunResult {
    const { states, artifacts } = this.#dag.outcome();
    return {
      ok: [...states.values()].every((state) => state === "done"),
      cancelled: this.#cancelled(),
      states,
      artifacts,
      errors: this.#errors,
      badInput: this.#badInput,
      outputs: this.#publisher.outputs(),
    };
  }
}

/** A `step:finished` event. */
type FinishedEvent = Extract<RunEvent, { type: "step:finished" }>;

/** A node's level: 0 for a planned step, 1 for a child, 2 for a child's child. */
function depthOf(node: DagNode): number {
  let depth = 0;
  for (let parent = node.parent; parent !== null; parent = parent.parent) depth++;
  return depth;
}

/** How many of `steps` are of each kind. */
function stepsByKind(steps: readonly PlanStep[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const step of steps) kinds[step.kind] = (kinds[step.kind] ?? 0) + 1;
  return kinds;
}
