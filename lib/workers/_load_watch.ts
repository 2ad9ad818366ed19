/**
 * The worker's side of a workflow load's watchdog (see `load_watchdog.ts`): while the main thread loads a workflow,
 * a step worker listens for Ctrl-C and SIGTERM, and asks the main thread whether it runs when one comes, or when the
 * load has gone on for `slowAfterMs`. A main thread that does not answer within `answerMs` is held by the workflow's
 * code: the worker says so on stderr itself (the thread that would print is the one held), and at a signal ends the
 * process, exit 130. A main thread that answers handles both itself.
 * @module
 */
import { listenForStop } from "../core/stop_signals.ts";
import { printable } from "../core/printable.ts";
import { stillLoading } from "../workflow/still_loading.ts";

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
  /** The load is over: a question still out counts as answered, and nothing more is asked or told. */
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
  let stopped = false;
  /** The question out, if one is: a second signal (`deno task` passes one Ctrl-C on twice) waits on the same. */
  let question: { promise: Promise<boolean>; answer: () => void } | null = null;
  /** Resolves true when the main thread answers within `answerMs` (or the load ends meanwhile). */
  const runs = (): Promise<boolean> => {
    if (question !== null) return question.promise;
    const { promise, resolve } = Promise.withResolvers<boolean>();
    const timer = setTimeout(() => resolve(false), answerMs);
    question = {
      promise: promise.finally(() => {
        clearTimeout(timer);
        question = null;
      }),
      answer: () => resolve(true),
    };
    ask();
    return question.promise;
  };
  const onSignal = async () => {
    if (await runs() || stopped) return;
    say(`✖ Cancelled while loading ${file}: its code has not returned (an endless loop?); nothing was made`);
    exitNow(INTERRUPTED);
  };
  const stopListening = listenForStop(onSignal);
  const slow = setTimeout(async () => {
    if (await runs() || stopped) return;
    say(`reel: ${stillLoading(file, { afterMs: slowAfterMs, blocked: true })}`);
  }, slowAfterMs);
  return {
    answered: () => question?.answer(),
    stop: () => {
      stopped = true;
      question?.answer();
      clearTimeout(slow);
      stopListening();
    },
  };
}

function say(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`${printable(text)}\n`));
}

/**
 * Ends the process from this thread (`Deno.exit` in a worker ends the worker alone): the C library's `_exit`. Where
 * there is none to call (no FFI, another C library), the process is killed instead (exit 137).
 */
function exitNow(code: number): void {
  try {
    const libc = Deno.build.os === "darwin" ? "libSystem.dylib" : "libc.so.6";
    Deno.dlopen(libc, { _exit: { parameters: ["i32"], result: "void" } }).symbols._exit(code);
  } finally {
    Deno.kill(Deno.pid, "SIGKILL");
  }
}
