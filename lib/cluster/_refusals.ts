/**
 * Where a job goes that a worker refuses for a reason of its own (another ffmpeg, an older step kind, a folder it
 * was not allowed): back to its queue for another worker, while a live worker that works the queue has not refused
 * it yet. Each refusal is recorded in Redis under the job's attempt (for an hour), so that the last live worker to
 * refuse it fails it, with every worker's reason. A refusal whose reason other jobs share (their store outside the
 * worker's folders, another planned ffmpeg) is recorded under that too: a worker that refused one such job counts
 * as refusing them all (fi13: with every worker refusing every job, each took back the jobs it had refused while the
 * others stepped back, and the render waited for good).
 * @module
 */
import type { Redis } from "ioredis";
import { liveWorkers, servesQueue } from "./_worker_heartbeat.ts";
import { REFUSALS_KEY_PREFIX } from "./cluster_job.ts";
import { sha256Hex } from "../core/sha256.ts";

/** How long a job's refusals are remembered, in ms. */
const REFUSALS_TTL_MS = 3_600_000;

/** A worker's refusal of a job. */
export interface Refusal {
  /** The worker's id (`host:pid`). */
  worker: string;
  /** Why it refused. */
  reason: string;
}

/** What other jobs share that the reason is about (see `JobRefusedError.sameFor`), or null. */
type SameFor = { sameFor?: string | null };

/** What becomes of a refused job: handed back while some live worker of its queue has not refused it. */
export type RefusalVerdict =
  | { handBack: true; candidates: string[] }
  | { handBack: false; others: Refusal[] };

/**
 * Records a worker's refusal of a job and says whether another live worker of the queue may still take it.
 *
 * @param redis The cluster's Redis.
 * @param refusal The queue, the job and its attempt, the refusing worker and why.
 * @returns The workers that may still take it (hand it back), or, when none, the other workers' refusals.
 */
export async function recordRefusal(
  redis: Redis,
  refusal: Refusal & SameFor & { queue: string; job: string; attempt: string },
): Promise<RefusalVerdict> {
  const key = `${REFUSALS_KEY_PREFIX}${refusal.queue}:${refusal.job}:${refusal.attempt}`;
  const shared = refusal.sameFor === null || refusal.sameFor === undefined
    ? null
    : `${REFUSALS_KEY_PREFIX}${refusal.queue}:same:${sha256Hex(refusal.sameFor).slice(0, 32)}`;
  const recording = redis.multi().hset(key, refusal.worker, refusal.reason).pexpire(key, REFUSALS_TTL_MS);
  if (shared !== null) {
    recording.hset(shared, refusal.worker, refusal.reason).pexpire(shared, REFUSALS_TTL_MS);
  }
  await recording.exec();
  // The job's own refusals over those of the jobs that share its reason, which are said as such (rv23: another job's
  // reason read as this one's).
  const own = await redis.hgetall(key);
  const alike = shared === null ? {} : await redis.hgetall(shared);
  const refused: Record<string, string> = { ...alike, ...own };
  for (const worker of Object.keys(alike)) {
    if (!Object.hasOwn(own, worker)) refused[worker] = `a job like it: ${alike[worker]}`;
  }
  const candidates = (await liveWorkers(redis))
    // A live worker works the queue if it wants it, found yet or not: a job refused by the first worker to find its
    // queue waits for the others.
    .filter((worker) => servesQueue(worker, refusal.queue))
    .map((worker) => `${worker.host}:${worker.pid}`)
    .filter((worker) => !Object.hasOwn(refused, worker));
  if (candidates.length > 0) return { handBack: true, candidates };
  const others = Object.entries(refused)
    .filter(([worker]) => worker !== refusal.worker)
    .map(([worker, reason]) => ({ worker, reason }));
  return { handBack: false, others };
}
