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

/**
 * Makes a temporary folder for a bench run. It is removed when the value is disposed of (`await using`, which also
 * runs when the bench throws), and when the process gets SIGINT or SIGTERM, which then ends it with 130 or 143 as a
 * shell would.
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
  const remove = async () => {
    try {
      await Deno.remove(path, { recursive: true });
    } catch (error) {
      // A signal may come while the bench removes it itself.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  const listeners = SIGNALS.map(([signal, code]) => {
    const listener = () => void remove().finally(() => Deno.exit(code));
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
