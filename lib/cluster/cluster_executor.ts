/**
 * The cluster executor: the scheduler stays the coordinator (DAG order, layered limits, keys, store lookups and
 * claims), and each attempt it hands over becomes a BullMQ job whose id is the step's content key and its store
 * (see `jobIdOf`), so a key is never queued twice for one store, by one render or by two. `deno task worker`
 * processes on any host run the jobs with the same step kinds as the local pool and store the artifacts in the
 * shared store; results come back through BullMQ's events. When steps are queued and no worker's heartbeat is in
 * Redis, or none of the live workers takes their queue (`--queues`), the render is told (once), and again once a
 * worker for it appears: its steps wait until then (see `WorkerWatch`). When Redis goes away, the render is
 * told once and its steps wait for it, for `redisTimeoutMs` at most, then fail (see `RedisLink`); a close that
 * cannot reach Redis drops its connections at once and says which cancels it could not deliver.
 * @module
 */
import { plural } from "../core/plural.ts";
import type { ExecuteOptions, Execution, StepExecutor, WorkerId } from "../core/executor.ts";
import type { StepOutput } from "../core/json.ts";
import type { StepTask } from "../core/step_task.ts";
import { type ModuleGraph, readModuleGraph } from "../schema/module_graph.ts";
import { storeIdentity } from "../store/store_identity.ts";
import type { StepStore } from "../store/step_store.ts";
import { CoordinatorQueues, type QueueProvider } from "./_coordinator_queues.ts";
import { waitForJob } from "./_job_wait.ts";
import { RedisLink, whenDisconnected } from "./_redis_link.ts";
import { WorkerWatch } from "./_worker_watch.ts";
import {
  type ClusterJob,
  JOB_FORMAT,
  type JobInput,
  providerQueue,
  queueFor,
  QUEUES_KEY,
} from "./cluster_job.ts";
import { checkRedis, openRedis, redisOptions } from "./redis_connection.ts";
import type { RedisTarget } from "./redis_target.ts";

/** Options for {@linkcode ClusterExecutor.open}. */
export interface ClusterExecutorOptions {
  /** The cluster's Redis. */
  redis: RedisTarget;
  /** The run's store: where a job that vanished from Redis may have left its artifact. */
  store: Pick<StepStore, "peek">;
  /** The store as workers open it: an absolute folder on a shared path, or `s3://bucket/prefix`. */
  storeLocation: string;
  /** The plan's HTTP providers: each gets a queue with its limits. */
  providers: readonly QueueProvider[];
  /** How often a waiting attempt checks its job in Redis, in ms. @default 2000 */
  checkMs?: number;
  /**
   * How long the steps wait for a Redis that went away, in ms: then the attempts waiting on the cluster, and those
   * that start later while it is still away, fail (not retried). A Redis back in time (a restart) loses nothing.
   * @default 60000
   */
  redisTimeoutMs?: number;
  /**
   * Hears about trouble that does not fail a step (Redis away, a cancel not delivered, no worker for a queue its steps
   * wait in, and such a worker appearing).
   * @default () => {}
   */
  onWarning?: (message: string) => void;
}

/**
 * Runs steps on the cluster's workers.
 *
 * @example
 * ```ts
 * import { ClusterExecutor } from "./cluster_executor.ts";
 * // const executor = await ClusterExecutor.open({ redis, store, storeLocation: "/mnt/shared/.reel", providers: [] });
 * // await runPlan(plan, { executor, store, ... });
 * // await executor.close();
 * ```
 */
export class ClusterExecutor implements StepExecutor {
  readonly #options: ClusterExecutorOptions;
  readonly #queues: CoordinatorQueues;
  readonly #redis;
  readonly #providers: Set<string>;
  /** Each provider's `maxRetryAfter`, which its jobs carry. */
  readonly #maxRetryAfter: Map<string, number>;
  readonly #run = crypto.randomUUID();
  readonly #coordinator = `${Deno.hostname()}:${Deno.pid}`;
  readonly #graphs = new Map<string, Promise<ModuleGraph>>();
  /** The store folder's id, which a worker mounting it elsewhere checks; null for a bucket. */
  #storeId: string | null = null;
  readonly #pending = new Set<Promise<void>>();
  /** Cancels under way, with the step each one cancels. */
  readonly #cancels = new Map<Promise<void>, string>();
  readonly #link: RedisLink;
  readonly #onWarning: (message: string) => void;
  #lastWarning = "";
  /** Set once a close that cannot reach Redis has said what it leaves undone: nothing is told after that. */
  #closed = false;
  readonly #workers: WorkerWatch;

