/**
 * Sharing the limits a provider advertises: when its answers say it allows fewer requests per minute than its
 * queue's rate limit, the queue's limit is lowered in Redis, so every worker on every host follows at once.
 * @module
 */
import type { Queue } from "bullmq";
import type { RateLimitInfo } from "../core/step_task.ts";
import { queueRateLimit } from "./_coordinator_queues.ts";

/**
 * Lowers a provider queue's rate limit to what the provider advertised, when that is lower.
 *
 * @param queue The provider's queue.
 * @param info The rate-limit headers of an answer.
 * @param seen The limit last acted on per queue (each advertised limit is looked at once).
 */
export async function adoptAdvertisedRate(
  queue: Queue,
  info: RateLimitInfo,
  seen: Map<Queue, number>,
): Promise<void> {
  const limit = info.limitRequests;
  if (limit === null || limit <= 0 || seen.get(queue) === limit) return;
  seen.set(queue, limit);
  const wanted = queueRateLimit({ requests: limit, tokens: null, per: 60_000, burst: 1 });
  const current = await queue.getGlobalRateLimit();
  if (current === null || wanted.duration / wanted.max > current.duration / current.max) {
    await queue.setGlobalRateLimit(wanted.max, wanted.duration);
  }
}
