/**
 * The worker side of the cluster (`deno task worker`): it watches the queues coordinators register, takes jobs
 * from each with BullMQ (CPU-heavy ones up to `--cpu` at once, the others up to `--concurrency` per queue), checks
 * each job before running it, runs the step on a local step runner (the same Web Worker pool and step kinds as a
 * local render), and commits the artifact to the shared store. A 429 pauses the provider's queue for every worker
 * on every host (BullMQ's manual rate limit); the limits a provider advertises lower the queue's rate limit, which
 * every worker obeys. A worker killed mid-step loses its job's lock, and BullMQ's stalled-job check hands the job
 * to another worker. A job the worker refuses for a reason of its own (see {@linkcode JobGuard}: its step was
 * planned with another ffmpeg or espeak-ng than this host's, say) goes back to its queue for another worker, while a
 * live worker of the queue has not refused it; refused by all of them, or for a reason of the job's own (malformed
 * data), it fails with the reasons and the workers' ids, and is not retried.
 * @module
 */
import { DelayedError, type Job, Queue, QueueEvents, UnrecoverableError, Worker } from "bullmq";
import { messageOf } from "../core/errors.ts";
import type { StepExecutor } from "../core/executor.ts";
import type { FfmpegPaths } from "../core/ffmpeg_paths.ts";
import { plural } from "../core/plural.ts";
import { type OpenedStore, openStore } from "../store/open_store.ts";
import { adoptAdvertisedRate } from "./_adopt_rate.ts";
import { RedisLink, whenDisconnected } from "./_redis_link.ts";
import { recordRefusal } from "./_refusals.ts";
import { runJob } from "./_run_job.ts";
import { type RunningJob, WorkerHeartbeat, worksQueue } from "./_worker_heartbeat.ts";
import {
  CANCEL_EVENT,
  CLUSTER_PREFIX,
  CPU_QUEUE,
  type JobOutcome,
  providerQueue,
  queuePauseMs,
  QUEUES_KEY,
} from "./cluster_job.ts";
import { JobGuard, JobRefusedError } from "./job_guard.ts";
import { StepBack } from "./_step_back.ts";
import { openRedis, redisOptions } from "./redis_connection.ts";
import type { RedisTarget } from "./redis_target.ts";
import { WorkerEngines } from "./worker_engines.ts";

/** Options for {@linkcode ClusterWorker.start}. */
export interface ClusterWorkerOptions {
  /** The cluster's Redis. */
  redis: RedisTarget;
  /** The local step runner. */
  executor: StepExecutor;
  /** The step kinds the runner has, by name: the version of each one's code, and whether it may return a value only. */
  kinds: ReadonlyMap<string, { version: number; optionalArtifact?: boolean }>;
  /** This host's ffmpeg (its version is checked against each job's, with the other local engines). */
  ffmpeg: FfmpegPaths;
  /** Jobs at once from each provider queue and from the steps queue. */
  concurrency: number;
  /** CPU-heavy jobs at once. */
  cpu: number;
  /** Folders whose workflow modules and stores jobs may name (real, absolute paths). */
  allowRoots: readonly string[];
  /** The store to use whatever jobs say (a shared folder mounted elsewhere here), or null. */
  store: string | null;
  /** The local folder for an object store's cached files. */
  cacheDir: string;
  /** How long a job stays locked to a worker that stopped answering, in ms. @default 30000 */
  lockMs?: number;
  /**
   * The queues to work: `cpu`, `steps`, `providers` (every provider's) or one provider's (`provider-<name>`).
   * @default every queue
   */
  queues?: readonly string[];
  /** How often the queues coordinators registered are looked up, in ms. @default 1000 */
  discoverMs?: number;
  /** Receives the worker's log lines (refused jobs, failures, Redis trouble). */
  onLog: (line: string) => void;
}

/** How a {@linkcode ClusterWorker} left the cluster. */
export interface WorkerClosed {
  /** True when it did: its running jobs finished and were reported, its entry removed; false when Redis was away. */
  left: boolean;
  /** The jobs it was running when it found Redis away, stopped here and left for other workers. */
  stopped: number;
}

/** The shortest time between two progress reports of one job, in ms. */
const PROGRESS_EVERY_MS = 1000;

interface Listening {
  worker: Worker;
  events: QueueEvents;
  queue: Queue;
}

