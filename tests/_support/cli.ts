/**
 * Running the reel CLI as a user does, in a subprocess.
 * @module
 */

/** The CLI's entry point. */
export const CLI: string = new URL("../../tasks/render.ts", import.meta.url).pathname;

/** What a CLI run left. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `reel <args>` with extra environment variables. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
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
