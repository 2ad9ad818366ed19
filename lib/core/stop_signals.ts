/**
 * The signals that stop a command as Ctrl-C does: SIGINT, SIGTERM, and a hang-up (the terminal closed, an SSH
 * session dropped). Before, a hang-up ended reel as `kill -9` does (fi21): no word, no report, the store's claims
 * and scratch folders left for the next render, and a wrapper script's child encoding on.
 *
 * A hang-up this process was started ignoring (`nohup`, read from `/proc/self/status` on Linux) is heard and
 * ignored: listening for any signal, Deno takes over SIGHUP too, and one no listener hears ends the process (rv42).
 * `deno task` passes a hang-up on to the program it runs whatever `nohup` set for it (the README says how to keep a
 * render running after a logout).
 *
 * After a hang-up, what is written to the terminal that is gone fails ("Input/output error"): such writes are
 * dropped, so the cancel goes on to its end (a console call or a live view's redraw threw, ending it half-way). A
 * write to a terminal that fails so before the signal has come (reel is not the session's leader, which the kernel
 * tells first, or runs in the background) is the hang-up itself (rv42).
 * @module
 */

/** Whether a hang-up was ignored when this process started (see {@linkcode hangUpIgnored}), read once. */
let ignored: boolean | null = null;

/** Set by a hang-up: the terminal is gone. */
let hungUp = false;

/** The listeners a hang-up stops, while they listen: a write the gone terminal refused calls them too. */
const onHangUp = new Set<() => void>();

/**
 * The signals that stop a command: SIGINT, SIGTERM, and SIGHUP unless it was ignored at start (Windows: SIGINT).
 *
 * @returns The signals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stopSignals } from "./stop_signals.ts";
 * assert.ok(stopSignals().includes("SIGINT"));
 * ```
 */
export function stopSignals(): Deno.Signal[] {
  if (Deno.build.os === "windows") return ["SIGINT"];
  return hangUpIgnored() ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"];
}

/**
 * Calls `listener` on each stop signal (see {@linkcode stopSignals}), and when a write finds the terminal gone; on
 * a hang-up, writes to the terminal are dropped from then on. A hang-up ignored at start is heard and ignored.
 *
 * @param listener What a stop does.
 * @returns What stops listening.
 *
 * @example
 * ```ts
 * import { listenForStop } from "./stop_signals.ts";
 * const stopListening = listenForStop(() => {});
 * stopListening();
 * ```
 */
export function listenForStop(listener: () => void): () => void {
  // Heard once: `deno task` passes on a hang-up its group got too (rv42: two, 2 ms apart, which a cluster worker took
  // for a second Ctrl-C, leaving its running steps to other workers); and a terminal hangs up once.
  let heard = false;
  const hangUp = () => {
    quietTerminal();
    if (heard) return;
    heard = true;
    listener();
  };
  const listeners: [Deno.Signal, () => void][] = stopSignals().map((signal) => [
    signal,
    signal === "SIGHUP" ? hangUp : listener,
  ]);
  // A listener of its own: one function added twice is one listener, and removed by the first who stops listening.
  if (Deno.build.os !== "windows" && hangUpIgnored()) listeners.push(["SIGHUP", () => quietTerminal()]);
  else onHangUp.add(hangUp);
  for (const [signal, on] of listeners) Deno.addSignalListener(signal, on);
  return () => {
    onHangUp.delete(hangUp);
    for (const [signal, on] of listeners) Deno.removeSignalListener(signal, on);
  };
}

/**
 * Whether `error`, thrown by a write to this process's stdout or stderr (`writer`; a console call when none is
 * given), is one to the terminal a hang-up took away, to be dropped: after a hang-up, an input/output error or a
 * broken pipe; before one, an input/output error of stdout or stderr, which is then the hang-up (the stop
 * listeners are called; the terminal gone, the stream is no terminal any more either). A file's failure is its own.
 *
 * @param error What the write threw.
 * @param writer What was written to, when known.
 * @returns True when the write is to be dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lostToHangUp } from "./stop_signals.ts";
 * assert.equal(lostToHangUp(new Error("Input/output error (os error 5)"), { writeSync: () => 0 }), false);
 * ```
 */
export function lostToHangUp(error: unknown, writer?: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const standard = writer === undefined || writer === Deno.stdout || writer === Deno.stderr;
  if (!standard) return false;
  if (hungUp) return /\(os error 5\)|Broken pipe/.test(error.message);
  if (writer === undefined || !/\(os error 5\)/.test(error.message)) return false;
  quietTerminal();
  for (const stop of [...onHangUp]) stop();
  return true;
}

/**
 * From a hang-up on: console calls drop what the terminal that is gone refuses. For the rest of the process: a
 * terminal does not come back.
 */
function quietTerminal(): void {
  if (hungUp) return;
  hungUp = true;
  for (const name of ["log", "error", "warn", "info", "debug"] as const) {
    const write = console[name].bind(console);
    console[name] = (...data: unknown[]) => {
      try {
        write(...data);
      } catch (error) {
        if (!lostToHangUp(error)) throw error;
      }
    };
  }
}

/**
 * Whether SIGHUP was ignored when this process started (`nohup`), from `/proc/self/status` (Linux), read before
 * any listener takes it over; false where that cannot be read (a hang-up then stops the command).
 */
function hangUpIgnored(): boolean {
  if (ignored !== null) return ignored;
  if (Deno.build.os !== "linux") return ignored = false;
  try {
    // Sync: read once, when the first listener is set up, before any listener takes the signal over.
    const mask = /^SigIgn:\s*([0-9a-f]+)$/m.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
    // Signal 1 is the mask's lowest bit.
    ignored = mask !== undefined && (parseInt(mask.slice(-1), 16) & 1) === 1;
  } catch (error) {
    // Not there, or not to be read (a process without --allow-read): a hang-up stops the command.
    const unread = error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable;
    if (!unread) throw error;
    ignored = false;
  }
  return ignored;
}
