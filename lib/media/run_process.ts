/**
 * The one way reel starts a child process: null arguments dropped, the signal kills the child, stderr kept for the
 * error message, and on Linux the child killed by the kernel when reel dies, even by `kill -9` (through util-linux's
 * `setpriv --pdeathsig KILL`, which sets the signal and then becomes the program: same pid). Such a child leads a
 * process group of its own, and a kill (an abort: a timeout, a cancel) is sent to the group: a wrapper script's own
 * children die with it, those it left running when it exited too (fi12: a `REEL_FFMPEG` script that ran ffmpeg
 * without `exec` left it running after a timeout or a Ctrl-C; rv23: read from `/proc` instead, the children of a
 * script that had exited were not found, and held its pipes: the run waited for good). A terminal's Ctrl-C, sent to
 * the terminal's group, does not reach it once it runs (while setpriv and setsid start it, about a millisecond,
 * it may: it then ends on SIGINT, 130, which {@linkcode endedOnInterrupt} tells, as reel stops too): reel's cancel
 * ends it, and when reel is ended before it listens (rv22), the kernel ends the child, not what a script started.
 * A child started without setpriv (none there, not Linux) stays in reel's group, which a signal to reel's group
 * still reaches.
 *
 * The session is util-linux's `setsid` program's, which setpriv becomes and which becomes the program (same pid
 * again), not Deno's `detached`: Deno starts a detached child by forking reel whole, where every other child is
 * started by posix_spawn (a vfork, where glibc allows: 2.29 and later). A fork marks all of reel's memory
 * copy-on-write, and each page reel's threads write next is then faulted in again: a one-video lesson took 3.2 s
 * and 5.3 CPU-s, 2.87 s and 4.4 CPU-s without (three alternating runs each); a process writing 200 MB after each
 * of its children, 700 ms a child against 14 ms. Where there is no util-linux `setsid` program (busybox's says a
 * missing program in other words), a child is started detached, as before.
 * @module
 */
import { exists } from "../core/exists.ts";

/** Options for {@linkcode runProcess}. */
export interface RunProcessOptions {
  /** Aborting kills the child (SIGKILL) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Bytes written to the child's stdin, then closed: one buffer, or chunks written in order as the child reads them
   * (a generator's chunks, an async generator's or a `ReadableStream`'s, are made only as they are written).
   * @default null (stdin is closed)
   */
  stdin?: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | null;
  /** Working directory. @default the current one */
  cwd?: string;
  /**
   * Receives stdout as it arrives (ffmpeg's `-progress`, a WAV written as it is made); the result's `stdout` is then
   * empty. A promise it returns is awaited before the next chunk is read, so the child waits for it; when one
   * rejects, the child is killed and the run rejects with that error. @default null
   */
  onStdout?: ((chunk: Uint8Array) => void | Promise<void>) | null;
  /** Environment variables set for the child, over this process's. @default none */
  env?: Record<string, string>;
}

/** What a finished child process left. */
export interface ProcessResult {
  /** Everything the child wrote to stdout. */
  stdout: Uint8Array;
  /** Everything the child wrote to stderr, decoded. */
  stderr: string;
}

/**
 * A child process that exited with a non-zero code; the message ends with the last lines of its stderr, after the
 * first line before them that names a cause.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProcessError } from "./run_process.ts";
 * const error = new ProcessError("ffmpeg", 1, "Invalid argument");
 * assert.equal(error.message, "ffmpeg exited with code 1: Invalid argument");
 * const stderr = [
 *   "Input #0, jpeg_pipe, from 'in.jpg':",
 *   "  Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 16x16",
 *   "[AVFilterGraph @ 0x55] No such filter: 'nosuchfilter'",
 *   "Error reinitializing filters!",
 *   "Failed to inject frame into filter network: Invalid argument",
 *   "Conversion failed!",
 * ].join("\n");
 * assert.equal(
 *   new ProcessError("ffmpeg", 1, stderr).message,
 *   "ffmpeg exited with code 1: [AVFilterGraph @ 0x55] No such filter: 'nosuchfilter' | … | " +
 *     "Error reinitializing filters! | Failed to inject frame into filter network: Invalid argument | " +
 *     "Conversion failed!",
 * );
 * ```
 */
export class ProcessError extends Error {
  /** The exit code. */
  readonly code: number;
  /** The whole of stderr. */
  readonly stderr: string;
  /**
   * @param program The program's name.
   * @param code Its exit code.
   * @param stderr Its stderr.
   */
  constructor(program: string, code: number, stderr: string) {
    super(`${program} exited with code ${code}${stderrWords(stderr)}`);
    this.name = "ProcessError";
    this.code = code;
    this.stderr = stderr;
  }
}

