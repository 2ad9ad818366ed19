/**
 * Asking a local program about itself (its version, its filters or encoders, what it loads, a one-frame test): one
 * that fails, or does not answer in {@linkcode probeTimeoutMs}, is bad input, named with what to do. Before, a
 * broken pocketsphinx or an ffmpeg whose `-filters` failed ended in a stack trace (exit 1), and one that hung (a
 * wrapper script waiting on something) held every command silently for good.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { killedBy, ProcessError, type ProcessResult, runProcess } from "./run_process.ts";

/** What to do about a broken program, by the name reel knows it by. */
export const PROGRAM_REPAIR: Readonly<Record<string, string>> = {
  ffmpeg: "Reinstall it with sudo apt-get install ffmpeg, or point REEL_FFMPEG at a working ffmpeg",
  ffprobe: "Reinstall it with sudo apt-get install ffmpeg, or point REEL_FFPROBE at a working ffprobe",
  "espeak-ng":
    "Reinstall it with sudo apt-get install espeak-ng, or point REEL_ESPEAK at a working espeak-ng",
  pocketsphinx: "Reinstall it with sudo apt-get install pocketsphinx pocketsphinx-en-us, or point " +
    "REEL_POCKETSPHINX at a working pocketsphinx_continuous",
};

/**
 * A program that runs but does not answer as that program does (`/bin/true` as ffmpeg): bad input.
 *
 * @param asked The program's name for messages, its path and the arguments it was asked with.
 * @param text What it printed.
 * @returns The error, naming the program and quoting its first line.
 */
export function notTheProgram(
  { name, program, args }: { name: string; program: string; args: readonly string[] },
  text: string,
): InputError {
  const printed = text === "" ? "printed nothing" : `printed "${text.split("\n")[0]!.slice(0, 60)}"`;
  return new InputError(`${name} at ${program} is not ${name}: \`${program} ${args.join(" ")}\` ${printed}`, {
    where: program,
    hint: PROGRAM_REPAIR[name] ?? "Point reel at the program itself",
  });
}

/**
 * How long a program may take to answer a question about itself, in ms: `REEL_PROBE_TIMEOUT` seconds, else 30 s
 * (the slowest answer measured here is pocketsphinx's, 0.4 s; a GPU's encoder test took 0.6 s). At most 24 days, the
 * longest a timer waits (a longer one fired at once: every program "hung").
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @returns Milliseconds.
 * @throws {InputError} When the variable is not a positive number of seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probeTimeoutMs } from "./probe_program.ts";
 * assert.equal(probeTimeoutMs(() => undefined), 30_000);
 * assert.equal(probeTimeoutMs(() => "2.5"), 2_500);
 * assert.equal(probeTimeoutMs(() => "99999999"), 2 ** 31 - 1);
 * assert.throws(() => probeTimeoutMs(() => "60s"), /REEL_PROBE_TIMEOUT/);
 * ```
 */
export function probeTimeoutMs(env: (name: string) => string | undefined = Deno.env.get): number {
  const given = env("REEL_PROBE_TIMEOUT");
  if (given === undefined || given === "") return 30_000;
  const seconds = Number(given);
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new InputError(`REEL_PROBE_TIMEOUT is not a number of seconds: ${given}`, {
      hint:
        "Give the seconds a program may take to answer, e.g. REEL_PROBE_TIMEOUT=60, or leave it out for 30",
    });
  }
  return Math.min(Math.round(seconds * 1000), 2 ** 31 - 1);
}

/** Options for {@linkcode probeProgram}. */
export interface ProbeProgramOptions {
  /** What messages call the program (`ffmpeg`, `pocketsphinx`): its repair hint is {@linkcode PROGRAM_REPAIR}'s. */
  name: string;
  /** Kills it (the run's cancel); its timeout is the probe's own. */
  signal?: AbortSignal;
  /** Its environment's additions. */
  env?: Record<string, string>;
}

/**
 * Runs a program to ask it about itself.
 *
 * @param program The executable.
 * @param args The question, e.g. `["-hide_banner", "-filters"]`.
 * @param options Its name for messages, the signal, the environment.
 * @returns Its stdout and stderr.
 * @throws {InputError} When it exits with an error, cannot be executed, or does not answer in time, naming it and
 * what to do; the signal's reason when the signal aborts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InputError } from "../core/errors.ts";
 * import { probeProgram } from "./probe_program.ts";
 * await assert.rejects(probeProgram("false", [], { name: "false" }), InputError);
 * ```
 */
