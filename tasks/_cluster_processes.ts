/**
 * The processes of a local cluster for the benchmark: a redis-server on a free port in a folder of its own, and
 * worker processes, each in a working folder of its own; with their CPU time and peak memory read from /proc.
 * @module
 */
import { benchChild } from "./_bench_work_dir.ts";
import { REEL_V8_FLAGS } from "./_v8_flags.ts";

/** A process of the cluster. */
export interface ClusterProcess {
  pid: number;
  /** Stops it and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server and resolves once it accepts connections.
 *
 * @param dir Its folder.
 * @returns The process and its URL.
 */
export async function startRedisServer(dir: string): Promise<ClusterProcess & { url: string }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "no",
  ];
  // Started as a bench's child: a signal to the bench ends it (see `benchChild`).
  const child = benchChild("redis-server", { args, stdout: "piped", stderr: "null", stdin: "null" });
  await untilLine(child.stdout, /Ready to accept connections/);
  return { pid: child.pid, url: `redis://127.0.0.1:${port}`, stop: () => stop(child) };
}

/**
 * Starts a worker process (`tasks/worker.ts`) and resolves once it is ready.
 *
 * @param options Redis, its folder (also its allowed root's parent) and more flags.
 * @returns The process.
 */
export async function startWorkerProcess(
  options: { redis: string; cwd: string; allowRoot: string; args: string[] },
): Promise<ClusterProcess> {
  const worker = new URL("./worker.ts", import.meta.url).pathname;
  const child = benchChild(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      REEL_V8_FLAGS,
      worker,
      "--redis",
      options.redis,
      "--allow-root",
      options.allowRoot,
      ...options.args,
    ],
    cwd: options.cwd,
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  });
  await untilLine(child.stderr, /ready on /);
  return { pid: child.pid, stop: () => stop(child) };
}

/**
 * CPU time (its own and its reaped children's) and peak resident memory of a process.
 *
 * @param pid The process.
 * @returns CPU in ms and peak memory in bytes.
 */
export async function usageOf(pid: number): Promise<{ cpuMs: number; peakBytes: number }> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuMs = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]) * 10, 0);
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuMs, peakBytes: peakKb * 1024 };
}

async function untilLine(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<void> {
  let text = "";
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The process exited before saying ${pattern}:\n${text}`);
    text += value;
    if (pattern.test(text)) break;
  }
  // The rest is read and dropped, so the process never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done) { /* drained */ }
  })();
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  await child.status;
}