/** The exit codes of a process a signal from outside ended (128 + its number), and the signal. */
const KILLED_EXIT_CODES: Readonly<Record<number, Deno.Signal>> = {
  129: "SIGHUP",
  130: "SIGINT",
  137: "SIGKILL",
  143: "SIGTERM",
};

/**
 * The signal from outside (a hang-up, Ctrl-C, a kill, the out-of-memory killer) that ended a program whose failure
 * this is, told by its exit code; null for any other error. Not any code over 128: a newer ffmpeg exits with its
 * error's value in a byte (183 for "Invalid data found when processing input").
 *
 * @param error What running a program threw.
 * @returns The signal, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { killedBy, ProcessError } from "./run_process.ts";
 * assert.equal(killedBy(new ProcessError("ffmpeg", 137, "")), "SIGKILL");
 * assert.equal(killedBy(new ProcessError("ffmpeg", 183, "Invalid data found when processing input")), null);
 * ```
 */
export function killedBy(error: unknown): Deno.Signal | null {
  return error instanceof ProcessError ? KILLED_EXIT_CODES[error.code] ?? null : null;
}

/** A line that names a cause: something missing, unknown or refused. */
const CAUSE = new RegExp(
  "\\b(?:no such|not found|unknown|unrecognized|invalid|cannot|could not|permission denied|does not exist|" +
    "unsupported|not divisible)\\b",
  "i",
);

/** ffmpeg's description of its inputs and outputs, printed before its work: never the cause (rv14: "unknown"). */
const MEDIA_DUMP = /^(?:\s|Input #|Output #|Stream mapping:|Press \[q\])/;

/**
 * What a failed program's stderr says, for its error's message: its last three lines, after the last line before
 * them that names a cause (nt9: ffmpeg's "No such filter: 'x'" came first, and its consequences last), ffmpeg's
 * description of its streams left out.
 */
function stderrWords(stderr: string): string {
  const lines = stderr.split("\n").filter((line) => line.trim() !== "");
  if (lines.length === 0) return "";
  const tail = lines.slice(-3).map((line) => line.trim());
  const cause = lines.slice(0, -3).findLast((line) => !MEDIA_DUMP.test(line) && CAUSE.test(line))?.trim();
  return `: ${[...cause === undefined ? [] : [cause, "…"], ...tail].join(" | ")}`;
}

/**
 * Whether an error is, or was caused by, a child process that ended on SIGINT (exit code 130): a terminal's Ctrl-C
 * reaches reel's children too.
 *
 * @param error What a step threw.
 * @returns True for a {@linkcode ProcessError} of code 130, here or in its causes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endedOnInterrupt, ProcessError } from "./run_process.ts";
 * assert.ok(endedOnInterrupt(new Error("clips", { cause: new ProcessError("ffmpeg", 130, "") })));
 * assert.ok(!endedOnInterrupt(new Error("ffmpeg exited with code 130")));
 * ```
 */
export function endedOnInterrupt(error: unknown): boolean {
  for (let at = error, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth++) {
    if (at instanceof ProcessError && at.code === 130) return true;
  }
  return false;
}

/**
 * Runs `program` with `args` (nulls dropped) and resolves with its output; rejects with {@linkcode ProcessError} on a
 * non-zero exit, or with the signal's reason when aborted (the child is killed first).
 *
 * @param program The executable's path or name.
 * @param args Arguments; `null` entries are dropped so optional flags read inline.
 * @param options Signal, stdin and working directory.
 * @returns stdout and stderr.
 * @throws {ProcessError} When the child exits with a non-zero code.
 * @throws {Deno.errors.NotFound} When the program does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runProcess } from "./run_process.ts";
 * const { stdout } = await runProcess("echo", ["hi", null]);
 * assert.ok(new TextDecoder().decode(stdout).trim() === "hi");
 * ```
 */
export async function runProcess(
  program: string,
  args: readonly (string | null)[],
  options: RunProcessOptions = {},
): Promise<ProcessResult> {
  const { signal, stdin = null, cwd, onStdout = null, env } = options;
  signal?.throwIfAborted();
  // The dynamic loader's variables would act on setpriv itself (LD_TRACE_LOADED_OBJECTS lists setpriv's libraries,
  // not the program's): such a child, a quick question to the loader, is started as it is.
  const given = args.filter((arg): arg is string => arg !== null);
  const started = Object.keys(env ?? {}).some((name) => name.startsWith("LD_"))
    ? { program, args: given, grouped: false, detached: false }
    : await guardedInGroup(program, given);
  // Cancelled while setpriv was looked for (a thread's first child): nothing is started.
  signal?.throwIfAborted();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(started.program, {
      args: started.args,
      stdin: stdin === null ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      cwd,
      env,
      // A session of its own, so a process group, where there is no setsid program (see the module's text).
      detached: started.detached,
    }).spawn();
  } catch (error) {
    // Deno names the binary it started (setpriv), not the program, when the working folder is missing.
    if (error instanceof Deno.errors.NotFound && cwd !== undefined && !(await exists(cwd))) {
      throw new Deno.errors.NotFound(`Cannot run ${program}: its working folder ${cwd} does not exist`);
    }
    throw error;
  }
  const kill = () => {
    // The child first: setsid may not have made its group yet (it is then killed before the program starts); then
    // the group it leads, with whatever a script started.
    killIfThere(() => child.kill("SIGKILL"));
    if (started.grouped) killIfThere(() => Deno.kill(-child.pid, "SIGKILL"));
  };
  signal?.addEventListener("abort", kill, { once: true });
  try {
    const finished = onStdout === null ? child.output() : streamed(child, { onStdout, kill });
    finished.catch(() => {}); // awaited below, after stdin is fed; this keeps an early rejection from going unhandled
    let feedError: unknown = null;
    if (stdin !== null) {
      try {
        await feed(child.stdin, stdin instanceof Uint8Array ? [stdin] : stdin);
      } catch (error) {
        feedError = error; // the child stopped reading: its exit code and stderr say why, if it failed
      }
    }
    const output = await finished;
    signal?.throwIfAborted();
    const stderr = new TextDecoder().decode(output.stderr);
    if (started.program !== program && !output.success) {
      throwIfNotStarted(program, { code: output.code, stderr });
    }
    if (!output.success) throw new ProcessError(program.split("/").pop() ?? program, output.code, stderr);
    if (feedError !== null) throw feedError;
    return { stdout: output.stdout, stderr };
  } finally {
    signal?.removeEventListener("abort", kill);
  }
}

