/**
 * Running a support script in a process of its own (so that the environment it is given is its alone, never the
 * shared test process's) and reading the JSON it prints.
 * @module
 */

/**
 * Runs `script` with `deno run -A`, its arguments and environment, and parses what it prints.
 *
 * @param script The script's path.
 * @param args Its arguments.
 * @param env Variables set for it (on top of this process's).
 * @returns What it printed on stdout, parsed as JSON.
 * @throws {Error} When it exits with another code than 0, with what it said on stderr.
 */
export async function runJsonScript(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<unknown> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `${script.slice(script.lastIndexOf("/") + 1)} exited with ${code}: ${new TextDecoder().decode(stderr)}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(stdout));
}
