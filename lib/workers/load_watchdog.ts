/**
 * A watchdog for a workflow's load. Its top-level code runs on the main thread, and code that never returns
 * (`while (true) {}`) blocks that thread, its timers and its signal handlers with it: a render stayed silent, and
 * Ctrl-C and SIGTERM did nothing, until it was killed (fi3). A step worker keeps listening meanwhile (see
 * `_load_watch.ts`): one started early for the render (no thread of its own: starting one took 40–130 ms of the main
 * thread), else a worker started for it. A main thread that answers handles a signal and a slow load itself (a
 * top-level await that waits: the loader's "Still loading" and the render's "Cancelled before any step ran").
 * @module
 */
import { peekEarlyWorker, STEP_WORKER_URL } from "./early_workers.ts";
import type { ToWorker } from "./worker_protocol.ts";

/** How long the main thread has to answer the watchdog before it counts as stuck, in ms. */
export const ANSWER_MS = 1000;

/** A running watchdog. */
export interface LoadWatchdog {
  /** Ends it: the workflow's code has run. */
  stop(): void;
}

/**
 * Starts a watchdog for the load of `file`; not waited for (a worker gets ready on its own thread).
 *
 * @param file The workflow file, as the user named it.
 * @param slowAfterMs When a load still going on is told.
 * @returns The watchdog; stop it once the workflow's code has run.
 *
 * @example
 * ```ts
 * import { startLoadWatchdog } from "./load_watchdog.ts";
 * const watchdog = startLoadWatchdog("workflows/lesson.ts", 10_000);
 * watchdog.stop();
 * ```
 */
export function startLoadWatchdog(file: string, slowAfterMs: number): LoadWatchdog {
  const early = peekEarlyWorker(STEP_WORKER_URL);
  const worker = early ?? new Worker(STEP_WORKER_URL.href, { type: "module", name: "reel-load-watchdog" });
  const send = (message: ToWorker) => worker.postMessage(message);
  // Asked whether this thread runs: it does.
  const answer = (event: MessageEvent) => {
    if ((event.data as { type?: unknown } | null)?.type === "alive?") send({ type: "alive" });
  };
  worker.addEventListener("message", answer);
  send({ type: "watch-load", file, slowAfterMs, answerMs: ANSWER_MS });
  return {
    stop: () => {
      worker.removeEventListener("message", answer);
      if (early === undefined) worker.terminate();
      else send({ type: "load-done" });
    },
  };
}
