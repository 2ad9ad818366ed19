/**
 * A watchdog for a workflow's load. Its top-level code runs on the main thread, and code that never returns
 * (`while (true) {}`) blocks that thread, its timers and its signal handlers with it: a render stayed silent, and
 * Ctrl-C and SIGTERM did nothing, until it was killed (fi3). A step worker keeps listening meanwhile (see
 * `_load_watch.ts`): one started early for the render (starting a thread of its own took 40–130 ms of the main
 * thread), else one started for it. A main thread that answers handles a signal and a slow load itself (a top-level
 * await that waits: the loader's "Still loading" and the render's "Cancelled before any step ran"): only a caller
 * with its own signal handlers may start one (a listener in any thread replaces the signals' default end).
 * @module
 */
import { peekEarlyWorker, STEP_WORKER_URL } from "./early_workers.ts";
import type { ToWorker } from "./worker_protocol.ts";

/** How long the main thread has to answer the watchdog before it counts as held, in ms. */
export const ANSWER_MS = 1000;

/** A running watchdog. */
export interface LoadWatchdog {
  /** Ends it: the workflow's code has run. */
  stop(): void;
}

/**
 * Starts a watchdog for the load of `file`, and resolves once it listens (a worker started early has loaded by the
 * time the CLI's modules have: no wait then).
 *
 * @param file The workflow file, as the user named it.
 * @param slowAfterMs When a load still going on is told.
 * @returns The watchdog; stop it once the workflow's code has run. One whose worker fails to start watches nothing
 *   (the render's pool tells that failure).
 *
 * @example
 * ```ts
 * import { startLoadWatchdog } from "./load_watchdog.ts";
 * const watchdog = await startLoadWatchdog("workflows/lesson.ts", 10_000);
 * watchdog.stop();
 * ```
 */
export async function startLoadWatchdog(file: string, slowAfterMs: number): Promise<LoadWatchdog> {
  const early = peekEarlyWorker(STEP_WORKER_URL);
  const worker = early?.worker ??
    new Worker(STEP_WORKER_URL.href, { type: "module", name: "reel-load-watchdog" });
  const started = early?.ready ?? new Promise<void>((resolve, reject) => {
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
    worker.onmessage = (event) => {
      if ((event.data as { type?: unknown } | null)?.type === "ready") resolve();
    };
  });
  const send = (message: ToWorker) => worker.postMessage(message);
  const watching = Promise.withResolvers<boolean>();
  const onMessage = (event: MessageEvent) => {
    const type = (event.data as { type?: unknown } | null)?.type;
    if (type === "watching") watching.resolve(true);
    // Asked whether this thread runs: it does.
    if (type === "alive?") send({ type: "alive" });
  };
  worker.addEventListener("message", onMessage);
  send({ type: "watch-load", file, slowAfterMs, answerMs: ANSWER_MS });
  started.catch(() => watching.resolve(false));
  const stop = () => {
    worker.removeEventListener("message", onMessage);
    if (early === undefined) worker.terminate();
    else send({ type: "load-done" });
  };
  if (await watching.promise) return { stop };
  stop();
  return { stop: () => {} };
}
