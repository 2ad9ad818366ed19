/**
 * Telling whether a process on this host that left something behind (a temporary file, a claim on a key, a mark in
 * a store) is still running.
 * @module
 */
import { exists } from "./exists.ts";

/**
 * True when a process with this id runs (on Linux, by `/proc/<pid>/stat`; elsewhere assumed alive). One that has
 * ended and waits for its parent to reap it (a zombie: a render killed under a parent that reaps late, as a
 * container's first process may) is not alive: what it left is anyone's to clean (fi11: a resume left it all).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processAlive } from "./process_alive.ts";
 * assert.equal(await processAlive(Deno.pid), true);
 * ```
 */
export async function processAlive(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  if (Deno.build.os !== "linux") return true;
  return (await runningStat(pid)) !== null;
}

/**
 * When a process on this host started, as Linux tells it (`/proc/<pid>/stat`'s start time, in clock ticks since
 * boot): with its pid, it names one process, where a pid alone may be another's once the first ended. Null when no
 * such process runs, it has ended (a zombie), or the system has no `/proc`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processStarted } from "./process_alive.ts";
 * if (Deno.build.os === "linux") assert.match((await processStarted(Deno.pid))!, /^\d+$/);
 * ```
 */
export async function processStarted(pid: number): Promise<string | null> {
  if (Deno.build.os !== "linux") return null;
  // From the state (field 3): the start time is field 22.
  return (await runningStat(pid))?.[19] ?? null;
}

/**
 * The fields of `/proc/<pid>/stat` after the process's name, from its state on; null when no such process runs or
 * it has ended (a zombie).
 */
async function runningStat(pid: number): Promise<string[] | null> {
  let stat: string;
  try {
    stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    // A process reaped between the file's open and its read answers ESRCH (rv12), which Deno gives as a plain Error
    // with no code (rv13): gone all the same when its folder is.
    if (!await exists(`/proc/${pid}`)) return null;
    throw error;
  }
  // `pid (name) state …`: the name may hold spaces and parentheses, the state follows the last `)`.
  const fields = stat.slice(stat.lastIndexOf(")") + 1).trim().split(" ");
  return fields[0] === "Z" || fields[0] === "X" ? null : fields;
}
