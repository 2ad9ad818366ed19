/**
 * Running a step's attempts: each one under the layered limits and its timeout, on the executor, its artifact
 * committed to the store; between attempts the attempt policy decides whether to retry and how long to wait, and
 * the provider's gate hears about 429s and refused keys.
 * @module
 */
import type { Clock } from "../core/clock.ts";
import { messageOf, saysDiskFull } from "../core/errors.ts";
import { StepAttemptError, type StepExecutor, StepTimeoutError, type WorkerId } from "../core/executor.ts";
import type { Json, StepOutput } from "../core/json.ts";
import type { ChildSpec } from "../core/step_task.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { endedOnInterrupt } from "../media/run_process.ts";
import type { PlanStep } from "../plan/plan_step.ts";
import type { Claim } from "../store/key_claims.ts";
import { recordWarnings, type StepStore, type StoredArtifact } from "../store/step_store.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";
import { durationOf } from "../steps/task_fields.ts";
import { unwrittenOutputError, wroteOutput } from "../steps/unwritten_output.ts";
import { decideAfterFailure } from "./attempt_policy.ts";
import type { DagNode } from "./dag_state.ts";
import type { LayeredLimits, ProviderGate } from "./layered_limits.ts";
import type { RunEvent, StepEventBase } from "./run_events.ts";

/** How the making of a key ended. */
export type Made =
  /** `cached` when nothing ran for this node; `madeBy`, the step of the same key that ran for it in this run. */
  | { artifact: StoredArtifact; cached: boolean; madeBy?: string }
  | { failed: string; emitted: boolean; step: string; badInput: boolean }
  | { cancelled: true };

/**
 * The key's claim was taken over while the step waited (this process paused past the claims' staleness, say): the
 * one that took it makes the key, or has made it, and this process must not pay for it again.
 */
export interface ClaimLost {
  claimLost: true;
}

/** Options for {@linkcode runAttempts}. */
export interface RunAttemptsOptions {
  /** The key's claim, when one is held: an attempt starts only while it is still this process's. */
  claim?: Claim;
  /** The step runs whatever is known of it (`--force`; see `ExecuteOptions.fresh`). @default false */
  forced?: boolean;
  /**
   * Called, for a forced step, with what it made before it replaces the stored entry (a step a cluster's worker
   * stored is not): what was made from the old entry is removed there, so a kill leaves no stale entry.
   */
  beforeReplace?: (made: MadeHere) => Promise<void>;
}

/** What an attempt made, before it is stored: its file (null for none) and value. */
export interface MadeHere {
  file: string | null;
  value: Json;
  children: ChildSpec[];
}

/** What the attempts of a step use. */
export interface AttemptsContext {
  executor: StepExecutor;
  store: StepStore;
  limits: LayeredLimits;
  clock: Clock;
  random: () => number;
  /** The least time a step's code may take to load (see `RunPlanOptions.loadTimeoutMs`). */
  loadTimeoutMs: number;
  ffmpeg: FfmpegPaths;
  /** The run's signal. */
  signal: AbortSignal;
  /** The gate of a step's provider, or null. */
  gateOf(step: PlanStep): ProviderGate | null;
  /** The longest Retry-After a step's provider may impose, in ms. */
  maxRetryAfter(step: PlanStep): number;
  /** The outputs of a node's inputs. */
  inputsOf(node: DagNode): StepOutput[];
  /** The key a node's provider answer is kept under when not its own (see `DagState.answerKeyOf`). */
  answerKeyOf(node: DagNode): string | null;
  /** The fields every event of a node carries. */
  base(node: DagNode): StepEventBase;
  /** Emits an event. */
  emit(event: RunEvent): void;
  /** Stops the run, not at the user's request: no step starts, running ones are aborted, the run ends failed. */
  stop(reason: string): void;
  /** Whether the steps run on other machines, whose full disks may be their own (see `RunPlanOptions.remote`). */
  remote: boolean;
  /**
   * What stops a provider call under way (its step's code running on a worker): a stop of the run, not a cancel
   * (`signal`), which lets it finish and keeps its answer, so that it is not paid for again.
   */
  callSignal: AbortSignal;
  /** Told when a step's provider call comes to be under way (`sending`), and when it no longer is. */
  calling(step: string, sending: boolean): void;
  /** Inputs of a node that were removed from the store under the run. */
  vanishedInputs(node: DagNode): Promise<DagNode[]>;
  /** Makes those inputs again. */
  remakeVanishedInputs(node: DagNode): Promise<void>;
}

