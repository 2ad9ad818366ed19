/**
 * Workers started before the CLI's own modules load: a render's main thread spends its first third of a second
 * loading modules on one core, and its workers then took another 0.15 s to load theirs while it waited. Started
 * here, at the top of the CLI, they load alongside it; the render's pool takes them (see
 * {@linkcode takeEarlyWorker}) and starts only the ones it still lacks, and whatever it does not take is terminated
 * ({@linkcode dropEarlyWorkers}). They load their own module only: the kinds a render warms (the slides' fonts and
 * renderer) wait for the plan, as before. Warmed this early too, on two cores, they slowed the main thread's loading
 * by 0.2 s and the checks ended later than without. With the module alone started early, a one-video lesson renders
 * in 2.72 s against 2.84 s before (medians of eight alternating runs).
 *
 * The CLI starts one fewer than the cores, leaving the main thread a core of its own to load on: on two cores, two
 * workers loading beside it made a render that finds every step stored (process start and loading are nearly all
 * of it) take 0.64 s instead of 0.55 s with one (medians of ten alternating runs), and later code made full renders
 * no faster with two than with one (the bench's lesson: 3.93 s and 3.95 s, medians of five).
 * @module
 */

/** A worker started early: ready once its module has loaded and said so. */
export interface EarlyWorker {
  /** The worker. */
  worker: Worker;
  /** The module it runs. */
  url: string;
  /** Resolves on its "ready" message; rejects with its error's message when it fails to start. */
  ready: Promise<void>;
}

const early: EarlyWorker[] = [];

/** The module every step worker runs unless a pool is given another. */
export const STEP_WORKER_URL: URL = new URL("./worker_entry.ts", import.meta.url);

/**
 * Starts `count` step workers now, for a pool made later to take.
 *
 * @param count How many (the pool's default size: the cores).
 * @param url The module they run.
 *
 * @example
 * ```ts
 * import { dropEarlyWorkers, startWorkersEarly } from "./early_workers.ts";
 * startWorkersEarly(1);
 * dropEarlyWorkers();
 * ```
 */
export function startWorkersEarly(count: number, url: URL = STEP_WORKER_URL): void {
  for (let i = 0; i < count; i++) {
    const worker = new Worker(url.href, { type: "module", name: `reel-worker-early-${i + 1}` });
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent) => {
        if ((event.data as { type?: unknown } | null)?.type === "ready") resolve();
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        reject(new Error(event.message || "uncaught error"));
      };
    });
    ready.catch(() => {});
    early.push({ worker, url: url.href, ready });
  }
}

/**
 * Takes one of the workers started early that runs `url`, if any is left: the caller sets its handlers.
 *
 * @param url The module the caller's workers run.
 * @returns The worker, or undefined.
 */
export function takeEarlyWorker(url: URL): EarlyWorker | undefined {
  const found = peekEarlyWorker(url);
  if (found !== undefined) early.splice(early.indexOf(found), 1);
  return found;
}

/**
 * One of the workers started early that runs `url`, left for a pool to take (a load's watchdog borrows it).
 *
 * @param url The module it runs.
 * @returns The worker, or undefined.
 */
export function peekEarlyWorker(url: URL): EarlyWorker | undefined {
  return early.find((candidate) => candidate.url === url.href);
}

/** Terminates the workers started early that no pool took (a render that found everything stored, `--plan`). */
export function dropEarlyWorkers(): void {
  for (const { worker } of early.splice(0)) worker.terminate();
}
