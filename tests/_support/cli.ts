/**
 * Running the reel CLI as a user does, in a subprocess.
 * @module
 */

import { withoutRootRights } from "./plain_user.ts";

/** The CLI's entry point. */
export const CLI: string = new URL("../../tasks/render.ts", import.meta.url).pathname;

/** What a CLI run left. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `reel <args>` with extra environment variables; `withoutRootRights`: under root, without its rights over
 * files, as a user without sudo (see `plain_user.ts`).
 */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; withoutRootRights?: boolean } = {},
): Promise<CliResult> {
  const cli = ["run", "--allow-all", CLI, ...args];
  const { program, args: programArgs } = options.withoutRootRights === true
    ? withoutRootRights(Deno.execPath(), cli)
    : { program: Deno.execPath(), args: cli };
  const output = await new Deno.Command(program, {
    args: programArgs,
    // As `deno task` would: INIT_CWD names the folder the command is typed in.
    env: { NO_COLOR: "1", INIT_CWD: options.cwd ?? Deno.cwd(), ...options.env },
    cwd: options.cwd,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** Lists a folder's entries, or null when it does not exist. */
export async function listFolder(path: string): Promise<string[] | null> {
  try {
    const names = [];
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
    return names.sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** The JSON events a `--json` render prints, one at a time, as they arrive on a child's stdout. */
export async function* jsonEvents<T = { type: string; step?: string; cached?: boolean }>(
  stdout: ReadableStream<Uint8Array>,
): AsyncGenerator<T> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stdout) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) yield JSON.parse(line) as T;
  }
}

/**
 * Reads a child's stdout until `marker` has come (or the stream ends).
 *
 * @param reader The child's stdout, as text.
 * @param marker What to wait for.
 * @returns What was read.
 */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  marker: string,
): Promise<string> {
  let text = "";
  while (!text.includes(marker)) {
    const next = await reader.read();
    if (next.done) break;
    text += next.value;
  }
  return text;
}

/**
 * Runs `deno <args>` in `cwd`, sends it `signal` once it has printed `marker` on stdout, and waits for it: its exit
 * code and stderr. One still running 30 s later is killed.
 *
 * @param args Deno's arguments (`run`, the script, its arguments).
 * @param options The marker, the signal, and the folder to run in.
 * @returns Its exit code and what it wrote on stderr.
 */
export async function signalAfter(
  args: string[],
  options: { marker: string; signal: Deno.Signal; cwd?: string },
): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  await readUntil(reader, options.marker);
  child.kill(options.signal);
  const stuck = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
    reader.cancel(),
  ]);
  clearTimeout(stuck);
  return { code: status.code, stderr };
}
