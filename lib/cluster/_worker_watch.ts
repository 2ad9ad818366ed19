/**
 * Whether the queues a render's steps wait in have a live worker: a render whose steps wait where no worker takes
 * them would otherwise wait in silence. The workers' heartbeats are read when a step is queued in a queue not seen
 * before or while no step waited, and every heartbeat while steps wait; the render is told once when no worker
 * listens at all, once when steps wait in a queue that no live worker takes (their `--queues` leave it out), and
 * once when a worker for such a queue appears (its heartbeat is read, or it takes a step first). It only tells: the
 * steps keep waiting, as a worker may start at any time. After Redis was away, a look tells of no worker only once
 * the workers have had {@linkcode SETTLE_MS} to write their entries again: those that lapsed, or a Redis restarted
 * empty, are no sign that the workers left.
 * @module
 */
import type { Redis } from "ioredis";
import { messageOf } from "../core/errors.ts";
import type { WorkerId } from "../core/executor.ts";
import { listed, plural } from "../core/plural.ts";
import type { RedisLink } from "./_redis_link.ts";
import { HEARTBEAT_MS, liveWorkers, servesQueue, type WorkerInfo } from "./_worker_heartbeat.ts";

/**
 * How long after Redis is back a look may tell that no worker takes a queue, in ms: an entry's lifetime. A worker
 * reconnects within a second (see `redis_connection.ts`) and writes its entry every {@linkcode HEARTBEAT_MS}.
 */
const SETTLE_MS = HEARTBEAT_MS * 3;

/** Options for {@linkcode WorkerWatch}. */
export interface WorkerWatchOptions {
  /** The Redis URL as shown (no password). */
  redacted: string;
  /** Hears each notice. */
  onNotice: (message: string) => void;
  /** The connection's watch: whether Redis answers now, and when it is back after a loss (closed or silent). */
  link: Pick<RedisLink, "connected" | "onBack">;
}

/** Watches the workers that take the queues a render's steps wait in, and tells when some queue has none. */
export class WorkerWatch {
  readonly #redis: Redis;
  readonly #options: WorkerWatchOptions;
  /** Steps waiting on the cluster now, by queue. */
  readonly #waiting = new Map<string, number>();
  /** The queues steps have waited in. */
  readonly #seen = new Set<string>();
  /** The queues told to have no worker that takes them, until one has. */
  readonly #unserved = new Set<string>();
  /** The queues steps waited in while no worker at all was there (told so), until a worker takes them. */
  readonly #unheard = new Set<string>();
  readonly #stop = new AbortController();
  #wake = Promise.withResolvers<void>();
  #running: Promise<void> | null = null;
  /** Whether the last look found no worker at all and said so. */
  #noneTold = false;
  /** Whether the last look failed and said so. */
  #failureTold = false;
  /** When Redis was last back after being away (`performance.now()`); null if it never was away. */
  #backAt: number | null = null;
  readonly #stopHearing: () => void;

  /**
   * @param redis The cluster's Redis.
   * @param options How the Redis is shown, and who hears the notices.
   */
  constructor(redis: Redis, options: WorkerWatchOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#stopHearing = options.link.onBack(() => this.#backAt = performance.now());
  }

