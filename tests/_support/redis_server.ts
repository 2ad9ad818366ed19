/**
 * A redis-server of a test's own: on a free port, in a temporary folder, with AOF on when asked; it can be
 * restarted (a graceful shutdown, then the same port and folder) and is stopped at the end.
 * @module
 */
import { parseRedisUrl, type RedisTarget } from "../../lib/cluster/redis_target.ts";
import { tempDir } from "./temp_dir.ts";

/** A running redis-server. */
export interface TestRedis extends AsyncDisposable {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** The URL, checked. */
  target: RedisTarget;
  /** Shuts it down gracefully (AOF flushed) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops it answering, its connections kept (SIGSTOP): a Redis that hangs. `stop()` wakes it first. */
  pause(): void;
  /** Wakes it after {@linkcode TestRedis.pause} (SIGCONT). */
  resume(): void;
  /** Shuts it down. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server.
 *
 * @param options `aof`: append-only file on (`appendfsync always`), so a restart loses nothing.
 * @returns The server; `await using` stops it.
 */
export async function startRedis(options: { aof?: boolean } = {}): Promise<TestRedis> {
  const dir = await tempDir("reel-redis-");
  const port = freePort();
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
    options.aof === true ? "yes" : "no",
    "--appendfsync",
    "always",
    "--loglevel",
    "notice",
  ];
  let child = await launch(args);
  const url = `redis://127.0.0.1:${port}`;
  let paused = false;
  const stop = async () => {
    // A stopped process keeps a SIGTERM pending until it runs again.
    if (paused) child.kill("SIGCONT");
    paused = false;
    await shutdown(child);
  };
  return {
    url,
    target: parseRedisUrl(url, "--redis"),
    restart: async () => {
      await stop();
      child = await launch(args);
    },
    pause: () => {
      child.kill("SIGSTOP");
      paused = true;
    },
    resume: () => {
      child.kill("SIGCONT");
      paused = false;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Resolves once `seen` returns true for a command the server runs from now on, watched by MONITOR on a raw socket.
 * ioredis's own `monitor()` is not used: it enters its monitoring state a turn after MONITOR's `OK`, so a command
 * line that comes in the same packet as the `OK` fails its connection ("Command queue state error").
 *
 * @param redis The server.
 * @param seen Told each command as its arguments (the first is the command's name, as sent).
 */
export async function watchCommands(redis: TestRedis, seen: (args: string[]) => boolean): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(redis.url).port) });
  try {
    await conn.write(new TextEncoder().encode("MONITOR\r\n"));
  } catch (error) {
    conn.close();
    throw error;
  }
  // Leaving the loop, by return or throw, cancels the socket's stream, which closes the socket.
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of conn.readable) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\r\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith("-")) throw new Error(`MONITOR refused: ${line}`);
      if (line !== "+OK" && seen(monitorArgs(line))) return;
    }
  }
  throw new Error("Redis closed the MONITOR connection");
}

/** The quoted arguments of a MONITOR line (`+<time> [<db> <client>] "scan" "0" ...`), unescaped as Redis escapes. */
function monitorArgs(line: string): string[] {
  const controls: Record<string, string> = { n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b" };
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(([, quoted]) =>
    quoted!.replace(
      /\\(x[0-9a-f]{2}|.)/g,
      (_, escaped: string) =>
        escaped.length === 3
          ? String.fromCharCode(parseInt(escaped.slice(1), 16))
          : controls[escaped] ?? escaped,
    )
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts redis-server and resolves once it says it accepts connections. */
async function launch(args: string[]): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("redis-server", { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
  const decoder = new TextDecoder();
  let log = "";
  const reader = child.stdout.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    log += decoder.decode(value, { stream: true });
    if (log.includes("Ready to accept connections")) {
      reader.releaseLock();
      // The rest of its log is drained, so the server never blocks on a full pipe.
      void child.stdout.pipeTo(new WritableStream());
      return child;
    }
  }
  const { stderr } = await child.output();
  throw new Error(`redis-server did not start: ${log}${decoder.decode(stderr)}`);
}

/** Shuts redis-server down gracefully and resolves once it has exited (its port is free). */
async function shutdown(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch (error) {
    // It has exited already.
    if (!(error instanceof TypeError)) throw error;
  }
  await child.status;
  await child.stderr.cancel();
}
