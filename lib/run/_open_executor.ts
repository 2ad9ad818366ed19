/**
 * The executor a render runs on: the local Web Worker pool, or the cluster's workers through Redis and BullMQ.
 * @module
 */
import type { RedisTarget } from "../cluster/redis_target.ts";
import { type StepExecutor, WorkerCrashError } from "../core/executor.ts";
import type { Plan } from "../plan/plan.ts";
import type { OpenedStore } from "../store/open_store.ts";
import { strayNotice, WorkerPool } from "../workers/worker_pool.ts";
import { dropEarlyWorkers } from "../workers/early_workers.ts";
import { availableMemory } from "../core/available_memory.ts";
import { OnDemandExecutor } from "./on_demand_executor.ts";
import type { RunEvent } from "./run_events.ts";
import { poolSize } from "./worker_budget.ts";

/**
 * CPU-heavy steps a coordinator lets out at once: each worker bounds its own by its `--cpu`, so the coordinator's
 * cores must not cap the whole cluster.
 */
const CLUSTER_CPU = 1024;

/**
 * Opens the executor of a render. For a cluster, the plan's CPU layer is lifted (workers bound their own).
 *
 * @param plan The plan (its limits size the pool).
 * @param options The cluster (or none), the store workers reach, the listeners, and `stored`: true when the store
 * holds every step, so that no worker is expected to run one (a local pool then starts on its first step, if any);
 * `warm`: the kinds a local pool readies (see {@linkcode WorkerPool.warm}).
 * @returns The executor; close it after the run.
 * @throws {InputError} When the cluster's Redis cannot be reached.
 */
export async function openExecutor(plan: Plan, options: {
  cluster?: RedisTarget;
  /** How long a cluster's steps wait for its Redis when it goes away, in ms (the executor's default when absent). */
  redisTimeoutMs?: number;
  store: OpenedStore;
  onEvent?: (event: RunEvent) => void;
  onNotice?: (message: string) => void;
  stored?: boolean;
  /** How many steps of each kind will run, for a local pool to ready their code while the checks run. */
  warm?: ReadonlyMap<string, number>;
}): Promise<StepExecutor> {
  if (options.stored === true && options.cluster === undefined) {
    // Nothing to run: the workers the CLI started early stop now instead of loading code for nothing.
    dropEarlyWorkers();
    return new OnDemandExecutor(() => openExecutor(plan, { ...options, stored: false }));
  }
  if (options.cluster !== undefined) {
    plan.limits = { ...plan.limits, cpu: CLUSTER_CPU };
    // Loaded only for a cluster: BullMQ and ioredis stay out of a local render.
    const { ClusterExecutor } = await import("../cluster/cluster_executor.ts");
    return await ClusterExecutor.open({
      redis: options.cluster,
      store: options.store,
      storeLocation: options.store.location,
      providers: plan.providers,
      onWarning: options.onNotice,
      redisTimeoutMs: options.redisTimeoutMs,
    });
  }
  const { size, why } = poolSize(plan, await availableMemory());
  if (why !== null) options.onNotice?.(`${plan.limits.workers} workers asked for: starting ${size} (${why})`);
  if (size !== plan.limits.workers) plan.limits = { ...plan.limits, workers: size };
  let origin = performance.now();
  const pool = new WorkerPool({
    size,
    onCrash: (worker, error) =>
      options.onEvent?.({
        type: "worker:crashed",
        at: Math.round(performance.now() - origin),
        worker,
        error,
      }),
    onStray: (worker, stray) => options.onNotice?.(strayNotice(`worker ${worker}`, stray)),
  });
  // Those started early that it did not take (a smaller pool) stop.
  dropEarlyWorkers();
  if (options.warm !== undefined) pool.warm(options.warm);
  // Start the workers first, so provider calls paced by the limiters leave on schedule.
  await pool.ready().catch((error) => {
    if (!(error instanceof WorkerCrashError)) throw error;
  });
  origin = performance.now();
  return pool;
}
