/**
 * The BullMQ queues a coordinator uses, opened on first use: each with its events (results and progress come back
 * through them) and a producer of reel's cancel event. A provider's queue gets the provider's limits as BullMQ's
 * global concurrency and global rate limit, which every worker on every host obeys.
 * @module
 */
import { Queue, QueueEvents, QueueEventsProducer } from "bullmq";
import type { RedisOptions } from "ioredis";
import type { ResolvedProvider } from "../plan/provider_settings.ts";
import { CLUSTER_PREFIX, providerQueue } from "./cluster_job.ts";

/** Hears the events of one job. */
export interface JobListener {
  /** The job finished; its return value. */
  completed(returnvalue: unknown): void;
  /** The job failed in BullMQ's terms (refused, or stalled too often). */
  failed(reason: string): void;
  /** The job reported progress. */
  progress(data: unknown): void;
  /** The job's worker stopped holding it (it died, or lost Redis): the queue hands it on to another worker. */
  stalled(): void;
}

/** One queue and what comes with it. */
export interface QueueHandles {
  queue: Queue;
  events: QueueEvents;
  producer: QueueEventsProducer;
  /** Listens to one job's events until the returned function is called. */
  watch(jobId: string, listener: JobListener): () => void;
}

/** A provider's limits, as a queue needs them. */
export type QueueProvider = Pick<ResolvedProvider, "name" | "concurrency" | "rate" | "maxRetryAfter">;

/** The share of a provider's rate kept in reserve, as the local limiter keeps it. */
const RATE_MARGIN = 0.02;

/**
 * BullMQ's rate limit for a provider: `burst` jobs per window, the window long enough that the average stays under
 * the provider's request rate; without a rate, a limit that never binds (BullMQ's manual pause needs one).
 *
 * @param rate The provider's rate.
 * @returns `{ max, duration }` in BullMQ's terms.
 */
export function queueRateLimit(rate: QueueProvider["rate"]): { max: number; duration: number } {
  if (rate.requests === null || rate.requests <= 0) return { max: 1_000_000, duration: 1000 };
  const burst = Math.max(1, Math.floor(rate.burst));
  return { max: burst, duration: Math.ceil((rate.per * burst * (1 + RATE_MARGIN)) / rate.requests) };
}

/** Opens and closes a coordinator's queues. */
export class CoordinatorQueues {
  readonly #connection: RedisOptions;
  readonly #providers: Map<string, QueueProvider>;
  readonly #register: (name: string) => Promise<unknown>;
  readonly #onError: (error: Error) => void;
  readonly #open = new Map<string, Promise<QueueHandles>>();
  /** Every BullMQ client made, opened or still opening, for a close that cannot reach Redis to drop. */
  readonly #clients = new Set<Queue | QueueEvents | QueueEventsProducer>();

  /**
   * @param connection Redis connection options (BullMQ opens its own clients).
   * @param options The plan's HTTP providers, how a queue's name is registered for workers to find, and who
   * hears of connection errors (the clients retry them).
   */
  constructor(connection: RedisOptions, options: {
    providers: readonly QueueProvider[];
    register: (name: string) => Promise<unknown>;
    onError: (error: Error) => void;
  }) {
    this.#onError = options.onError;
    this.#connection = connection;
    this.#providers = new Map(options.providers.map((provider) => [providerQueue(provider.name), provider]));
    this.#register = options.register;
  }

  /**
   * The queue of a name, opened (with its limits set and its events listening) on first use.
   *
   * @param name The queue's name.
   * @returns Its handles.
   */
  get(name: string): Promise<QueueHandles> {
    let handles = this.#open.get(name);
    if (handles === undefined) {
      handles = this.#openQueue(name);
      this.#open.set(name, handles);
    }
    return handles;
  }

  /**
   * Closes every queue's clients. When Redis cannot be reached (now, or before they have closed), they cannot close
   * cleanly: they are dropped (their connections end, what they still held is lost) and this resolves at once.
   *
   * @param away Resolves when Redis cannot be reached.
   */
  async close(away: Promise<void>): Promise<void> {
    const opening = [...this.#open.values()];
    this.#open.clear();
    const closing = Promise.all(opening).then((open) =>
      Promise.all(
        open.flatMap(({ queue, events, producer }) => [queue.close(), events.close(), producer.close()]),
      )
    );
    const closed = await Promise.race([closing.then(() => true), away.then(() => false)]);
    if (closed) return;
    // What the close still waits for fails once the connections are dropped: heard as connection errors are.
    void closing.catch((error) => this.#onError(error));
    // Not waited for: BullMQ waits for ioredis to say the connection ended, which one that is reconnecting never says.
    for (const client of this.#clients) void client.disconnect().catch((error) => this.#onError(error));
  }

  async #openQueue(name: string): Promise<QueueHandles> {
    const options = { connection: this.#connection, prefix: CLUSTER_PREFIX };
    const queue = new Queue(name, options);
    const events = new QueueEvents(name, options);
    const producer = new QueueEventsProducer(name, options);
    for (const client of [queue, events, producer]) this.#clients.add(client);
    queue.on("error", this.#onError);
    events.on("error", this.#onError);
    producer.on("error", this.#onError);
    const listeners = new Map<string, JobListener>();
    events.on("completed", ({ jobId, returnvalue }) => listeners.get(jobId)?.completed(returnvalue));
    events.on("failed", ({ jobId, failedReason }) => listeners.get(jobId)?.failed(failedReason));
    events.on("progress", ({ jobId, data }) => listeners.get(jobId)?.progress(data));
    events.on("stalled", ({ jobId }) => listeners.get(jobId)?.stalled());
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), producer.waitUntilReady()]);
    const provider = this.#providers.get(name);
    if (provider !== undefined) {
      const { max, duration } = queueRateLimit(provider.rate);
      await queue.setGlobalConcurrency(provider.concurrency);
      await queue.setGlobalRateLimit(max, duration);
    }
    await this.#register(name);
    const watch = (jobId: string, listener: JobListener) => {
      listeners.set(jobId, listener);
      return () => {
        if (listeners.get(jobId) === listener) listeners.delete(jobId);
      };
    };
    return { queue, events, producer, watch };
  }
}
