/**
 * What a cluster is doing, read from its Redis: the workers that answered in the last few seconds (host, pid,
 * concurrency, the queues they take, the steps they run, their last heartbeat), and each queue's jobs by state, its
 * limits and whether its provider is paused (by a 429, or because its rate window is spent).
 * @module
 */
import { Queue } from "bullmq";
import { HEARTBEAT_MS, liveWorkers, type SeenWorker } from "./_worker_heartbeat.ts";
import { CLUSTER_PREFIX, QUEUES_KEY } from "./cluster_job.ts";
import { openRedis, redisOptions } from "./redis_connection.ts";
import type { RedisTarget } from "./redis_target.ts";

/** A queue's state. */
export interface QueueStatus {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Jobs at once across the cluster, or null for no bound. */
  concurrency: number | null;
  /** Jobs per window, or null. */
  rate: { max: number; duration: number } | null;
  /** Ms until the queue may start a job again (a 429's pause, a spent window), or 0. */
  pausedMs: number;
}

/**
 * How long a worker's entry may go without a heartbeat (one every {@linkcode HEARTBEAT_MS}) before it counts as
 * silent: killed or stuck. Its entry stays until it expires, three heartbeats after its last (fi14: a killed worker
 * was shown running its step beside the worker that took it over).
 */
export const SILENT_AFTER_MS = 2 * HEARTBEAT_MS;

/** The cluster's state. */
export interface ClusterStatus {
  /** Live workers, by host then pid. */
  workers: SeenWorker[];
  /** Queues, by name. */
  queues: QueueStatus[];
  /**
   * How long a worker may go without a heartbeat before it counts as silent ({@linkcode SILENT_AFTER_MS}), compared
   * with each worker's `ageMs`.
   */
  silentAfterMs: number;
}

/**
 * Reads a cluster's state.
 *
 * @param target The cluster's Redis.
 * @returns Workers and queues.
 *
 * @example
 * ```ts
 * import { clusterStatus } from "./cluster_status.ts";
 * // const { workers, queues } = await clusterStatus(parseRedisUrl("redis://127.0.0.1:6379", "--redis"));
 * ```
 */
export async function clusterStatus(target: RedisTarget): Promise<ClusterStatus> {
  const errors: Error[] = [];
  const redis = openRedis(target, { onError: (error) => errors.push(error) });
  try {
    await redis.connect();
    const workers = await liveWorkers(redis);
    const names = (await redis.smembers(QUEUES_KEY)).sort();
    const queues = await Promise.all(names.map((name) => queueStatus(target, name)));
    return { workers, queues, silentAfterMs: SILENT_AFTER_MS };
  } finally {
    redis.disconnect();
  }
}

async function queueStatus(target: RedisTarget, name: string): Promise<QueueStatus> {
  const queue = new Queue(name, { connection: redisOptions(target), prefix: CLUSTER_PREFIX });
  try {
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "prioritized");
    const rate = await queue.getGlobalRateLimit();
    const ttl = await queue.getRateLimitTtl(rate?.max ?? Number.MAX_SAFE_INTEGER);
    return {
      name,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      concurrency: await queue.getGlobalConcurrency(),
      rate,
      pausedMs: Math.max(0, ttl),
    };
  } finally {
    await queue.close();
  }
}