  private constructor(options: ClusterExecutorOptions) {
    this.#options = options;
    this.#onWarning = options.onWarning ?? (() => {});
    const onError = (error: Error) => {
      if (this.#link.heard(error)) this.#warn(`Redis at ${options.redis.redacted}: ${error.message}`);
    };
    this.#redis = openRedis(options.redis, { onError });
    this.#link = new RedisLink(this.#redis, {
      redacted: options.redis.redacted,
      timeoutMs: options.redisTimeoutMs ?? 60_000,
      onNotice: (message) => this.#warn(message),
    });
    this.#workers = new WorkerWatch(this.#redis, {
      redacted: options.redis.redacted,
      onNotice: (message) => this.#warn(message),
      link: this.#link,
    });
    this.#providers = new Set(options.providers.map((provider) => provider.name));
    this.#maxRetryAfter = new Map(
      options.providers.map((provider) => [provider.name, provider.maxRetryAfter]),
    );
    this.#queues = new CoordinatorQueues(redisOptions(options.redis), {
      providers: options.providers,
      register: (name) => this.#redis.sadd(QUEUES_KEY, name),
      onError,
    });
  }

  /**
   * Connects to the cluster's Redis.
   *
   * @param options Redis, the store, the providers.
   * @returns The executor.
   * @throws {InputError} When Redis cannot be reached.
   */
  static async open(options: ClusterExecutorOptions): Promise<ClusterExecutor> {
    await checkRedis(options.redis);
    const executor = new ClusterExecutor(options);
    const location = options.storeLocation;
    if (!location.startsWith("s3://")) {
      await Deno.mkdir(location, { recursive: true });
      executor.#storeId = await storeIdentity(location, { make: true });
    }
    await executor.#redis.connect();
    // The providers' queues are opened now, so their limits hold before the first call.
    await Promise.all(
      options.providers.map((provider) => executor.#queues.get(providerQueue(provider.name))),
    );
    return executor;
  }

  /**
   * Runs a step as a job and resolves once a worker stored its artifact.
   *
   * @throws {StepAttemptError} When the step failed on its worker (or the worker refused the job), or Redis stayed
   * away for `redisTimeoutMs`.
   * @throws {WorkerCrashError} When its worker's step runner died.
   */
  async execute(task: StepTask, options: ExecuteOptions): Promise<Execution> {
    // A queue opened while Redis is away would wait for it with no way out.
    await this.#link.untilUp(options.signal);
    const queue = queueFor(task, this.#providers);
    const handles = await this.#queues.get(queue);
    const cap = task.provider === null ? undefined : this.#maxRetryAfter.get(task.provider);
    const data = {
      ...await this.#jobData(task),
      ...options.fresh === true ? { fresh: true } : {},
      ...options.askAgain === true ? { askAgain: true } : {},
      ...cap === undefined ? {} : { maxRetryAfter: cap },
    };
    const onStart = (worker: WorkerId) => {
      this.#workers.started(queue, worker);
      options.onStart?.(worker);
    };
    const done = waitForJob(handles, data, { ...options, onStart }, {
      store: this.#options.store,
      checkMs: this.#options.checkMs ?? 2000,
      onWarning: (message) => this.#warn(message),
      track: (work, { cancels } = {}) => this.#track(work, cancels),
      redis: this.#link,
    });
    const watching = this.#workers.waits(queue, done);
    if (watching !== null) this.#track(watching);
    return await done;
  }

  /**
   * Finishes cancels and removals under way (for 3 s at most), then closes every connection. When Redis cannot be
   * reached (now, or before they have finished), it waits no longer: it says once which steps' cancels it leaves
   * undone, drops its connections and tells nothing more.
   */
  async close(): Promise<void> {
    this.#link.close();
    this.#workers.stop();
    const away = whenDisconnected(this.#redis);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 3000));
    const finished = await Promise.race([
      Promise.all(this.#pending).then(() => true),
      grace,
      away.promise.then(() => false),
    ]);
    clearTimeout(timer);
    // A Redis that answers nothing keeps its connection ready (stopped with SIGSTOP, cut off without a word): what
    // is not done by now is left as for one that is gone (fi: the first Ctrl-C waited for ever).
    const silent = !finished && this.#redis.status === "ready";
    if (this.#redis.status !== "ready" || silent) {
      // Cut off: what fails from now on is the connections being dropped.
      this.#closed = true;
      const uncancelled = [...this.#cancels.values()];
      if (uncancelled.length > 0) this.#onWarning(this.#uncancelled(uncancelled));
    }
    await this.#queues.close(silent ? Promise.resolve() : away.promise);
    away.dispose();
    this.#redis.disconnect();
  }

  /** What a close that cannot reach Redis says of the cancels it leaves undone. */
  #uncancelled(steps: readonly string[]): string {
    const { redacted } = this.#options.redis;
    const one = steps.length === 1;
    const shown = steps.slice(0, 3).map((step) => `"${step}"`).join(", ") + (steps.length > 3 ? ", …" : "");
    const jobs = one ? `the job of step ${shown}` : `the jobs of ${plural(steps.length, "step")} (${shown})`;
    const left = one
      ? "it stays in its queue, and a worker may still run it once Redis is back (the next render takes what it stores)"
      : "they stay in their queues, and workers may still run them once Redis is back (the next render takes what " +
        "they store)";
    return `Cannot reach Redis at ${redacted} to cancel ${jobs}: ${left}`;
  }

  async #jobData(task: StepTask): Promise<ClusterJob> {
    const slash = task.outputPath?.lastIndexOf("/") ?? -1;
    return {
      version: JOB_FORMAT,
      run: this.#run,
      attempt: crypto.randomUUID(),
      coordinator: this.#coordinator,
      store: this.#options.storeLocation,
      ...this.#storeId === null ? {} : { storeId: this.#storeId },
      task: {
        id: task.id,
        kind: task.kind,
        version: task.version,
        key: task.key,
        params: task.params,
        runtime: task.runtime,
        engine: task.engine,
        inputIds: task.inputIds,
        inputs: task.inputs.map(jobInput),
        output: task.outputPath === null ? null : task.outputPath.slice(slash + 1),
        blocking: task.blocking,
        provider: task.provider,
        cpu: task.cpu,
        ...task.answerKey === undefined ? {} : { answerKey: task.answerKey },
      },
      ...await this.#modules(task),
    };
  }

  /**
   * The digest of each workflow module the step imports, which workers check before running its code, and what
   * each digest is made of.
   */
  async #modules(task: StepTask): Promise<Pick<ClusterJob, "modules" | "moduleParts">> {
    const module = task.runtime.module;
    if (typeof module !== "string" || !module.startsWith("file:")) return { modules: {} };
    let graph = this.#graphs.get(module);
    if (graph === undefined) {
      graph = readModuleGraph(module);
      this.#graphs.set(module, graph);
    }
    const { digest, parts } = await graph;
    return { modules: { [module]: digest }, moduleParts: { [module]: parts } };
  }

  /** Keeps work that goes on in the background, for `close()`; `cancels` names the step a cancel is for. */
  #track(work: Promise<void>, cancels?: string): void {
    this.#pending.add(work);
    if (cancels !== undefined) this.#cancels.set(work, cancels);
    void work.finally(() => {
      this.#pending.delete(work);
      this.#cancels.delete(work);
    });
  }

  #warn(message: string): void {
    if (this.#closed || message === this.#lastWarning) return;
    this.#lastWarning = message;
    this.#onWarning(message);
  }
}

function jobInput(output: StepOutput): JobInput {
  return {
    key: output.key,
    file: output.path !== null,
    value: output.value,
    children: output.children.map(jobInput),
  };
}
