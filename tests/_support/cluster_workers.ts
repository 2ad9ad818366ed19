/**
 * Cluster worker processes for tests (`tasks/worker.ts`), each in a working folder of its own, their log lines
 * collected; ready once each says so, killed at the end.
 * @module
 */
import { tempDir } from "./temp_dir.ts";

import { CLI } from "./cli.ts";

const WORKER: string = new URL("../../tasks/worker.ts", import.meta.url).pathname;

/** A workflow file's source: one custom step, `wait`, that runs until it is stopped. */
export const WAITING_STEP_WORKFLOW = `export default workflow({
  steps: [step({ id: "wait", cpu: false, run: (_inputs, { signal }) =>
    new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason))) })],
});`;

/**
 * Starts a render of `file` on the cluster at `redis` in a child process: reel's CLI with `--out <its folder>/out`
 * and `--json`, its JSON events on stdout.
 *
 * @param file The workflow file.
 * @param options The Redis URL, more flags, and whether its stderr is read.
 * @returns The process.
 */
export function spawnClusterRender(
  file: string,
  options: { redis: string; args?: string[]; stderr: "piped" | "null" },
): Deno.ChildProcess {
  const dir = file.slice(0, file.lastIndexOf("/"));
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      CLI,
      "render",
      file,
      "--out",
      `${dir}/out`,
      "--cluster",
      options.redis,
      "--json",
      ...(options.args ?? []),
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: options.stderr,
  }).spawn();
}

/** How long a test waits for a log line of a process still running: far longer than any line takes here. */
export const LINE_DEADLINE_MS = 60_000;

/**
 * A process's log lines as they come.
 *
 * @param stream Its stderr.
 * @param name What it is, in the error of a line it never logs.
 * @returns Its lines so far; the first line (past or to come) that matches a pattern, rejected once the stream
 * has ended (the process exited) without one, or after {@linkcode LINE_DEADLINE_MS} of a process that logs on
 * without it (a test of a line old code never logs fails, with the log, instead of hanging the suite); and the
 * end of the reading, every line read.
 */
export function watchLines(
  stream: ReadableStream<Uint8Array>,
  name: string,
): { lines: string[]; line(pattern: RegExp): Promise<string>; read: Promise<void> } {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void; reject(error: Error): void }[] = [];
  let ended = false;
  const unlogged = (pattern: RegExp) =>
    new Error(`The ${name} exited before logging ${pattern}:\n${lines.join("\n")}`);
  const read = (async () => {
    let buffer = "";
    try {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
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
    } finally {
      ended = true;
      for (const waiter of waiters.splice(0)) waiter.reject(unlogged(waiter.pattern));
    }
  })();
  const line = (pattern: RegExp) => {
    const found = lines.find((candidate) => pattern.test(candidate));
    if (found !== undefined) return Promise.resolve(found);
    if (ended) return Promise.reject(unlogged(pattern));
    const { promise, resolve, reject } = Promise.withResolvers<string>();
    const waiter = { pattern, resolve, reject };
    waiters.push(waiter);
    const deadline = setTimeout(() => {
      waiters.splice(waiters.indexOf(waiter), 1);
      reject(
        new Error(`The ${name} had not logged ${pattern} after ${LINE_DEADLINE_MS} ms:\n${lines.join("\n")}`),
      );
    }, LINE_DEADLINE_MS);
    return promise.finally(() => clearTimeout(deadline));
  };
  return { lines, line, read };
}

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
  const { lines, line, read } = watchLines(child.stderr, "worker");
  // Exited once its last line is read too: a test reads the line it ended with.
  const exited = Promise.all([child.status, read]).then(([status]) => status);
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
