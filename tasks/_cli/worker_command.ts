/**
 * `worker`: joins a cluster and runs the steps coordinators queue in its Redis (`deno task worker`, or `reel
 * worker` from the compiled binary). The first Ctrl-C stops taking jobs and lets the running ones finish; a second
 * exits at once (BullMQ then hands its jobs to other workers). When Redis cannot be reached, the first exits at once
 * (code 1): nothing can be handed back.
 * @module
 */
import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { resolve } from "node:path";
import { isQueueName, QUEUE_GROUPS } from "../../lib/cluster/cluster_job.ts";
import { redisTarget } from "../../lib/cluster/redis_target.ts";
import { closestName } from "../../lib/core/closest_name.ts";
import { InputError } from "../../lib/core/errors.ts";
import { plural } from "../../lib/core/plural.ts";
import { listenForStop } from "../../lib/core/stop_signals.ts";
import { findFfmpeg } from "../../lib/media/ffmpeg.ts";
import { isMissing, pathTrouble } from "../../lib/core/exists.ts";
import { ensureWritableFolder } from "../../lib/run/render_workflows.ts";
import { stepKinds } from "../../lib/workflow/step_kinds.ts";
import { strayNotice, WorkerPool } from "../../lib/workers/worker_pool.ts";
import { type CommandOutcome, EXIT, folderName, list, positiveInteger } from "./options.ts";

const EXAMPLES = `
Examples:
  deno task worker --redis redis://10.0.0.5:6379 --allow-root /mnt/course
  REDIS_URL=rediss://:secret@redis.example:6380 deno task worker --cpu 8 --allow-root /srv/reel
  ./dist/reel worker --redis redis://10.0.0.5:6379 --store s3://my-bucket/course --allow-root /srv/reel`;

/**
 * Parses `--queues`: names of reel's queues only. A name no job is ever queued under (`gpu` for `cpu`) made a
 * worker that ran nothing, and the render it was started for waited in silence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queueNames } from "./worker_command.ts";
 * assert.deepEqual(queueNames("cpu,provider-openai", undefined), ["cpu", "provider-openai"]);
 * assert.throws(() => queueNames("gpu", undefined), /Unknown queue "gpu" \(did you mean "cpu"\?\)/);
 * assert.throws(() => queueNames("provider-Fake", undefined), /\(did you mean "provider-fake"\?\)/);
 * ```
 */
export function queueNames(value: string, previous: string[] | undefined): string[] {
  const names = list(value, previous);
  const unknown = names.find((name) => !isQueueName(name));
  if (unknown !== undefined) {
    // Provider names are lowercase in workflows, and so in their queues' names.
    const guess = isQueueName(unknown.toLowerCase())
      ? unknown.toLowerCase()
      : closestName(unknown, QUEUE_GROUPS);
    throw new InvalidArgumentError(
      `Unknown queue "${unknown}"${guess === null ? "" : ` (did you mean "${guess}"?)`}: the queues are ` +
        `${QUEUE_GROUPS.join(", ")} and provider-<name>`,
    );
  }
  return names;
}

/**
 * Adds `worker` to the program.
 *
 * @param program The program.
 * @param outcome Where the exit code goes.
 */
export function addWorkerCommand(program: Command, outcome: CommandOutcome): void {
  program.command("worker")
    .description("Run the steps that renders put in a cluster's queues (Redis + BullMQ)")
    .option("--redis <url>", "the cluster's Redis: redis://host:6379[/db] or rediss:// (default: REDIS_URL)")
    .option(
      "--concurrency <n>",
      "jobs at once from each provider's queue and the steps queue",
      positiveInteger,
      4,
    )
    .option("--cpu <n>", "CPU-heavy jobs at once (default: cores)", positiveInteger)
    .option(
      "--allow-root <dir>",
      "a folder whose workflow modules (custom steps) and stores jobs may name (repeatable)",
      list,
    )
    .option(
      "--queues <names>",
      "work only these queues: cpu, steps, providers, provider-<name> (comma-separated)",
      queueNames,
    )
    .option(
      "--store <location>",
      "the shared store as this host sees it: a folder or s3://bucket/prefix",
      folderName,
    )
    .option(
      "--cache <dir>",
      "this worker's local folder (an object store's cached files)",
      folderName,
      ".reel-worker",
    )
    .option(
      "--lock-ms <ms>",
      "how long a job stays with a worker that stopped answering (at least 1000)",
      lockMs,
      30_000,
    )
    .addHelpText("after", EXAMPLES)
    .action(async (options) => {
      outcome.exitCode = await runWorker({
        redis: options.redis,
        concurrency: options.concurrency,
        cpu: options.cpu ?? navigator.hardwareConcurrency,
        allowRoots: options.allowRoot ?? [],
        store: options.store ?? null,
        cache: options.cache,
        lockMs: options.lockMs,
        queues: options.queues,
      });
    });
}