  /**
   * Counts a step waiting in `queue` until `done` settles, and looks for its workers at once when no step was
   * waiting, or none ever in that queue (else at the next heartbeat).
   *
   * @param queue The step's queue.
   * @param done Settles when the step no longer waits on the cluster.
   * @returns The watch's work when it starts now (for the caller to keep until it closes), or null.
   */
  waits(queue: string, done: Promise<unknown>): Promise<void> | null {
    const wake = this.#waiting.size === 0 || !this.#seen.has(queue);
    this.#seen.add(queue);
    this.#waiting.set(queue, (this.#waiting.get(queue) ?? 0) + 1);
    const settled = () => {
      const left = (this.#waiting.get(queue) ?? 1) - 1;
      if (left === 0) this.#waiting.delete(queue);
      else this.#waiting.set(queue, left);
    };
    done.then(settled, settled);
    if (wake) this.#wake.resolve();
    if (this.#running !== null || this.#stop.signal.aborted) return null;
    this.#running = this.#run();
    return this.#running;
  }

  /**
   * Hears that a worker took a step of `queue`: a queue told to have no worker has one now.
   *
   * @param queue The step's queue.
   * @param worker The worker that took it.
   */
  started(queue: string, worker: WorkerId): void {
    const told = this.#unserved.delete(queue);
    if (!this.#unheard.delete(queue) && !told) return;
    this.#options.onNotice(`${capitalized(named([queue]))} has a reel worker now (${worker}): its steps run`);
  }

  /** Stops looking: a look under way still tells what it finds. */
  stop(): void {
    this.#stop.abort();
    this.#wake.resolve();
    this.#stopHearing();
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      this.#wake = Promise.withResolvers<void>();
      let workers: WorkerInfo[] | null = null;
      // A look begun while Redis is away waits for it, then reads entries not yet written again; one that Redis
      // left during is no better.
      const backAt = this.#backAt;
      const settled = this.#options.link.connected &&
        (backAt === null || performance.now() - backAt >= SETTLE_MS);
      try {
        workers = await liveWorkers(this.#redis);
      } catch (error) {
        // Told once; the next heartbeat looks again (Redis may be back by then).
        if (!this.#failureTold) {
          this.#failureTold = true;
          this.#options.onNotice(`Cannot look for workers on ${this.#options.redacted}: ${messageOf(error)}`);
        }
      }
      if (workers !== null) {
        this.#failureTold = false;
        this.#look(workers, settled && this.#options.link.connected && this.#backAt === backAt);
      }
      if (signal.aborted) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // While steps wait, a worker for their queue may start (or one may stop) at any heartbeat.
      const beat = this.#waiting.size === 0
        ? null
        : new Promise<void>((resolve) => timer = setTimeout(resolve, HEARTBEAT_MS));
      await (beat === null ? this.#wake.promise : Promise.race([beat, this.#wake.promise]));
      clearTimeout(timer);
    }
  }

  /**
   * Tells what changed since the last look.
   *
   * @param workers The live workers' entries.
   * @param settled Whether the workers had {@linkcode SETTLE_MS} since Redis was back: else a queue that none of
   *   them takes is not told yet.
   */
  #look(workers: readonly WorkerInfo[], settled: boolean): void {
    const served = (queue: string) => workers.some((worker) => servesQueue(worker, queue));
    const told = [...new Set([...this.#unserved, ...this.#unheard])];
    const now = told.filter(served);
    if (now.length > 0) {
      for (const queue of now) {
        this.#unserved.delete(queue);
        this.#unheard.delete(queue);
      }
      this.#options.onNotice(this.#servedNotice(now, workers));
    }
    if (!settled) return;
    const waiting = [...this.#waiting.keys()].filter((queue) => !served(queue)).sort();
    if (workers.length === 0) {
      // No worker at all: said once, whatever the queues; which queue the first workers leave out is told then.
      const fresh = waiting.filter((queue) => !this.#unheard.has(queue) && !this.#unserved.has(queue));
      fresh.forEach((queue) => this.#unheard.add(queue));
      if (fresh.length > 0 && !this.#noneTold) {
        this.#noneTold = true;
        this.#options.onNotice(
          `No reel worker is listening on ${this.#options.redacted}: the steps wait in its queues until one ` +
            "starts (`deno task worker`, see README, Running a cluster)",
        );
      }
      return;
    }
    this.#noneTold = false;
    const fresh = waiting.filter((queue) => !this.#unserved.has(queue));
    for (const queue of fresh) {
      this.#unserved.add(queue);
      this.#unheard.delete(queue);
    }
    if (fresh.length > 0) this.#options.onNotice(this.#unservedNotice(fresh, workers));
  }

  /** Steps wait in `queues`, which none of the live `workers` takes. */
  #unservedNotice(queues: readonly string[], workers: readonly WorkerInfo[]): string {
    const taken = [...new Set(workers.flatMap((worker) => worker.wants ?? worker.queues))].sort().join(", ");
    const takes = workers.length === 1 ? "takes" : "take";
    const their = `the ${plural(workers.length, "worker")} there ${takes} ${taken || "no queue yet"}`;
    return `No live reel worker on ${this.#options.redacted} takes ${named(queues)} (${their}): ` +
      `${queues.length === 1 ? "its" : "their"} steps wait until one does ` +
      `(\`deno task worker --queues ${queues.join(",")}\`, or no --queues for every queue; see README, ` +
      "Running a cluster)";
  }

  /** A worker takes `queues` now. */
  #servedNotice(queues: readonly string[], workers: readonly WorkerInfo[]): string {
    const ids = workers
      .filter((worker) => queues.some((queue) => servesQueue(worker, queue)))
      .map((worker) => `${worker.host}:${worker.pid}`);
    const shown = ids.slice(0, 3).join(", ") + (ids.length > 3 ? ", …" : "");
    const [has, their] = queues.length === 1 ? ["has", "its"] : ["have", "their"];
    return `${capitalized(named(queues))} ${has} a reel worker now (${shown}): ${their} steps run`;
  }
}

/** `queue "cpu"`, `queues "cpu" and "steps"`. */
function named(queues: readonly string[]): string {
  const quoted = queues.map((queue) => `"${queue}"`);
  return `${quoted.length === 1 ? "queue" : "queues"} ${listed(quoted)}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