async function feed(
  stdin: WritableStream<Uint8Array>,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<void> {
  const writer = stdin.getWriter();
  try {
    for await (const chunk of chunks) await writer.write(chunk);
    await writer.close();
  } catch (error) {
    await writer.abort(error).catch(() => {}); // closes the pipe, so the child is not left waiting for more
    throw error;
  } finally {
    writer.releaseLock();
  }
}

/**
 * Waits for a child whose stdout goes to `onStdout` chunk by chunk, keeping its stderr. When `onStdout` fails, the
 * child is killed and, once it has exited, the failure is thrown.
 */
async function streamed(
  child: Deno.ChildProcess,
  { onStdout, kill }: { onStdout: (chunk: Uint8Array) => void | Promise<void>; kill: () => void },
): Promise<{ success: boolean; code: number; stdout: Uint8Array; stderr: Uint8Array }> {
  // What onStdout threw, when it did; an error reading stdout is thrown as it comes.
  const pump = async (): Promise<{ error: unknown } | null> => {
    const reader = child.stdout.getReader();
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        try {
          await onStdout(read.value);
        } catch (error) {
          kill();
          await reader.cancel(); // the rest of stdout is dropped: the pipe is closed, not left unread
          return { error };
        }
      }
      return null;
    } finally {
      reader.releaseLock();
    }
  };
  const [failure, stderr, status] = await Promise.all([
    pump(),
    new Response(child.stderr).arrayBuffer(),
    child.status,
  ]);
  if (failure !== null) throw failure.error;
  return {
    success: status.success,
    code: status.code,
    stdout: new Uint8Array(),
    stderr: new Uint8Array(stderr),
  };
}

/** Sends a kill that may find nothing left to kill: a group whose every process is another user's is not reel's. */
function killIfThere(kill: () => void): void {
  try {
    kill();
  } catch (error) {
    // The child (and every process of its group) may have exited between the abort and the kill.
    const gone = error instanceof TypeError || error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.PermissionDenied;
    if (!gone) throw error;
  }
}

/** How {@linkcode runProcess} starts a program: the command, and whether the child leads a process group. */
interface GroupedStart {
  program: string;
  args: string[];
  /** The child leads a session (and process group) of its own. */
  grouped: boolean;
  /** Deno makes that session (no setsid program): a fork of reel whole. */
  detached: boolean;
}