/**
 * A worker process's consumers.
 *
 * @example
 * ```ts
 * import { ClusterWorker } from "./cluster_worker.ts";
 * // const worker = await ClusterWorker.start({ redis, executor: pool, kinds, ffmpeg, concurrency: 4, cpu: 2, ... });
 * // await worker.close();
 * ```
 */
export class ClusterWorker {
  /** This process's id in the cluster: `host:pid`. */
  readonly id = `${Deno.hostname()}:${Deno.pid}`;
  readonly #options: ClusterWorkerOptions;
  readonly #redis;
  /** Tells once that Redis is lost and once that it is back, not each reconnect attempt of each connection. */
  readonly #link: RedisLink;
  readonly #guard: JobGuard;
  readonly #heartbeat: WorkerHeartbeat;
  readonly #listening = new Map<string, Listening>();
  readonly #stores = new Map<string, OpenedStore>();
  /**
   * The jobs this worker runs, by job id; a provider's job says its call is `under way` once its step's code runs,
   * and `kept` when its coordinator cancelled it then (let finish, and stored).
   */
  readonly #running = new Map<string, RunningJob & { attempt: string; call?: "under way" | "kept" }>();
  /** The steps of the jobs this worker took last, by job id: BullMQ speaks of a job after it ended here too. */
  readonly #recent = new Map<string, string>();
  readonly #adopted = new Map<Queue, number>();
  readonly #stepBack = new StepBack();
  readonly #started = Date.now();
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastLog = "";

