/**
 * One attempt of one step in the cluster, seen from the coordinator: the job (its id the step's key and the store's
 * digest, see `jobIdOf`) is added, or one already in Redis is adopted (a job of a killed coordinator, or of another
 * render to the same store); its progress and outcome come back through the queue's events; a check every few
 * seconds finds a job that vanished (Redis lost it: its artifact is looked for in the store, else it is queued
 * again) or an outcome whose event was missed. While Redis is away the checks wait for it; once the coordinator
 * gives up on it (see `RedisLink`), the wait fails with the reason, the job left in Redis.
 * @module
 */
import type { Job } from "bullmq";
import { messageOf } from "../core/errors.ts";
import { type ExecuteOptions, type Execution, StepAttemptError, WorkerCrashError } from "../core/executor.ts";
import type { StepStore } from "../store/step_store.ts";
import type { QueueHandles } from "./_coordinator_queues.ts";
import {
  CANCEL_EVENT,
  type ClusterJob,
  isClusterJob,
  isJobOutcome,
  isJobProgress,
  jobIdOf,
} from "./cluster_job.ts";

/** What a wait needs besides the job. */
export interface JobWaitContext {
  /** The run's store, where a vanished job's artifact may be. */
  store: Pick<StepStore, "peek">;
  /** How often the job's state is checked, in ms. */
  checkMs: number;
  /** Hears about what could not be done (a cancel Redis did not take), and of a step moved to another worker. */
  onWarning: (message: string) => void;
  /**
   * Keeps work that goes on after the attempt settled (removing its job, cancelling it), for `close()`; `cancels`
   * names the step whose job the work cancels.
   */
  track: (work: Promise<void>, options?: { cancels?: string }) => void;
  /** The coordinator's Redis: whether it is connected now, and the signal aborted once it gives up on it. */
  redis: { readonly connected: boolean; readonly unreachable: AbortSignal };
}

/** Options of jobs: one attempt each (the coordinator's policy retries), kept a day once finished. */
const JOB_OPTIONS = { attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } };
const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/**
 * Runs one attempt through a queue and resolves with the execution, or rejects as the executor interface says.
 *
 * @param handles The step's queue.
 * @param data The job's data.
 * @param options The attempt's signal and listeners.
 * @param context The store, the check interval and the warning listener.
 * @returns The execution (its artifact stored by the worker).
 */
export function waitForJob(
  handles: QueueHandles,
  data: ClusterJob,
  options: ExecuteOptions,
  context: JobWaitContext,
): Promise<Execution> {
  return new JobWait(handles, data, options, context).run();
}

class JobWait {
  readonly #handles: QueueHandles;
  readonly #data: ClusterJob;
  readonly #options: ExecuteOptions;
  readonly #context: JobWaitContext;
  /** The job's id in Redis. */
  readonly #id: string;
  /** The step's key in the store. */
  readonly #key: string;
  /** The attempt whose outcome counts: this one's, or the adopted job's. */
  #awaited: string;
  #started: string | null = null;
  /** True from when a started job waits for a worker again until one takes it. */
  #waitingAgain = false;
  /** Starts heard: a check's answer read before the last one is stale. */
  #starts = 0;
  #settle!: { resolve(execution: Execution): void; reject(error: unknown): void };
  #settled = false;

  constructor(handles: QueueHandles, data: ClusterJob, options: ExecuteOptions, context: JobWaitContext) {
    this.#handles = handles;
    this.#data = data;
    this.#options = options;
    this.#context = context;
    this.#id = jobIdOf(data);
    this.#key = data.task.key;
    this.#awaited = data.attempt;
  }