/** `program` guarded by death (see {@linkcode guardedByDeath}), in a session of its own (see the module's text). */
async function guardedInGroup(program: string, args: readonly string[]): Promise<GroupedStart> {
  const guard = await deathGuard();
  if (guard === null) return { program, args: [...args], grouped: false, detached: false };
  const { setpriv, setsid } = guard;
  const head = ["--pdeathsig", "KILL", "--"];
  return setsid === null
    ? { program: setpriv, args: [...head, program, ...args], grouped: true, detached: true }
    // `--`: a program named `-x` is not read as setsid's option (rv41).
    : { program: setpriv, args: [...head, setsid, "--", program, ...args], grouped: true, detached: false };
}

/**
 * How to start `program` so that the kernel sends it `deathSignal` when the thread that starts it ends (reel ended,
 * even by SIGKILL): through setpriv where there is one (see {@linkcode deathGuard}), else as it is.
 *
 * @param program The program.
 * @param args Its arguments.
 * @param deathSignal The signal it gets. @default "KILL"
 * @returns The program and arguments to start.
 */
export async function guardedByDeath(
  program: string,
  args: readonly string[],
  deathSignal: "KILL" | "TERM" = "KILL",
): Promise<{ program: string; args: string[] }> {
  const guard = await deathGuard();
  return guard === null
    ? { program, args: [...args] }
    : { program: guard.setpriv, args: ["--pdeathsig", deathSignal, "--", program, ...args] };
}

/** util-linux's programs that start a child: setpriv, and setsid where it runs too. */
interface DeathGuard {
  setpriv: string;
  setsid: string | null;
}

/** Where they are found, once a process (a thread): Linux's util-linux (essential on Debian); none elsewhere. */
let deathGuardFound: Promise<DeathGuard | null> | null = null;

/**
 * setpriv's path, and setsid's, or null where there is no setpriv or it cannot set the signal (not Linux, not
 * installed, a util-linux older than 2.33): a child is then started as it is, and left running if reel is killed.
 * A parent-death signal is sent when the thread that started the child ends: reel starts children from its main
 * thread and from its workers' threads, each of which lives until its run ends (a worker ended early ends its
 * children, which is what it asks).
 */
function deathGuard(): Promise<DeathGuard | null> {
  deathGuardFound ??= Deno.build.os !== "linux" ? Promise.resolve(null) : (async () => {
    const setpriv = await firstThere(["/usr/bin/setpriv", "/bin/setpriv"]);
    if (setpriv === null) return null;
    const setsid = await firstThere(["/usr/bin/setsid", "/bin/setsid"]);
    // One start (about 2 ms) to learn that setpriv takes the option and util-linux's setsid runs (its errors are
    // read as util-linux words them, see `throwIfNotStarted`); a second where it did not.
    const says = async (program: readonly string[]) => {
      const { success, stdout } = await new Deno.Command(setpriv, {
        args: ["--pdeathsig", "KILL", "--", ...program],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
      return success ? new TextDecoder().decode(stdout) : null;
    };
    if (setsid !== null && (await says([setsid, "--version"]))?.includes("util-linux")) {
      return { setpriv, setsid };
    }
    return await says(["true"]) !== null ? { setpriv, setsid: null } : null;
  })();
  return deathGuardFound;
}

/** The first of `paths` that exists, or null. */
async function firstThere(paths: readonly string[]): Promise<string | null> {
  for (const path of paths) if (await exists(path)) return path;
  return null;
}

/**
 * Throws what starting `program` itself would have thrown when setpriv or setsid could not become it: NotFound or
 * PermissionDenied, as Deno's spawn does. Only util-linux's own failure: exit code 126 or 127 and its one line,
 * `setsid: failed to execute <program>: <reason>` (rv41: a wrapper script whose own setsid failed was said to be
 * missing).
 */
function throwIfNotStarted(program: string, { code, stderr }: { code: number; stderr: string }): void {
  if (code !== 126 && code !== 127) return;
  const line = /^(?:setpriv|setsid): failed to execute (.*): (.+)\n?$/.exec(stderr);
  if (line === null || line[1] !== program) return;
  const failed = line[2]!;
  if (failed === undefined) return;
  const message = `Failed to spawn '${program}': ${failed}`;
  if (/No such file or directory/.test(failed)) throw new Deno.errors.NotFound(message);
  if (/Permission denied/.test(failed)) throw new Deno.errors.PermissionDenied(message);
  throw new Error(message);
}
