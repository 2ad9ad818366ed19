/**
 * A watchdog for a workflow's load. Its top-level code runs on the main thread, and code that never returns
 * (`while (true) {}`) blocks that thread, its timers and its signal handlers with it: a render stayed silent, and
 * Ctrl-C and SIGTERM did nothing, until it was killed (fi3). A step worker keeps listening meanwhile (see
 * `_load_watch.ts`): one started early for the render's pool (a thread of its own took 40–130 ms of the main
 * thread, and was thrown away). A main thread that answers handles a signal and a slow load itself (a top-level
 * await that waits: the loader's "Still loading" and the render's "Cancelled before any step ran"): only a caller
 * with its own signal handlers may start one (a listener in any thread replaces the signals' default end).
 * @module
 */
import { peekEarlyWorker, startWorkersEarly, STEP_WORKER_URL } from "./early_workers.ts";
import type { ToWorker } from "./worker_protocol.ts";

/** How long the main thread has to answer the watchdog before it counts as held, in ms. */
export const ANSWER_MS = 1000;

/** A running watchdog. */
export interface LoadWatchdog {
  /** Ends it: the workflow's code has run. */
  stop(): void;
}

/** How long a watch may take to start before the load goes on without one, in ms. */
const START_MS = 10_000;

/**
 * Starts a watchdog for the loads of `files`, and resolves once it listens: on a worker started early for the
 * render's pool, or, where there is none (one core, a cluster render), on one started now and left for the pool to
 * take (rv5: one started and thrown away cost a render ~100 ms).
 *
 * @param files The workflow files, as the user named them.
 * @param slowAfterMs When a load still going on is told.
 * @returns The watchdog; stop it once the workflows' code has run. One whose worker fails, or does not listen within
 *   {@linkcode START_MS}, watches nothing (the pool tells a worker's failure).
 *
 * @example
 * ```ts
 * import { dropEarlyWorkers } from "./early_workers.ts";
 * import { startLoadWatchdog } from "./load_watchdog.ts";
 * const watchdog = await startLoadWatchdog("workflows/lesson.ts", 10_000);
 * watchdog.stop();
 * dropEarlyWorkers();
 * ```
 */
export async function startLoadWatchdog(files: string, slowAfterMs: number): Promise<LoadWatchdog> {
  if (peekEarlyWorker(STEP_WORKER_URL) === undefined) startWorkersEarly(1);
  const { worker, ready } = peekEarlyWorker(STEP_WORKER_URL)!;
  const send = (message: ToWorker) => worker.postMessage(message);
  const watching = Promise.withResolvers<boolean>();
  const onMessage = (event: MessageEvent) => {
    const type = (event.data as { type?: unknown } | null)?.type;
    if (type === "watching") watching.resolve(true);
    // Asked whether this thread runs: it does.
    if (type === "alive?") send({ type: "alive" });
  };
  // A worker that fails before it listens, or dies after its "ready" (rv5: the wait never ended).
  const failed = () => watching.resolve(false);
  worker.addEventListener("message", onMessage);
  worker.addEventListener("error", failed);
  ready.catch(failed);
  const late = setTimeout(failed, START_MS);
  send({ type: "watch-load", file: files, slowAfterMs, answerMs: ANSWER_MS });
  const stop = () => {
    clearTimeout(late);
    worker.removeEventListener("message", onMessage);
    worker.removeEventListener("error", failed);
    send({ type: "load-done" });
  };
  if (await watching.promise) return { stop };
  stop();
  return { stop: () => {} };
}