/** How one attempt went. */
type Outcome =
  | { artifact: StoredArtifact; error: null; elapsed: number }
  | { artifact: null; error: unknown; worker: WorkerId | null; elapsed: number };

/** Times an input that vanished from the store (removed by `cache gc`) is made again for one step. */
const MAX_REMAKES = 3;

/**
 * A child process ended by SIGINT (exit 130, see {@linkcode interruptedChild}): a terminal's Ctrl-C reaches the
 * whole foreground group, reel's children too, and ffmpeg's exit can come before reel's own cancel. Such a step
 * waits up to {@linkcode INTERRUPT_GRACE_MS} for the run's cancel, and is cancelled, not told as failed, when it
 * comes.
 */
const INTERRUPT_GRACE_MS = 2000;

/** Whether an attempt failed because a child of its step ended on SIGINT (told by its worker, or thrown here). */
function interruptedChild(error: unknown): boolean {
  return error instanceof StepAttemptError ? error.failure.interrupted === true : endedOnInterrupt(error);
}

/**
 * Runs attempts until one succeeds, the policy gives up, or the run is cancelled. Permits are held for one
 * attempt only: a step waiting out a backoff holds none.
 *
 * @param node The step.
 * @param context What attempts use.
 * @param options The key's claim (see {@linkcode ClaimLost}).
 * @returns The artifact, or why there is none (a failure already emitted as `step:failed`, a cancel, a claim lost).
 * @throws What acquiring permits threw when it was not the cancel (a provider that refused its key).
 *
 * @example
 * ```ts
 * import { runAttempts } from "./attempts.ts";
 * // const made = await runAttempts(node, context);
 * ```
 */
