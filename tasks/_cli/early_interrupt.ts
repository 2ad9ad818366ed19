/**
 * A Ctrl-C (or SIGTERM) while a render's modules load: said and ended as one before any step is, not Deno's silent
 * exit (nt16: a Ctrl-C 0.9 s into a render printed nothing at all). The CLI listens from its first line; the render
 * takes over once it listens itself ({@linkcode endEarlyInterrupt}).
 * @module
 */

/** What a render says when it is stopped before any step ran. */
export const CANCELLED_BEFORE_RUN = "✖ Cancelled before any step ran: nothing was made";

/** The exit code of an interrupted command (as `options.ts`'s `EXIT.interrupted`; this module loads first). */
const INTERRUPTED = 130;

const SIGNALS: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];

let listener: (() => void) | null = null;

/**
 * Listens for a stop until {@linkcode endEarlyInterrupt}: one ends the process at once, saying so.
 *
 * @example
 * ```ts
 * import { catchEarlyInterrupt, endEarlyInterrupt } from "./early_interrupt.ts";
 * catchEarlyInterrupt();
 * endEarlyInterrupt();
 * ```
 */
export function catchEarlyInterrupt(): void {
  if (listener !== null) return;
  listener = () => {
    console.error(CANCELLED_BEFORE_RUN);
    Deno.exit(INTERRUPTED);
  };
  for (const signal of SIGNALS) Deno.addSignalListener(signal, listener);
}

/** Stops listening: the caller handles stops itself from now on. Nothing when none listens. */
export function endEarlyInterrupt(): void {
  if (listener === null) return;
  for (const signal of SIGNALS) Deno.removeSignalListener(signal, listener);
  listener = null;
}
