/**
 * The signals that stop a command as Ctrl-C does: SIGINT, SIGTERM, and a hang-up (the terminal closed, an SSH
 * session dropped) where it is not ignored. Before, a hang-up ended reel as `kill -9` does (fi21): no word, no
 * report, the store's claims and scratch folders left for the next render, and a wrapper script's child encoding on.
 * Where a hang-up is ignored (`nohup`), reel leaves it so; `deno task` passes a hang-up on to the program it runs,
 * whatever `nohup` set for it (the README says how to keep a render running after a logout).
 *
 * After a hang-up, what is written to the terminal that is gone fails ("Input/output error"): such writes are
 * dropped, so the cancel goes on to its end (a console call or a live view's redraw threw, ending it half-way).
 * @module
 */

/** Whether a hang-up is left as it is (see {@linkcode hangUpLeft}), read once. */
let left: boolean | null = null;

/** Set by a hang-up: the terminal is gone. */
let hungUp = false;

/**
 * The signals that stop a command: SIGINT, SIGTERM, and SIGHUP unless it is ignored (Windows: SIGINT alone).
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
  return hangUpLeft() ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"];
}

/**
 * Calls `listener` on each stop signal (see {@linkcode stopSignals}); on a hang-up, writes to the terminal are
 * dropped from then on (see the module's text).
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
  const listeners = stopSignals().map((signal) => {
    const on = signal === "SIGHUP"
      ? () => {
        quietTerminal();
        listener();
      }
      : listener;
    Deno.addSignalListener(signal, on);
    return [signal, on] as const;
  });
  return () => {
    for (const [signal, on] of listeners) Deno.removeSignalListener(signal, on);
  };
}

/**
 * Whether `error`, thrown by a write, is one to the terminal a hang-up took away: it is dropped.
 *
 * @param error What the write threw.
 * @returns True after a hang-up, for an input/output error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lostToHangUp } from "./stop_signals.ts";
 * assert.equal(lostToHangUp(new Error("Input/output error (os error 5)")), false); // no hang-up yet
 * ```
 */
export function lostToHangUp(error: unknown): boolean {
  return hungUp && (error instanceof Error) && /\(os error 5\)|Broken pipe/.test(error.message);
}

/** From a hang-up on: console calls drop what the terminal that is gone refuses. */
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
 * Whether a hang-up is left as it is: ignored by this process (`nohup`), read from `/proc/self/status` (Linux);
 * elsewhere that cannot be told, and a hang-up ends the process unless `nohup` ignores it, as before.
 */
function hangUpLeft(): boolean {
  if (left !== null) return left;
  if (Deno.build.os !== "linux") return left = true;
  try {
    // Sync: read once, when the first listener is set up, before anything else may run.
    const mask = /^SigIgn:\s*([0-9a-f]+)$/m.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
    // Signal 1 is the mask's lowest bit.
    left = mask === undefined ? true : (parseInt(mask.slice(-1), 16) & 1) === 1;
  } catch (error) {
    // Not there, or not to be read (a process without --allow-read): a hang-up left as it is.
    const unread = error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable;
    if (!unread) throw error;
    left = true;
  }
  return left;
}