export async function runAttempts(
  node: DagNode,
  context: AttemptsContext,
  options: RunAttemptsOptions = {},
): Promise<Made | ClaimLost> {
  const { step } = node;
  const { signal } = context;
  const gate = context.gateOf(step);
  const counts = { failures: 0, rateLimited: 0, ownCrashes: 0, sharedCrashes: 0 };
  // Attempts of a cluster's step that found a disk full: on every one, it is no one worker's (see below).
  let fullDisks = 0;
  let remakes = 0;
  for (let attempt = 1;; attempt++) {
    let outcome: Outcome;
    let decision: ReturnType<typeof decideAfterFailure> | null = null;
    const decide = (error: unknown) =>
      decideAfterFailure(error, {
        step,
        counts,
        attempt,
        gated: gate !== null,
        remote: context.remote,
        maxRetryAfter: context.maxRetryAfter(step),
        refusingForMs: gate?.refusingFor(),
        random: context.random,
      });
    try {
      await context.remakeVanishedInputs(node);
      // Still this process's to make once its turn comes (see `ClaimLost`): asked before the rate slot is taken.
      const { claim } = options;
      const wanted = claim === undefined ? undefined : () => claim.held();
      using permit = await context.limits.acquire(step, { signal, priority: node.rank, wanted });
      if (permit === null) return { claimLost: true };
      outcome = await attemptOnce(node, attempt, { ...context, gate }, {
        cores: permit.cores,
        fresh: options.forced ?? false,
        beforeReplace: options.beforeReplace,
      });
      // A full disk fails every step that writes: the run stops while this attempt still holds its permits, so no
      // step waiting for them starts (before, each of a lesson's steps failed alike, each with the system's words).
      // Not a provider's answer that says so (its server's disk), nor a cluster worker's (retried: another worker
      // may take it; see `RunPlanOptions.remote`), nor once the run is cancelled (rv43).
      if (
        outcome.artifact === null && gate === null && !context.remote && !signal.aborted &&
        saysDiskFull(messageOf(outcome.error))
      ) {
        context.stop(messageOf(outcome.error));
      }
      // A 429 is told to the provider's gate while this attempt still holds its permits: a call waiting for them
      // sees the pause (told after they were freed, the next call left within milliseconds of the 429 when the
      // provider had no rate).
      if (outcome.artifact === null && rateLimitedAnswer(outcome.error)) {
        decision = decide(outcome.error);
        gate?.rateLimited(decision.rateLimitedForMs, step.tokenCost);
      } else if (outcome.artifact === null) {
        // A 400, a 500, a timeout, an answer that did not decode: not the only-429s of a spent quota.
        gate?.notRateLimited();
      }
    } catch (error) {
      if (!signal.aborted) throw error;
      return { cancelled: true };
    }
    if (outcome.artifact !== null) {
      gate?.succeeded();
      return { artifact: outcome.artifact, cached: false };
    }
    const message = messageOf(outcome.error);
    if (interruptedChild(outcome.error)) {
      try {
        await context.clock.sleep(INTERRUPT_GRACE_MS, { signal });
      } catch (error) {
        if (!signal.aborted) throw error;
        return { cancelled: true };
      }
    }
    if (decision === null) {
      // An input removed from the store under the attempt is made again; that costs no retry.
      const vanished = remakes < MAX_REMAKES && (await context.vanishedInputs(node)).length > 0;
      if (vanished) remakes++;
      else decision = decide(outcome.error);
    }
    const retrying = decision === null || decision.retry;
    // A long wait (a server's Retry-After, up to the provider's maxRetryAfter) is said, so a run that seems idle
    // says why.
    const waitMs = decision === null ? 0 : Math.max(decision.delayMs, decision.rateLimitedForMs ?? 0);
    // A server that keeps answering 429 is left, and the message says how often it was asked.
    // So does a step that failed again after its retries (a 500 each time said only the last answer); one that
    // stopped at an error no retry mends (a 400 after a 500) did not give up.
    const ranOut = decision?.sort === "failure" || decision?.sort === "crash";
    const said = decision?.reason !== undefined
      ? `${message} (${decision.reason})`
      : decision?.sort === "rate-limited" && !retrying
      ? `${message} (gave up after ${counts.rateLimited} answers of 429)`
      : !retrying && ranOut && attempt > 1
      ? `${message} (gave up after ${attempt} attempts)`
      : retrying && waitMs >= 1000
      ? `${message} (next attempt in ${Math.round(waitMs / 1000)} s)`
      : message;
    // The provider's other calls are not sent: they fail saying why, and whose call it was (fi9: each chunk said the
    // refused chunk's place in the recording as its own).
    if (decision?.sort === "refused") gate?.refused(`${step.id} was refused: ${said}`);
    const badInput = !retrying && outcome.error instanceof StepAttemptError &&
      outcome.error.failure.badInput === true;
    context.emit({
      type: "step:failed",
      ...context.base(node),
      worker: outcome.worker,
      attempt,
      retrying,
      error: said,
      elapsed: outcome.elapsed,
      ...badInput ? { badInput: true as const } : {},
    });
    if (gate === null && context.remote && saysDiskFull(message)) fullDisks++;
    // A cluster's step that found a disk full on every attempt, on whatever worker took it: a shared store's disk,
    // every worker's (rv44). The run stops, as it does at once for a full disk here.
    if (!retrying && fullDisks === attempt && !signal.aborted) context.stop(message);
    if (!retrying) return { failed: said, emitted: true, step: step.id, badInput };
    if (decision !== null && decision.delayMs > 0) {
      try {
        await context.clock.sleep(decision.delayMs, { signal });
      } catch (error) {
        if (!signal.aborted) throw error;
        return { cancelled: true };
      }
    }
  }
}

