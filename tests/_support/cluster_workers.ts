/**
 * Cluster worker processes for tests (`tasks/worker.ts`), each in a working folder of its own, their log lines
 * collected; ready once each says so, killed at the end.
 * @module
 */
import { tempDir } from "./temp_dir.ts";

const WORKER: string = new URL("../../tasks/worker.ts", import.meta.url).pathname;

/** One worker process. */
export interface TestWorker {
  /** Its id in the cluster, `host:pid`. */
  id: string;
  /** Its log lines so far. */
  lines: string[];
  /** Resolves with the first log line (past or to come) that matches. */
  line(pattern: RegExp): Promise<string>;
  /** Resolves when it has exited, however it ended. */
  exited: Promise<Deno.CommandStatus>;
  /** Kills it with a signal and waits for it to exit. */
  kill(signal: Deno.Signal): Promise<void>;
}

/** Options for {@linkcode startWorkers}. */
export interface StartWorkersOptions {
  /** The cluster's Redis URL. */
  redis: string;
  /** The folder jobs' stores and modules live in. */
  allowRoot: string;
  /** More flags for every worker. @default ["--cpu", "1"] */
  args?: string[];
  /** More environment for every worker. */
  env?: Record<string, string>;
}

/**
 * Starts worker processes and resolves once every one is ready.
 *
 * @param count How many.
 * @param options Redis, the allowed root, flags and environment.
 * @returns The workers; `await using` kills those still running.
 */
export async function startWorkers(
  count: number,
  options: StartWorkersOptions,
): Promise<TestWorker[] & AsyncDisposable> {
  const workers = await Promise.all(Array.from({ length: count }, () => startWorker(options)));
  return Object.assign(workers.map((worker) => worker.worker), {
    [Symbol.asyncDispose]: async () => {
      await Promise.all(workers.map((worker) => worker.worker.kill("SIGKILL")));
    },
  });
}

async function startWorker(options: StartWorkersOptions): Promise<{ worker: TestWorker }> {
  const cwd = await tempDir("reel-worker-");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      WORKER,
      "--redis",
      options.redis,
      "--allow-root",
      options.allowRoot,
      ...(options.args ?? ["--cpu", "1"]),
    ],
    cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  const exited = child.status;
  void (async () => {
    let buffer = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  })();
  const line = (pattern: RegExp) => {
    const found = lines.find((candidate) => pattern.test(candidate));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<string>((resolve, reject) => {
      waiters.push({ pattern, resolve });
      void exited.then(() =>
        reject(new Error(`The worker exited before logging ${pattern}:\n${lines.join("\n")}`))
      );
    });
  };
  const worker: TestWorker = {
    id: `${Deno.hostname()}:${child.pid}`,
    lines,
    line,
    exited,
    kill: async (signal) => {
      try {
        child.kill(signal);
      } catch (error) {
        // It has exited already.
        if (!(error instanceof TypeError)) throw error;
      }
      await exited;
    },
  };
  await line(/ready on /);
  return { worker };
}
