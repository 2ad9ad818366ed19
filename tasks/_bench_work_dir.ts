/**
 * A bench's temporary work folder, removed however the bench ends: a bench leaves hundreds of MB there, and one
 * stopped with Ctrl-C or `kill` would otherwise leave them in /tmp.
 * @module
 */

/** A work folder made by {@linkcode benchWorkDir}; disposing of it removes it. */
export interface BenchWorkDir extends AsyncDisposable {
  /** The folder's path. */
  path: string;
}

const SIGNALS = [["SIGINT", 130], ["SIGTERM", 143]] as const;

/** The children a bench started through {@linkcode benchChild} that have not ended. */
const running = new Set<Deno.ChildProcess>();

/**
 * Starts a bench's child process (a render, a script), which a signal to the bench ends before its work folder is
 * removed: a child left running would write into the folder after it was removed (a `kill` of the bench alone,
 * not its process group, left a render running and 49 MB behind).
 *
 * @param command The program.
 * @param options As `Deno.Command`'s.
 * @returns The child, started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchChild } from "./_bench_work_dir.ts";
 * const { success } = await benchChild("true", { stdout: "null" }).status;
 * assert.ok(success);
 * ```
 */
export function benchChild(command: string, options: Deno.CommandOptions): Deno.ChildProcess {
  const child = new Deno.Command(command, options).spawn();
  running.add(child);
  const ended = () => running.delete(child);
  child.status.then(ended, ended);
  return child;
}

/** Kills the bench's children (their own children die with them, see `run_process.ts`) and waits for them. */
async function stopChildren(): Promise<void> {
  const children = [...running];
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // it has ended already
    }
  }
  await Promise.allSettled(children.map((child) => child.status));
}

/**
 * Makes a temporary folder for a bench run. It is removed when the value is disposed of (`await using`, which also
 * runs when the bench throws), and when the process gets SIGINT or SIGTERM, which then ends its children started
 * with {@linkcode benchChild} and ends it with 130 or 143 as a shell would. While it exists, `TMPDIR` names a folder
 * in it, for the bench and its children: what they make there goes with it (the speech a recognizer writes, which
 * an exit on a signal leaves, as it skips their `finally`).
 *
 * @param prefix The start of the folder's name, e.g. `reel-bench-`.
 * @returns The folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchWorkDir } from "./_bench_work_dir.ts";
 * let path;
 * {
 *   await using work = await benchWorkDir("reel-bench-example-");
 *   path = work.path;
 *   assert.ok((await Deno.stat(path)).isDirectory);
 * }
 * await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
 * ```
 */
export async function benchWorkDir(prefix: string): Promise<BenchWorkDir> {
  const path = await Deno.makeTempDir({ prefix });
  const temporary = `${path}/tmp`;
  await Deno.mkdir(temporary);
  const tmpdir = Deno.env.get("TMPDIR");
  Deno.env.set("TMPDIR", temporary);
  const remove = async () => {
    if (tmpdir === undefined) Deno.env.delete("TMPDIR");
    else Deno.env.set("TMPDIR", tmpdir);
    try {
      await Deno.remove(path, { recursive: true });
    } catch (error) {
      // A signal may come while the bench removes it itself.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  const listeners = SIGNALS.map(([signal, code]) => {
    const listener = () => void stopChildren().then(remove).finally(() => Deno.exit(code));
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return {
    path,
    async [Symbol.asyncDispose]() {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      await remove();
    },
  };
}
