/**
 * A worker process's entry in Redis, refreshed every two seconds and gone soon after the process is: its host,
 * pid, concurrency, the steps it runs now and when it last answered, for `reel cluster status`.
 * @module
 */
import type { Redis } from "ioredis";
import { PROVIDERS_QUEUES, WORKER_KEY_PREFIX } from "./cluster_job.ts";

/** A step a worker runs now. */
export interface RunningJob {
  /** The step's id. */
  step: string;
  kind: string;
  queue: string;
  /** When the worker took it (ms since the epoch). */
  since: number;
}

/** What a worker process says of itself. */
export interface WorkerInfo {
  host: string;
  pid: number;
  /** Jobs at once from each provider queue and the steps queue. */
  concurrency: number;
  /** Jobs at once from the CPU queue. */
  cpu: number;
  /** The queues it works now. */
  queues: string[];
  /**
   * The queues it works once it has found them (`--queues`: names, `providers` for every provider's queue), null for
   * every queue; absent in entries of older workers.
   */
  wants?: string[] | null;
  /** What it runs now. */
  running: RunningJob[];
  /** When it last answered (ms since the epoch). */
  heartbeat: number;
  /** When it started (ms since the epoch). */
  started: number;
  /** How long the entry lives after it is written, in ms (absent in entries of older workers, which wrote 6 s). */
  ttlMs?: number;
}

/**
 * Whether a worker that wants `wanted` (see {@linkcode WorkerInfo.wants}) works the queue `name`.
 *
 * @param wanted The queues it wants, or null for every queue.
 * @param name A queue.
 * @returns True when it works it (or will, once it has found it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { worksQueue } from "./_worker_heartbeat.ts";
 * assert.ok(worksQueue(null, "cpu"));
 * assert.ok(worksQueue(["providers"], "provider-voice"));
 * assert.ok(!worksQueue(["providers"], "cpu"));
 * ```
 */
export function worksQueue(wanted: readonly string[] | null, name: string): boolean {
  return wanted === null || wanted.includes(name) ||
    (wanted.includes(PROVIDERS_QUEUES) && name.startsWith("provider-"));
}

/**
 * Whether a live worker works the queue `name`: the queues it wants, found yet or not (each worker looks for new
 * queues every second); an older worker's entry, without `wants`, says only what it works now.
 *
 * @param worker What the worker says of itself.
 * @param name A queue.
 * @returns True when it works it (or will, once it has found it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { servesQueue } from "./_worker_heartbeat.ts";
 * assert.ok(servesQueue({ queues: [], wants: ["cpu"] }, "cpu"));
 * assert.ok(!servesQueue({ queues: ["steps"] }, "cpu"));
 * ```
 */
export function servesQueue(worker: Pick<WorkerInfo, "queues" | "wants">, name: string): boolean {
  return worker.wants === undefined ? worker.queues.includes(name) : worksQueue(worker.wants, name);
}

/** How often the entry is refreshed, in ms; it expires after three missed refreshes. */
export const HEARTBEAT_MS = 2000;
/** How long an entry lives after it was written, in ms. */
const ENTRY_TTL_MS = HEARTBEAT_MS * 3;

/** A live worker's entry as read: what it says of itself, and how long ago it said it. */
export interface SeenWorker extends WorkerInfo {
  /**
   * Ms since the entry was last written, by Redis's clock (its time to live counted down), so that a worker whose
   * host's clock differs from the reader's is not taken for silent.
   */
  ageMs: number;
}

/** Keeps one worker process's entry fresh. */
export class WorkerHeartbeat {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #info: () => Omit<WorkerInfo, "heartbeat">;
  readonly #onError: (error: unknown) => void;
  #timer: ReturnType<typeof setInterval> | null = null;

  /**
   * @param redis The client.
   * @param options The worker's id (`host:pid`), what to say of it, and who hears of a failed refresh.
   */
  constructor(redis: Redis, options: {
    id: string;
    info: () => Omit<WorkerInfo, "heartbeat">;
    onError: (error: unknown) => void;
  }) {
    this.#redis = redis;
    this.#key = `${WORKER_KEY_PREFIX}${options.id}`;
    this.#info = options.info;
    this.#onError = options.onError;
  }

  /** Writes the entry now and every {@linkcode HEARTBEAT_MS}. */
  async start(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => void this.beat().catch(this.#onError), HEARTBEAT_MS);
  }

  /** Writes the entry now (when a job starts or ends, so status is current). */
  async beat(): Promise<void> {
    const info: WorkerInfo = { ...this.#info(), heartbeat: Date.now(), ttlMs: ENTRY_TTL_MS };
    await this.#redis.set(this.#key, JSON.stringify(info), "PX", ENTRY_TTL_MS);
  }

  /** Stops refreshing and removes the entry. */
  async stop(): Promise<void> {
    this.halt();
    await this.#redis.del(this.#key);
  }

  /** Stops refreshing, leaving the entry to expire (when Redis cannot be reached to remove it). */
  halt(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/**
 * Reads the entries of the worker processes alive now (an entry expires three beats after its worker stopped
 * answering), sorted by host and pid.
 *
 * @param redis The client.
 * @returns What each worker says of itself, and how long ago.
 */
export async function liveWorkers(redis: Redis): Promise<SeenWorker[]> {
  const workers: SeenWorker[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${WORKER_KEY_PREFIX}*`, "COUNT", 100);
    cursor = next;
    if (keys.length === 0) continue;
    // Each entry and its time to live in one round trip (MULTI: read at one instant).
    const pipeline = redis.multi();
    for (const key of keys) pipeline.get(key).pttl(key);
    const replies = (await pipeline.exec()) ?? [];
    for (let i = 0; i < keys.length; i++) {
      const [textError, text] = replies[2 * i] ?? [];
      const [ttlError, ttl] = replies[2 * i + 1] ?? [];
      if (textError) throw textError;
      if (ttlError) throw ttlError;
      // Gone between the scan and the read (-2), or an entry without a time to live (-1: not a worker's).
      if (typeof text !== "string" || typeof ttl !== "number" || ttl < 0) continue;
      const info = JSON.parse(text) as WorkerInfo;
      // The life its writer gave it: a worker of another version may give another (rv15).
      const life = typeof info.ttlMs === "number" && Number.isFinite(info.ttlMs) ? info.ttlMs : ENTRY_TTL_MS;
      workers.push({ ...info, ageMs: Math.max(0, life - ttl) });
    }
  } while (cursor !== "0");
  return workers.sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
}