/** One attempt: run the step on the executor under its timeout, and commit its artifact. */
async function attemptOnce(
  node: DagNode,
  attempt: number,
  context: AttemptsContext & { gate: ProviderGate | null },
  { cores, fresh, beforeReplace }: {
    cores: number;
    fresh: boolean;
    beforeReplace: RunAttemptsOptions["beforeReplace"];
  },
): Promise<Outcome> {
  const { step } = node;
  const { store, signal, clock } = context;
  const scratch = await store.scratch(node.key);
  const answerKey = step.provider === null ? null : context.answerKeyOf(node);
  const answerPath = step.provider === null ? null : store.answerPath(answerKey ?? node.key);
  // An answer kept for another decoder is claimed while this attempt may read or write it: `cache gc` keeps it, and
  // a render of another ffmpeg waits for it rather than paying for it too (rv22).
  let answerClaim: Claim | null = null;
  try {
    answerClaim = answerKey === null ? null : await store.claim(answerKey, { signal });
  } catch (error) {
    await store.discard(scratch);
    throw error;
  }
  // From when a worker took it, the last one for a cluster's step handed on (before, a moved step's elapsed time
  // held its wait for the queue: "1:48.3" for 3 s of work).
  let started = clock.now();
  const inputs = context.inputsOf(node);
  const timeoutMs = step.timeout.ms + step.timeout.perMediaSecond * mediaSeconds(inputs.map((i) => i.value));
  // A hung ffmpeg, speech engine or custom step is stopped after its timeout (wall time, whatever the clock),
  // counted from when a worker takes it: a step waiting in a cluster's queue is not running yet.
  const timer = new AbortController();
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms = timeoutMs, options: { loading?: boolean } = {}) => {
    clearTimeout(deadline);
    deadline = setTimeout(() => timer.abort(new StepTimeoutError(step.id, ms, options)), ms);
  };
  let worker: WorkerId | null = null;
  // A provider's call under way is not cut by a cancel: its answer is paid for whether it is read or not, so it is
  // let finish (within its timeout) and kept. A stop of the run cuts it (`callSignal`). Not here on a cluster: its
  // coordinator leaves at once (its Redis may be gone), and the worker finishes the call (see `cluster_worker.ts`).
  const calls = context.gate !== null && !context.remote;
  let sent = false;
  const unsent = new AbortController();
  const cancelUnsent = () => {
    if (!sent) unsent.abort(signal.reason);
  };
  // Under way once the step's code runs: a worker that first loads it (its first step of the kind) has sent nothing
  // yet (rv44: the call went out a quarter of a second after the Ctrl-C, and was let finish).
  const underWay = (running: boolean) => {
    if (!calls || running === sent || (running && signal.aborted)) return;
    sent = running;
    context.calling(step.id, running);
    // No longer under way after a cancel (its code loading again on another worker): cut, as one never under way.
    if (!running && signal.aborted) unsent.abort(signal.reason);
  };
  signal.addEventListener("abort", cancelUnsent, { once: true });
  try {
    // `--force` asks the provider again: an answer kept by a killed run is not used (this attempt keeps its own).
    // Inside the `try`: what it throws gives back the claim and the scratch folder as any failure does (rv23).
    if (answerPath !== null && fresh && attempt === 1) await removeIfExists(answerPath);
    const outputPath = step.extension === null ? null : `${scratch}/artifact.${step.extension}`;
    // A run stopped while this attempt readied its folder and claim (a full disk's stop) starts nothing more.
    signal.throwIfAborted();
    const execution = await context.executor.execute({
      id: step.id,
      kind: step.kind,
      version: step.version,
      key: node.key,
      params: step.params,
      runtime: step.runtime,
      engine: step.engine,
      inputIds: step.deps,
      inputs,
      outputPath,
      scratchDir: scratch,
      ...answerPath === null ? {} : { answerPath },
      ...answerKey === null ? {} : { answerKey },
      ffmpeg: context.ffmpeg,
      blocking: step.blocking,
      provider: step.provider,
      cpu: step.cpu,
      ...cores > 1 ? { cores } : {},
    }, {
      signal: calls
        ? AbortSignal.any([unsent.signal, context.callSignal, timer.signal])
        : AbortSignal.any([signal, timer.signal]),
      fresh,
      ...fresh && attempt === 1 ? { askAgain: true } : {},
      onRateLimit: (info) => {
        // A wait that every call to the provider now makes is said (fi16: a spent budget paused a render unsaid).
        const pause = context.gate?.observe(info) ?? null;
        if (pause !== null && pause.ms >= 1000 && step.provider !== null) {
          context.emit({ type: "provider:paused", ...context.base(node), provider: step.provider, ...pause });
        }
      },
      lendCore: (lent) => context.limits.lendCore(lent),
      onProgress: (fraction) => {
        if (worker !== null) context.emit({ type: "step:progress", ...context.base(node), worker, fraction });
      },
      // A cluster's step whose worker died waits for another: that wait is not the step's time.
      onWait: () => clearTimeout(deadline),
      onStart: (id) => {
        worker = id;
        underWay(true);
        started = clock.now();
        arm();
        context.emit({ type: "step:started", ...context.base(node), worker: id, attempt });
      },
      // Loading its code on a fresh worker is not its time: the load has a timeout of its own.
      onLoading: () => {
        underWay(false);
        arm(Math.max(timeoutMs, context.loadTimeoutMs), { loading: true });
      },
      onRunning: () => {
        underWay(true);
        arm();
      },
    });
    // A step that may return a value only (a custom step) must write its file when it names an output: the custom
    // kind checks it where it runs (a cluster worker too); this guards any other kind of optional artifact.
    if (
      execution.stored !== true && step.optionalArtifact && step.output !== null &&
      !(await wroteOutput(outputPath))
    ) {
      throw unwrittenOutputError(step.id, step.output);
    }
    if (fresh && execution.stored !== true && beforeReplace !== undefined) {
      const { value, children } = execution.result;
      await beforeReplace({
        file: outputPath !== null && await wroteOutput(outputPath) ? outputPath : null,
        value,
        children,
      });
    }
    const artifact = execution.stored === true
      ? await storedBy(store, node.key, execution.worker)
      : await store.commit(node.key, {
        file: outputPath,
        required: !step.optionalArtifact && outputPath !== null,
        extension: step.extension,
        value: execution.result.value,
        children: execution.result.children,
        ...recordWarnings(execution.result.warnings),
        scratchDir: scratch,
        ...fresh ? { replace: true } : {},
      });
    // Stored: the answer it was made of is not needed again, unless another decoder may decode it (`answerKey`).
    if (answerPath !== null && (answerKey === null || !store.keepsAnswers)) await removeIfExists(answerPath);
    const elapsed = Math.round(clock.now() - started);
    context.emit({
      type: "step:finished",
      ...context.base(node),
      worker: execution.worker,
      attempt,
      cached: false,
      elapsed,
      path: artifact.path,
      ...mediaField(artifact.value),
      ...execution.result.warnings === undefined ? {} : { warnings: execution.result.warnings },
    });
    return { artifact, error: null, elapsed };
  } catch (error) {
    if (signal.aborted) throw error;
    const cause = timer.signal.aborted ? timer.signal.reason : error;
    return { artifact: null, error: cause, worker, elapsed: Math.round(clock.now() - started) };
  } finally {
    clearTimeout(deadline);
    signal.removeEventListener("abort", cancelUnsent);
    if (sent) context.calling(step.id, false);
    await store.discard(scratch);
    if (answerClaim !== null) await answerClaim.release();
  }
}

/** The artifact an executor stored itself (a cluster worker committed it to the shared store). */
async function storedBy(store: StepStore, key: string, worker: WorkerId): Promise<StoredArtifact> {
  const artifact = await store.lookup(key);
  if (artifact !== null) return artifact;
  throw new Error(
    `Worker ${worker} reported the artifact of ${key.slice(0, 12)} stored, but the store lacks it`,
  );
}

/** Seconds of media in a step's inputs: the sum of their `duration` values. */
function mediaSeconds(values: readonly Json[]): number {
  return values.reduce<number>((total, value) => total + (durationOf(value) ?? 0), 0);
}

/** The `media` field of a `step:finished` event: present when the step's value has a `duration`. */
export function mediaField(value: Json): { media?: number } {
  const duration = durationOf(value);
  return duration === null ? {} : { media: duration };
}

/** Whether an attempt failed with a server's 429 (its pause is told to the provider's gate at once). */
function rateLimitedAnswer(error: unknown): boolean {
  return error instanceof StepAttemptError && error.failure.status === 429;
}
