/**
 * A Ctrl-C (or SIGTERM, or a hang-up: see `stop_signals.ts`) while a render's modules load: said and ended as one
 * before any step is, not Deno's silent exit (nt16: a Ctrl-C 0.9 s into a render printed nothing at all). The CLI
 * listens from its first line; the render takes over once it listens itself ({@linkcode endEarlyInterrupt}).
 * @module
 */
import { listenForStop } from "../../lib/core/stop_signals.ts";

/** What a render says when it is stopped before any step ran. */
export const CANCELLED_BEFORE_RUN = "✖ Cancelled before any step ran: nothing was made";

/** The exit code of an interrupted command (as `options.ts`'s `EXIT.interrupted`; this module loads first). */
const INTERRUPTED = 130;

/** Stops listening, while the CLI listens. */
let stopListening: (() => void) | null = null;

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
  if (stopListening !== null) return;
  stopListening = listenForStop(() => {
    console.error(CANCELLED_BEFORE_RUN);
    Deno.exit(INTERRUPTED);
  });
}

/** Stops listening: the caller handles stops itself from now on. Nothing when none listens. */
export function endEarlyInterrupt(): void {
  stopListening?.();
  stopListening = null;
}