async function runWorker(options: {
  redis: string | undefined;
  concurrency: number;
  cpu: number;
  allowRoots: string[];
  store: string | null;
  cache: string;
  lockMs: number;
  queues: string[] | undefined;
}): Promise<number> {
  const redis = redisTarget(options.redis);
  // BullMQ and ioredis are loaded by the commands that use them, not by every command.
  const { checkRedis } = await import("../../lib/cluster/redis_connection.ts");
  const { ClusterWorker } = await import("../../lib/cluster/cluster_worker.ts");
  const store = options.store === null || options.store.startsWith("s3://")
    ? options.store
    : resolve(options.store);
  // Checked before "ready": a worker that cannot write them took jobs and failed every one ("Read-only file system:
  // tmpdir"), beside healthy workers; one naming a folder that is not there made a store of its own, whose
  // artifacts the coordinator could not find.
  if (store !== null && !store.startsWith("s3://")) await sharedStoreFolder(store);
  // The cache holds a bucket's files only (a bucket named here, or by the jobs when --store is left out): a worker
  // of a folder store never writes it, and it is made only when first used.
  if (store === null || store.startsWith("s3://")) {
    await ensureWritableFolder(resolve(options.cache), "worker's cache folder", {
      make: false,
      hint: "Choose another folder with --cache",
    });
  }
  // Before Redis is reached: a mistyped root is told as such, not behind a Redis that is not up yet.
  const allowRoots = await Promise.all(options.allowRoots.map(realFolder));
  await checkRedis(redis);
  const ffmpeg = await findFfmpeg();
  const say = (line: string) => console.error(`reel worker ${Deno.hostname()}:${Deno.pid}: ${line}`);
  const pool = new WorkerPool({
    size: options.cpu,
    onCrash: (n, error) => say(`step runner ${n} crashed: ${error}`),
    onStray: (n, stray) => say(strayNotice(`step runner ${n}`, stray)),
  });
  await pool.ready();
  const worker = await ClusterWorker.start({
    redis,
    executor: pool,
    kinds: stepKinds(),
    ffmpeg,
    concurrency: options.concurrency,
    cpu: options.cpu,
    allowRoots,
    store,
    cacheDir: resolve(options.cache),
    lockMs: options.lockMs,
    queues: options.queues,
    onLog: say,
  });
  // The signals are heard before "ready" is said: a supervisor (or a test) that stops the worker once it reads
  // "ready" gets the orderly stop, not the signal's default action (exit 143, nothing handed back).
  const stopped = new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = () => {
      if (stopping) {
        // Said, not left silent: their jobs go to other workers once their locks expire (BullMQ's stalled check).
        const left = worker.runningSteps;
        if (left.length > 0) {
          say(
            `left ${plural(left.length, "running step")} to other workers: ${
              left.join(", ")
            } (each starts again ` +
              `on one once its lock expires, within ${options.lockMs / 1000} s: --lock-ms)`,
          );
        }
        Deno.exit(EXIT.interrupted);
      }
      stopping = true;
      // Without Redis, the close says what it did as soon as it has (at once).
      if (worker.connected) {
        say("stopping: running steps finish first (Ctrl-C again to leave them to other workers)");
      }
      resolveStop();
    };
    listenForStop(stop);
  });
  // Without a root, a job is taken only when its store is this worker's --store or a bucket, and its step has no
  // workflow code: say so, as every other job is refused.
  const roots = allowRoots.length > 0
    ? allowRoots.join(", ")
    : `none (only steps without workflow code${
      options.store === null
        ? ", whose store is a bucket (s3://): a render's store folder needs --allow-root"
        : ""
    })`;
  say(
    `ready on ${redis.redacted}: concurrency ${options.concurrency}, cpu ${options.cpu}, allowed roots ${roots}`,
  );
  await stopped;
  const closed = await worker.close();
  await pool.close();
  if (closed.left) {
    say("stopped");
    return EXIT.interrupted;
  }
  const jobs = closed.stopped === 0
    ? "no job was running"
    : `${plural(closed.stopped, "running job")} stopped here, left for other workers once Redis is back`;
  say(`stopped without reaching Redis at ${redis.redacted}: ${jobs}`);
  return EXIT.failed;
}

const STORE_HINT =
  "Name the coordinator's store as this host mounts it; before its first render, make it (mkdir -p on the mount)";

/** A folder store the worker shares with the coordinator: there already (the coordinator made it), and writable. */
async function sharedStoreFolder(store: string): Promise<void> {
  const found = await Deno.stat(store).catch((error) => {
    if (isMissing(error)) return null;
    // A loop of links, a name too long, a folder it may not enter (fi22: Deno's words and a trace).
    const trouble = pathTrouble(error, store);
    if (trouble === null) throw error;
    throw new InputError(`Cannot use --store ${store}: ${trouble}`, { where: "--store", hint: STORE_HINT });
  });
  if (found === null) {
    throw new InputError(`--store ${store} does not exist`, { where: "--store", hint: STORE_HINT });
  }
  await ensureWritableFolder(store, "worker's shared store", { make: false, hint: STORE_HINT });
}

async function realFolder(path: string): Promise<string> {
  try {
    const real = await Deno.realPath(path);
    if ((await Deno.stat(real)).isDirectory) return real;
  } catch (error) {
    // Not there, through a file, a loop of links, a name too long (fi22: Deno's words and a trace).
    const trouble = pathTrouble(error, path);
    if (trouble === null) throw error;
    if (!isMissing(error)) {
      throw new InputError(`--allow-root ${path} is not a folder: ${trouble}`, { where: "--allow-root" });
    }
  }
  throw new InputError(`--allow-root ${path} is not a folder`, { where: "--allow-root" });
}

/** The shortest job lock a worker takes: BullMQ renews it at half its length, while the step runs. */
const MIN_LOCK_MS = 1000;

/**
 * Parses `--lock-ms`: a whole number of milliseconds, at least {@linkcode MIN_LOCK_MS} (a lock of 10 ms expired
 * before it was renewed: every job "stalled more than allowable limit", and the worker's log filled with lock
 * errors).
 */
function lockMs(value: string): number {
  const ms = positiveInteger(value);
  if (ms < MIN_LOCK_MS) {
    throw new InvalidArgumentError(
      `Expected at least ${MIN_LOCK_MS} ms (BullMQ renews the lock at half of it)`,
    );
  }
  return ms;
}
