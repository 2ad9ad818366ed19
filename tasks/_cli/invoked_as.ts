/**
 * How reel's CLI is run on this machine, so that a hint names a command the user can type: before, refusals said
 * `See reel render --help`, and there is no `reel` program where reel runs as Deno's task (nt21).
 * @module
 */

/**
 * The words that run reel's CLI here: a compiled binary by its own name; else Deno's `reel` task, through npx
 * when npx started it (Deno from npm, as the README's first commands run it: npm tells its child `npm_command`).
 *
 * @param execPath The running program (`Deno.execPath()`).
 * @param env Reads an environment variable.
 * @returns E.g. `deno task reel`, `npx -y deno@2.9.6 task reel` or `reel`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reelCommand } from "./invoked_as.ts";
 * assert.equal(reelCommand("/usr/local/bin/reel", () => undefined), "reel");
 * assert.equal(reelCommand("/usr/bin/deno", () => undefined), "deno task reel");
 * assert.equal(reelCommand("C:\\Users\\u\\.deno\\bin\\deno.exe", () => undefined), "deno task reel");
 * assert.equal(
 *   reelCommand("/root/.npm/_npx/1/node_modules/deno/deno", (name) => name === "npm_command" ? "exec" : undefined),
 *   `npx -y deno@${Deno.version.deno} task reel`,
 * );
 * ```
 */
export function reelCommand(
  execPath: string = Deno.execPath(),
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string {
  const program = execPath.split(/[\\/]/).at(-1)!;
  if (program !== "deno" && program !== "deno.exe") return program;
  return env("npm_command") === "exec" ? `npx -y deno@${Deno.version.deno} task reel` : "deno task reel";
}