  private constructor(options: ClusterWorkerOptions) {
    this.#options = options;
    this.#redis = openRedis(options.redis, { onError: (error) => this.#heard("Redis", error) });
    this.#link = new RedisLink(this.#redis, {
      redacted: options.redis.redacted,
      timeoutMs: null,
      onNotice: (message) => this.#log(message),
      whileAway: "no job is taken until it is back (the running ones go on)",
      back: "taking jobs again",
    });
    this.#guard = new JobGuard({
      allowRoots: options.allowRoots,
      store: options.store,
      kinds: options.kinds,
      engines: new WorkerEngines({ ffmpeg: options.ffmpeg }),
    });
    this.#heartbeat = new WorkerHeartbeat(this.#redis, {
      id: this.id,
      info: () => ({
        host: Deno.hostname(),
        pid: Deno.pid,
        concurrency: options.concurrency,
        cpu: options.cpu,
        queues: [...this.#listening.keys()].sort(),
        wants: options.queues === undefined ? null : [...options.queues],
        running: [...this.#running.values()].map(({ attempt: _, call: _call, ...job }) => job),
        started: this.#started,
      }),
      onError: (error) => this.#log(`Cannot refresh this worker's heartbeat: ${messageOf(error)}`),
    });
  }

  /**
   * Connects, registers the worker and starts taking jobs.
   *
   * @param options Redis, the runner, limits, allowed roots, store and log.
   * @returns The running worker.
   */
  static async start(options: ClusterWorkerOptions): Promise<ClusterWorker> {
    const worker = new ClusterWorker(options);
    await worker.#redis.connect();
    await worker.#discover();
    await worker.#heartbeat.start();
    const discover = () =>
      void worker.#discover().catch((error) => worker.#log(`Cannot list queues: ${messageOf(error)}`));
    worker.#timer = setInterval(discover, options.discoverMs ?? 1000);
    return worker;
  }

  /** Whether this worker is connected to Redis now (it reconnects, forever, while not). */
  get connected(): boolean {
    return this.#redis.status === "ready";
  }

  /** The steps it runs now, by id. */
  get runningSteps(): string[] {
    return [...this.#running.values()].map((job) => job.step);
  }

  /**
   * Stops taking jobs, waits for the running ones to end, and leaves the cluster. When Redis cannot be reached (now,
   * or at any time before the worker has left), nothing can be handed back: the worker stops its running steps,
   * drops its connections and resolves at once, its jobs left to BullMQ's stalled-job check (another worker takes
   * them once Redis is back and their locks have expired).
   *
   * @returns Whether the worker left the cluster, and how many running jobs it stopped when it could not.
   */
  async close(): Promise<WorkerClosed> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#stepBack.close();
    const away = whenDisconnected(this.#redis);
    const leaving = this.#leave();
    const left = await Promise.race([leaving.then(() => true), away.promise.then(() => false)]);
    away.dispose();
    if (left) {
      this.#link.close();
      this.#redis.disconnect();
      return { left: true, stopped: 0 };
    }
    // What the close still waits for fails once the connections are dropped: heard, and stopping nothing.
    void leaving.catch((error) => this.#log(`Leaving the cluster: ${messageOf(error)}`));
    const stopped = this.#running.size;
    const listening = [...this.#listening.values()];
    for (const { worker } of listening) worker.cancelAllJobs("Redis cannot be reached");
    this.#heartbeat.halt();
    this.#link.close();
    this.#redis.disconnect();
    // Not waited for: BullMQ waits for ioredis to say the connection ended, which one that is reconnecting never says.
    for (const client of listening.flatMap(({ worker, events, queue }) => [worker, events, queue])) {
      void client.disconnect().catch((error) => this.#log(`Disconnecting from Redis: ${messageOf(error)}`));
    }
    for (const store of this.#stores.values()) store.close();
    return { left: false, stopped };
  }

  async #leave(): Promise<void> {
    const listening = [...this.#listening.values()];
    await Promise.all(listening.map(({ worker }) => worker.close()));
    await Promise.all(listening.flatMap(({ events, queue }) => [events.close(), queue.close()]));
    await this.#heartbeat.stop();
    for (const store of this.#stores.values()) store.close();
  }

  async #discover(): Promise<void> {
    const wanted = this.#options.queues ?? null;
    for (const name of (await this.#redis.smembers(QUEUES_KEY)).sort()) {
      if (!this.#listening.has(name) && worksQueue(wanted, name)) this.#listen(name);
    }
  }

  #listen(name: string): void {
    const options = { connection: redisOptions(this.#options.redis), prefix: CLUSTER_PREFIX };
    const lockDuration = this.#options.lockMs ?? 30_000;
    const queue = new Queue(name, options);
    const worker = new Worker(
      name,
      (job: Job, token?: string, signal?: AbortSignal) =>
        this.#process(name, queue, job, { token, signal: signal ?? new AbortController().signal }),
      {
        ...options,
        concurrency: name === CPU_QUEUE ? this.#options.cpu : this.#options.concurrency,
        lockDuration,
        stalledInterval: lockDuration,
        maxStalledCount: 2,
      },
    );
    const events = new QueueEvents(name, options);
    const onError = (error: Error) => this.#heard(`Queue ${name}`, error);
    queue.on("error", onError);
    worker.on("error", onError);
    events.on("error", onError);
    // A job whose lock this worker lost may be running elsewhere by now: stop it here. Except a provider's call:
    // stopping it would not un-pay it, while finishing it puts its artifact in the store, where the job's next
    // delivery looks before it calls again (see #process).
    worker.on("lockRenewalFailed", (ids) => {
      if (name === CPU_QUEUE) ids.forEach((id) => worker.cancelJob(id, "its lock was lost"));
    });
    (events as unknown as { on(event: string, listener: (args: Record<string, string>) => void): void }).on(
      CANCEL_EVENT,
      ({ jobId, attempt }) => {
        const running = jobId === undefined ? undefined : this.#running.get(jobId);
        if (jobId === undefined || running === undefined || running.attempt !== attempt) return;
        // A provider's call is paid whether it is read or not: let finish, its artifact goes to the store, where the
        // coordinator's next render takes it instead of paying again (fi23's finding, on a cluster).
        // Only once its step's code runs: one still loading sends nothing, and is stopped (rv45).
        if (running.call === "under way") {
          running.call = "kept";
          return;
        }
        worker.cancelJob(jobId, "cancelled by its coordinator");
      },
    );
    this.#listening.set(name, { worker, events, queue });
  }

  async #process(
    name: string,
    queue: Queue,
    job: Job,
    { token, signal }: { token?: string; signal: AbortSignal },
  ): Promise<JobOutcome> {
    const id = job.id ?? "";
    let checked;
    try {
      checked = await this.#guard.check(id, job.data);
    } catch (error) {
      if (!(error instanceof JobRefusedError)) throw error;
      return await this.#refuse(name, job, error, token);
    }
    const { job: data, store } = checked;
    const { task, attempt } = data;
    this.#stepBack.ran(name);
    // Delivered again (its lock was lost, say while Redis restarted): an earlier delivery may have made the
    // artifact already, and a provider's call must not be paid twice.
    if (job.attemptsStarted > 1 && await this.#store(store).lookup(task.key) !== null) {
      this.#log(`Step "${task.id}" was made by an earlier delivery of its job; not run again`);
      return { ok: true, attempt, worker: this.id };
    }
    this.#running.set(id, { step: task.id, kind: task.kind, queue: name, since: Date.now(), attempt });
    this.#recent.delete(id);
    this.#recent.set(id, task.id);
    if (this.#recent.size > RECENT_JOBS) this.#recent.delete(this.#recent.keys().next().value!);
    let told = 0;
    let started = this.id;
    await this.#heartbeat.beat();
    try {
      const outcome = await runJob(data, {
        store: this.#store(store),
        executor: this.#options.executor,
        ffmpeg: this.#options.ffmpeg,
        optionalArtifact: this.#options.kinds.get(task.kind)?.optionalArtifact ?? false,
        processId: this.id,
        signal,
        onStart: (worker) => {
          started = worker;
          this.#report(job, { type: "started", attempt, worker });
        },
        onRunning: () => {
          const running = this.#running.get(id);
          if (running !== undefined && name.startsWith(providerQueue(""))) running.call = "under way";
          this.#report(job, { type: "running", attempt, worker: started });
        },
        // A share of the step, told a second apart at most (an encode says it every half second): a write to Redis
        // each. Before, a cluster render's encodes said nothing until they ended.
        onProgress: (fraction) => {
          const now = Date.now();
          if (now - told < PROGRESS_EVERY_MS) return;
          told = now;
          this.#report(job, { type: "progress", attempt, worker: started, fraction });
        },
        onRateLimit: (info) => {
          this.#report(job, { type: "rate-limit", attempt, info });
          void adoptAdvertisedRate(queue, info, this.#adopted).catch((error) =>
            this.#log(`Cannot lower the rate of ${name}: ${messageOf(error)}`)
          );
        },
      });
      if (this.#running.get(id)?.call === "kept" && outcome.ok) {
        this.#log(
          `Step "${task.id}", cancelled by its coordinator while its provider call ran, is stored: its call is ` +
            "not paid again",
        );
      }
      if (!outcome.ok && "failure" in outcome) {
        this.#log(`Step "${task.id}" failed on ${outcome.worker}: ${outcome.failure.message}`);
        // A 429 pauses the provider's queue for every worker on every host.
        if (outcome.failure.status === 429 && name !== CPU_QUEUE) {
          await queue.rateLimit(queuePauseMs(outcome.failure, data));
        }
      }
      return outcome;
    } finally {
      this.#running.delete(id);
      await this.#heartbeat.beat();
    }
  }

  /**
   * Hands a refused job back to its queue while another live worker of the queue may take it; else fails it, not
   * retried (the coordinator's retry policy sees a failure that is not retryable), with every worker's reason.
   */
  async #refuse(name: string, job: Job, error: JobRefusedError, token: string | undefined): Promise<never> {
    const attempt = (job.data as { attempt?: unknown } | null)?.attempt;
    if (error.elsewhere && token !== undefined) {
      const verdict = await recordRefusal(this.#redis, {
        queue: name,
        job: error.job,
        attempt: typeof attempt === "string" ? attempt : "",
        worker: this.id,
        reason: error.reason,
        sameFor: error.sameFor,
      });
      if (verdict.handBack) {
        // Stepped back from first, so that no fetch of this worker's takes the job again meanwhile.
        const worker = this.#listening.get(name)!.worker;
        const ms = this.#stepBack.refused(name, {
          pause: () => void worker.pause(true),
          resume: () => void worker.resume(),
        });
        this.#log(
          `${error.message} (queue ${name}); handed back for ${
            plural(verdict.candidates.length, "other worker")
          } (${verdict.candidates.join(", ")})${
            ms === 0 ? "" : `; this worker takes none of the queue's jobs for ${ms / 1000} s`
          }`,
        );
        // To the end of the queue (a delayed job is promoted there): put back at its head, it was this worker's
        // next job again once the step-back ended, and the jobs behind it waited (rv8). Stamped with this host's
        // clock, as BullMQ's own delays are: on a host whose clock runs ahead, the others promote it that much later.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (verdict.others.length > 0) {
        this.#log(`${error.message} (queue ${name}); every worker of the queue refused it: the job fails`);
        const others = verdict.others.map(({ worker, reason }) =>
          `worker ${worker}${reason === error.reason ? ", for the same reason" : `: ${reason}`}`
        );
        throw new UnrecoverableError(
          `${error.message} (worker ${this.id}); also refused by ${others.join("; ")}`,
        );
      }
    }
    this.#log(`${error.message} (queue ${name}); the job fails, this worker goes on`);
    throw new UnrecoverableError(`${error.message} (worker ${this.id})`);
  }

  #report(job: Job, progress: Record<string, unknown>): void {
    void job.updateProgress(progress).catch((error) =>
      this.#log(`Cannot report progress: ${this.#words(messageOf(error))}`)
    );
  }

  /** BullMQ's message in reel's words where it has them, its job ids short and with their steps. */
  #words(message: string): string {
    return withSteps(inReelWords(message), (id) => this.#running.get(id)?.step ?? this.#recent.get(id));
  }

  #store(location: string): OpenedStore {
    let store = this.#stores.get(location);
    if (store === undefined) {
      store = openStore(location, { cacheDir: `${this.#options.cacheDir}/s3-cache` });
      this.#stores.set(location, store);
    }
    return store;
  }

  /** An error of one of the connections: logged as it is while Redis is up, else told once by the link. */
  #heard(source: string, error: Error): void {
    if (!this.#link.heard(error)) return;
    this.#log(`${source}: ${this.#words(error.message)}`);
  }

  #log(line: string): void {
    if (line === this.#lastLog) return;
    this.#lastLog = line;
    this.#options.onLog(line);
  }
}

/** Jobs whose steps a worker remembers after they ended (see `ClusterWorker`'s log). */
const RECENT_JOBS = 1000;

/** BullMQ's messages about a job a worker no longer holds, and what they mean (fi13: told in BullMQ's words). */
const BULLMQ_WORDS: readonly [RegExp, string][] = [
  [
    /^Missing key for job (\S+?)\.? (\w+)$/,
    "job $1 was gone from Redis when this worker went to record it (Redis restarted or flushed?): the coordinator " +
    "hands its step out again if it still needs it",
  ],
  [
    /^(?:Missing lock for job (\S+?)\.? \w+|Lock mismatch for job (\S+?)\.? Cmd \w+ from \w+)$/,
    "job $1$2 was no longer this worker's (its lock lapsed: the worker was paused or stalled past --lock-ms), and " +
    "another worker took it",
  ],
  [
    /^could not renew lock for job (\S+)$/,
    "cannot renew the lock of job $1: if it lapses (--lock-ms), another worker takes the step",
  ],
];

/**
 * A BullMQ message in reel's words, where it is one of {@linkcode BULLMQ_WORDS}; else as it is.
 *
 * @param message BullMQ's message.
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inReelWords } from "./cluster_worker.ts";
 * assert.match(inReelWords("Missing key for job abc. moveToFinished"), /^job abc was gone from Redis/);
 * assert.equal(inReelWords("Connection is closed."), "Connection is closed.");
 * ```
 */
export function inReelWords(message: string): string {
  for (const [pattern, words] of BULLMQ_WORDS) {
    if (pattern.test(message)) return message.replace(pattern, words);
  }
  return message;
}

/**
 * BullMQ's words with each job id in them (a key and a store's digest) shortened, and followed by the step the job
 * runs or ran here where known: "could not renew lock for job 4380ff16…" named no step, nor the full id any.
 *
 * @param message BullMQ's message.
 * @param stepOf The step a job id runs here, if any.
 * @returns The message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withSteps } from "./cluster_worker.ts";
 * const id = `${"a".repeat(64)}-${"b".repeat(16)}`;
 * assert.equal(withSteps(`could not renew lock for job ${id}`, () => "v/narration"),
 *   'could not renew lock for job aaaaaaaaaaaa (step "v/narration")');
 * assert.equal(withSteps(`Missing key for job ${id}`, () => undefined), "Missing key for job aaaaaaaaaaaa");
 * ```
 */
export function withSteps(message: string, stepOf: (id: string) => string | undefined): string {
  return message.replace(/\b[0-9a-f]{64}-[0-9a-f]{16}\b/g, (id) => {
    const step = stepOf(id);
    return step === undefined ? id.slice(0, 12) : `${id.slice(0, 12)} (step "${step}")`;
  });
}
