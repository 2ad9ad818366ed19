/**
 * The worker's side of a workflow load's watchdog (see `load_watchdog.ts`): while the main thread loads a workflow,
 * a step worker listens for Ctrl-C and SIGTERM, and asks the main thread whether it runs when one comes, or when the
 * load has gone on for `slowAfterMs`. A main thread that does not answer within `answerMs` is stuck in the
 * workflow's code: the worker says so, and at a signal ends the process, exit 130.
 * @module
 */

/** What the main thread sends to start the watch. */
export interface LoadWatchOrder {
  /** The workflow file, as the user named it. */
  file: string;
  /** When a load still going on is looked at. */
  slowAfterMs: number;
  /** How long the main thread has to answer. */
  answerMs: number;
}

/** A watch going on. */
export interface LoadWatch {
  /** The main thread answered. */
  answered(): void;
  /** The load is over. */
  stop(): void;
}

/** The exit code of a render stopped before any step ran (as the CLI's own). */
const INTERRUPTED = 130;

/**
 * Starts the watch on this worker.
 *
 * @param order The file and the times.
 * @param ask Asks the main thread whether it runs (its answer comes to {@linkcode LoadWatch.answered}).
 * @returns The watch.
 */
export function watchLoad(order: LoadWatchOrder, ask: () => void): LoadWatch {
  const { file, slowAfterMs, answerMs } = order;
  let answer: (() => void) | null = null;
  /** Resolves true when the main thread answers within `answerMs`. */
  const runs = () => {
    const { promise, resolve } = Promise.withResolvers<boolean>();
    answer = () => resolve(true);
    const timer = setTimeout(() => resolve(false), answerMs);
    ask();
    return promise.finally(() => clearTimeout(timer));
  };
  const onSignal = async () => {
    if (await runs()) return;
    say(`✖ Cancelled while loading ${file}: its code has not returned (an endless loop?); nothing was made`);
    exitNow(INTERRUPTED);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  // A main thread that runs tells a slow load itself (a top-level await that waits).
  const slow = setTimeout(async () => {
    if (await runs()) return;
    say(
      `reel: Still loading ${file} after ${
        Math.round(slowAfterMs / 1000)
      } s: its code has not returned (an ` +
        "endless loop?); Ctrl-C stops",
    );
  }, slowAfterMs);
  return {
    answered: () => answer?.(),
    stop: () => {
      clearTimeout(slow);
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    },
  };
}

function say(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`${text}\n`));
}

/** Ends the process from this thread (`Deno.exit` in a worker ends the worker alone): the C library's `_exit`. */
function exitNow(code: number): void {
  try {
    const libc = Deno.build.os === "darwin" ? "libSystem.dylib" : "libc.so.6";
    Deno.dlopen(libc, { _exit: { parameters: ["i32"], result: "void" } }).symbols._exit(code);
  } finally {
    // No C library to end it with: the process is killed.
    Deno.kill(Deno.pid, "SIGKILL");
  }
}