export async function probeProgram(
  program: string,
  args: readonly string[],
  options: ProbeProgramOptions,
): Promise<ProcessResult> {
  const { name, signal, env } = options;
  try {
    return await runWithin(program, args, { signal, env });
  } catch (error) {
    const asked = `\`${program} ${args.join(" ")}\``;
    const hint = PROGRAM_REPAIR[name] ?? "Reinstall it, or point reel at a working one";
    if (error instanceof ProbeTimeoutError) {
      throw new InputError(`${name} at ${program} did not answer ${asked} in ${error.seconds} s: it hangs`, {
        where: program,
        // A slow machine's working program is not told only to be reinstalled (review).
        hint: `${hint}; or give it longer with REEL_PROBE_TIMEOUT (seconds)`,
        cause: error,
      });
    }
    if (!(error instanceof ProcessError)) throw error;
    // Killed from outside (a kill, the out-of-memory killer): nothing says the program is broken (fi15: a SIGKILL
    // was told to reinstall ffmpeg). A crash (SIGSEGV, SIGABRT) is the program's, told as any other failure.
    const killed = killedBy(error);
    if (killed !== null) {
      throw new InputError(
        `${name} at ${program} was killed (${killed}) while answering ${asked}: something outside reel ended it`,
        {
          where: program,
          hint:
            "Run the command again; if it is killed again, look for what kills it (a full memory, a supervisor)",
          cause: error,
        },
      );
    }
    // A wrapper whose target is gone exits 127 too: what its shell said names the target (review).
    const said = error.stderr.trim().split("\n")[0] ?? "";
    const why = error.code === 126 || error.code === 127
      ? `it cannot be executed (not a program, or its interpreter is missing)${
        said === "" ? "" : `: ${said}`
      }`
      : `${asked} ${error.message.slice(error.message.indexOf("exited"))}`;
    throw new InputError(`${name} at ${program} does not run: ${why}`, {
      where: program,
      hint,
      cause: error,
    });
  }
}

/** A program asked about itself gave no answer in {@linkcode probeTimeoutMs}. */
export class ProbeTimeoutError extends Error {
  /** @param seconds The time it was given. */
  constructor(readonly seconds: number) {
    super(`No answer in ${seconds} s`);
    this.name = "ProbeTimeoutError";
  }
}

/**
 * Runs a program for at most {@linkcode probeTimeoutMs}. At the time it is killed and the wait ends at once: a
 * child of its own (a wrapper script's `sleep`) would hold its output open, and the wait with it, for good.
 *
 * @param program The executable.
 * @param args Its arguments.
 * @param options The signal (the run's cancel), the environment's additions, and the time it has.
 * @returns Its stdout and stderr.
 * @throws {ProbeTimeoutError} When it has not ended in time; what `runProcess` throws otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runWithin } from "./probe_program.ts";
 * assert.equal(new TextDecoder().decode((await runWithin("echo", ["hi"])).stdout), "hi\n");
 * ```
 */
export async function runWithin(
  program: string,
  args: readonly string[],
  options: { signal?: AbortSignal; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const ms = options.timeoutMs ?? probeTimeoutMs();
  // A timer of its own, cleared at the end: `AbortSignal.timeout`'s, once listened to, held a process that had its
  // answer open for the whole time (a test's `deno eval` ended after 30 s).
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProbeTimeoutError(ms / 1000)), ms);
  const signal = options.signal === undefined
    ? timeout.signal
    : AbortSignal.any([options.signal, timeout.signal]);
  const running = runProcess(program, args, { signal, env: options.env });
  running.catch(() => {}); // a late failure after the time is up is no one's to hear
  // Ends the wait at the time, or at the caller's cancel (said as the cancel, not as a hang), whatever holds the pipes.
  let expire = () => {};
  let cancel = () => {};
  const late = new Promise<never>((_, reject) => {
    expire = () => reject(timeout.signal.reason);
    cancel = () => reject(options.signal!.reason);
  });
  late.catch(() => {});
  if (options.signal?.aborted) cancel();
  timeout.signal.addEventListener("abort", expire, { once: true });
  options.signal?.addEventListener("abort", cancel, { once: true });
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
    timeout.signal.removeEventListener("abort", expire);
    options.signal?.removeEventListener("abort", cancel);
  }
}
