/**
 * `cluster status`: the workers of a cluster (host, pid, concurrency, current steps, heartbeat, the queues they
 * take), its queues (waiting, active, delayed, failed) and its providers' pauses.
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import type { ClusterStatus } from "../../lib/cluster/cluster_status.ts";
import { redisTarget } from "../../lib/cluster/redis_target.ts";

/**
 * Adds `cluster status` to the program.
 *
 * @param program The program.
 */
export function addClusterCommands(program: Command): void {
  const cluster = program.command("cluster").description("Look at a cluster of workers (Redis + BullMQ)");
  cluster.command("status")
    .description("Print the cluster's workers, queues and provider pauses")
    .option("--redis <url>", "the cluster's Redis: redis://host:6379[/db] or rediss:// (default: REDIS_URL)")
    .option("--json", "print JSON")
    .action(async (options) => {
      const target = redisTarget(options.redis);
      // BullMQ and ioredis are loaded by the commands that use them, not by every command.
      const { checkRedis } = await import("../../lib/cluster/redis_connection.ts");
      const { clusterStatus } = await import("../../lib/cluster/cluster_status.ts");
      await checkRedis(target);
      const status = await clusterStatus(target);
      console.log(options.json === true ? JSON.stringify(status, null, 2) : statusText(status));
    });
}

/**
 * The status as lines of text: a worker silent for longer than `status.silentAfterMs` is marked so, and its
 * steps as what it last said it ran. Times are each worker's age by Redis's clock, and its steps' by its own (rv14:
 * this host's clock against the worker's marked a worker on a host 4 s behind as always silent).
 *
 * @param status The cluster's state.
 * @returns The lines.
 */
export function statusText(status: ClusterStatus): string {
  const lines = [`workers: ${status.workers.length}`];
  for (const worker of status.workers) {
    const seen = (worker.ageMs / 1000).toFixed(1);
    const silent = worker.ageMs > status.silentAfterMs;
    // What its --queues names (an older worker's entry says only the queues it works now).
    const takes = worker.wants === null ? "all" : (worker.wants ?? worker.queues).join(",") || "none yet";
    lines.push(
      `  ${worker.host}:${worker.pid}  concurrency ${worker.concurrency}, cpu ${worker.cpu}  heartbeat ${seen}s ago` +
        `${silent ? " (silent: killed or stuck?)" : ""}  running ${worker.running.length}  queues ${takes}`,
    );
    for (const job of worker.running) {
      lines.push(
        `    ${job.step} (${job.kind}, ${job.queue}) for ${
          ((worker.heartbeat - job.since + worker.ageMs) / 1000).toFixed(1)
        }s` +
          `${silent ? " (as it last said)" : ""}`,
      );
    }
  }
  lines.push(`queues: ${status.queues.length}`);
  for (const queue of status.queues) {
    const limits = [
      queue.concurrency === null ? null : `concurrency ${queue.concurrency}`,
      queue.rate === null || queue.rate.max >= 1_000_000
        ? null
        : `rate ${queue.rate.max}/${queue.rate.duration}ms`,
      queue.pausedMs > 0 ? `paused ${(queue.pausedMs / 1000).toFixed(1)}s` : null,
    ].filter((part) => part !== null);
    lines.push(
      `  ${queue.name}  waiting ${queue.waiting}, active ${queue.active}, delayed ${queue.delayed}, ` +
        `failed ${queue.failed}${limits.length > 0 ? `  (${limits.join(", ")})` : ""}`,
    );
  }
  return lines.join("\n");
}