  async run(): Promise<Execution> {
    const { signal } = this.#options;
    const { unreachable } = this.#context.redis;
    signal.throwIfAborted();
    unreachable.throwIfAborted();
    const done = new Promise<Execution>((resolve, reject) => this.#settle = { resolve, reject });
    // A cancel while the job is still being queued settles `done` before it is awaited: handled here, so the
    // process does not die of an unhandled rejection (the await below still throws it).
    done.catch(() => {});
    const unwatch = this.#handles.watch(this.#id, {
      completed: (returnvalue) => this.#outcome(returnvalue),
      failed: (reason) => void this.#failedEvent(reason).catch((error) => this.#fail(error)),
      progress: (data) => this.#progress(data),
      stalled: () => this.#waiting(),
    });
    const onAbort = () => this.#abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const onUnreachable = () => this.#abandon(unreachable.reason);
    unreachable.addEventListener("abort", onUnreachable, { once: true });
    const timer = setInterval(
      () => void this.#check().catch((error) => this.#fail(error)),
      this.#context.checkMs,
    );
    try {
      // Queueing that fails fails the attempt; once the attempt is settled (Redis closing under a cancel: the cancel
      // is what happened), it no longer counts. It is not waited for past the attempt's end (a cancel, Redis given
      // up on, while Redis holds its commands), but kept for `close()`.
      const queued = this.#submit().catch((error) => this.#fail(error));
      this.#context.track(queued);
      await Promise.race([queued, done]);
      return await done;
    } finally {
      clearInterval(timer);
      unwatch();
      signal.removeEventListener("abort", onAbort);
      unreachable.removeEventListener("abort", onUnreachable);
    }
  }

  /** Adds the job, or adopts the one in Redis; a finished job that is not this attempt's is removed first. */
  async #submit(): Promise<void> {
    const { queue } = this.#handles;
    for (let tries = 0; !this.#settled; tries++) {
      const job = await queue.getJob(this.#id);
      if (this.#settled) return;
      if (job === undefined) {
        await queue.add(this.#data.task.kind, this.#data, { jobId: this.#id, ...JOB_OPTIONS });
        // A cancel whose own lookup ran before this add landed found nothing to remove: remove it now.
        if (this.#settled) return this.#cancelTracked();
        // When another coordinator added it first, BullMQ kept theirs: that is the one to wait for.
        const kept = await queue.getJob(this.#id);
        if (kept !== undefined && isClusterJob(kept.data)) this.#awaited = kept.data.attempt;
        return;
      }
      const state = await job.getState();
      const jobData: unknown = job.data;
      // The id holds the store, so a job found here writes where this render reads; checked all the same.
      const theirs = isClusterJob(jobData) && jobData.store === this.#data.store ? jobData : null;
      if (LIVE_STATES.has(state) && theirs !== null) return this.#adopt(job, theirs);
      const outcome: unknown = job.returnvalue;
      // A finished job of another run that succeeded is adopted while its artifact is stored. Not for a step that
      // must run now (`--force`): before, it was told done in no time, never run. Nor once its artifact left the
      // store (`cache gc`, a store cleared by hand) while Redis kept the job a day: the render failed once, "the
      // store lacks it" (cl); it is made again.
      const fresh = this.#options.fresh === true;
      if (
        state === "completed" && isJobOutcome(outcome) && outcome.ok && theirs !== null && !fresh &&
        await this.#context.store.peek(this.#key) !== null
      ) {
        if (this.#settled) return;
        this.#awaited = theirs.attempt;
        // Made by another run: what its step warned of was said there (rv35), as a step found stored says nothing.
        const { warnings: _said, ...made } = outcome;
        return this.#outcome(made);
      }
      if (tries >= 3) throw new Error(`Cannot queue step "${this.#data.task.id}": its job stays in the way`);
      if (state === "completed" || state === "failed") await job.remove();
    }
  }

  #adopt(job: Job, theirs: ClusterJob): void {
    this.#awaited = theirs.attempt;
    if (isJobProgress(job.progress)) this.#progress(job.progress);
  }

  #progress(data: unknown): void {
    if (!isJobProgress(data) || data.attempt !== this.#awaited || this.#settled) return;
    // A start by another worker, or by the same one after the job waited again (a worker that lost Redis and took
    // its job back): the step's time starts again.
    if (data.type === "started" && (data.worker !== this.#started || this.#waitingAgain)) {
      // A second start of one attempt: its first worker died or lost the job, and the queue handed it on.
      if (this.#started !== null && data.worker !== this.#started) {
        this.#context.onWarning(
          `Step "${this.#data.task.id}" moved from worker ${this.#started} to ${data.worker}: the first stopped or lost the job`,
        );
      }
      this.#started = data.worker;
      this.#starts++;
      this.#waitingAgain = false;
      this.#options.onStart?.(data.worker);
      // Its worker says when its code is loaded ("running"): the load is not the step's time.
      this.#options.onLoading?.();
    } else if (data.type === "rate-limit") this.#options.onRateLimit?.(data.info);
    else if (data.type === "running" || data.type === "progress") {
      // An adopted job's latest report may be one of these: who started it is said there too.
      // A step that says how far it is runs its code: a job adopted at its progress starts its time there too.
      if (this.#started === null) {
        this.#progress({ type: "started", attempt: data.attempt, worker: data.worker });
        if (data.type === "progress") this.#options.onRunning?.();
      }
      if (data.type === "running") this.#options.onRunning?.();
      else this.#options.onProgress?.(data.fraction);
    }
  }

  /** The job waits for a worker again (its worker died): its time is not the step's until one takes it. */
  #waiting(): void {
    if (this.#settled || this.#started === null || this.#waitingAgain) return;
    this.#waitingAgain = true;
    this.#options.onWait?.();
  }

  #outcome(outcome: unknown): void {
    if (!isJobOutcome(outcome) || outcome.attempt !== this.#awaited || this.#settled) return;
    if (this.#started === null) {
      this.#progress({ type: "started", attempt: outcome.attempt, worker: outcome.worker });
    }
    if (outcome.ok) return this.#succeed(outcome.worker, outcome.warnings);
    if ("failure" in outcome) return this.#fail(new StepAttemptError(outcome.failure, outcome.worker));
    if ("crash" in outcome) {
      return this.#fail(new WorkerCrashError(outcome.worker, outcome.crash, { shared: outcome.shared }));
    }
    this.#fail(new WorkerCrashError(outcome.worker, "the worker stopped the step"));
  }

  /** A job that failed in BullMQ's terms: the worker refused it, or it stalled too often (it kills workers). */
  async #failedEvent(reason: string): Promise<void> {
    const job = await this.#handles.queue.getJob(this.#id);
    if (job !== undefined && isClusterJob(job.data) && job.data.attempt !== this.#awaited) return;
    const worker = this.#started ?? "cluster";
    this.#fail(
      new StepAttemptError({
        name: "ClusterJobFailed",
        message: `The cluster failed the job: ${reason}`,
        retryable: false,
        status: null,
        retryAfterMs: null,
        provider: null,
      }, worker),
    );
  }

  /** Finds an outcome whose event was missed, or a job that vanished. */
  async #check(): Promise<void> {
    // While Redis is away, a lookup would wait for it: the next check after it is back looks.
    if (this.#settled || !this.#context.redis.connected) return;
    const starts = this.#starts;
    const job = await this.#handles.queue.getJob(this.#id);
    if (this.#settled) return;
    if (job === undefined) {
      if (await this.#context.store.peek(this.#key) !== null) {
        return this.#succeed(this.#started ?? "cluster");
      }
      return await this.#submit();
    }
    const state = await job.getState();
    if (state === "completed") this.#outcome(job.returnvalue);
    else if (state === "failed") await this.#failedEvent(job.failedReason);
    // Its `stalled` event missed (Redis away meanwhile), a started job found waiting is told so; unless a worker
    // started it while the state was read (that answer is older than the start).
    else if ((state === "waiting" || state === "prioritized") && this.#starts === starts) this.#waiting();
    // Active with its lock expired: its worker died, and only a live worker's stalled-job check hands a job on. With
    // none alive (the one that died was the last), it waits as one in the queue does (before: its time ran on and
    // the step failed, "timed out", while it waited for a worker to start).
    else if (state === "active" && await this.#lockLost(job) && this.#starts === starts) this.#waiting();
  }

  /**
   * Whether the job's lock has expired (a live worker renews it every half lock) while it stays active: a job that
   * finished between the two reads lost its lock by finishing (rv15).
   */
  async #lockLost(job: Job): Promise<boolean> {
    const { queue } = this.#handles;
    if (await (await queue.getBackend().client).get(`${queue.toKey(this.#id)}:lock`) !== null) return false;
    return await job.getState() === "active";
  }

  /** Settles the step as stored by `worker`, with the warnings its step said (none when its outcome is not read). */
  #succeed(worker: string, warnings?: string[]): void {
    if (this.#settled) return;
    this.#settled = true;
    const result = { value: null, children: [], ...warnings === undefined ? {} : { warnings } };
    this.#settle.resolve({ result, worker, stored: true });
    this.#context.track(this.#removeFinished());
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle.reject(error);
    this.#context.track(this.#removeFinished());
  }

  /** A finished job is removed once its outcome is read, so the next attempt of the key can be queued. */
  async #removeFinished(): Promise<void> {
    try {
      const job = await this.#handles.queue.getJob(this.#id);
      if (job === undefined || !isClusterJob(job.data) || job.data.attempt !== this.#awaited) return;
      const state = await job.getState();
      if (state === "completed" || state === "failed") await job.remove();
    } catch (error) {
      this.#context.onWarning(
        `Cannot remove the finished job of "${this.#data.task.id}": ${messageOf(error)}`,
      );
    }
  }

  /** Redis given up on: the attempt fails with the reason; its job, out of reach, is left where it is. */
  #abandon(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle.reject(reason);
  }

  /** Cancel: a job still waiting is removed; a running one of this run is asked to stop on its worker. */
  #abort(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle.reject(this.#options.signal.reason);
    this.#cancelTracked();
  }

  /** Cancels the job in the background, kept for `close()`; what Redis refuses becomes a warning. */
  #cancelTracked(): void {
    this.#context.track(
      this.#cancel().catch((error) => {
        this.#context.onWarning(`Cannot cancel the job of "${this.#data.task.id}": ${messageOf(error)}`);
      }),
      { cancels: this.#data.task.id },
    );
  }

  async #cancel(): Promise<void> {
    const { queue, producer } = this.#handles;
    const job = await queue.getJob(this.#id);
    if (job === undefined || !isClusterJob(job.data) || job.data.run !== this.#data.run) return;
    const state = await job.getState();
    if (state === "active") {
      await producer.publishEvent({ eventName: CANCEL_EVENT, jobId: this.#id, attempt: job.data.attempt });
    } else if (LIVE_STATES.has(state)) await job.remove();
  }
}
