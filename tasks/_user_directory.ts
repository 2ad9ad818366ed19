/**
 * `deno task` runs its command in the folder of deno.json and names the folder the user typed it in as
 * `INIT_CWD` (npm does the same, so `npx deno task` does too); the CLI moves there, so that the workflow paths,
 * `--out` and `--cache` that the user typed are read from where they typed them.
 * @module
 */
import { InputError } from "../lib/core/errors.ts";

const PROJECT_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/**
 * Changes the current folder to `INIT_CWD` when the CLI was started by `deno task` (or npm): the current folder is
 * then the project's root and `INIT_CWD` is set. Run directly (`deno run tasks/render.ts`, a compiled binary), the
 * current folder is already the user's and nothing changes.
 *
 * @param env Reads environment variables; defaults to `Deno.env.get`.
 * @returns The folder the CLI now runs in.
 * @throws {InputError} When `INIT_CWD` names a folder that cannot be entered.
 */
export function enterUserDirectory(env: (name: string) => string | undefined = Deno.env.get): string {
  const userDirectory = env("INIT_CWD");
  if (userDirectory === undefined || userDirectory === "" || Deno.cwd() !== PROJECT_ROOT) return Deno.cwd();
  try {
    Deno.chdir(userDirectory);
  } catch (error) {
    throw new InputError(`Cannot enter the folder the command was started in (INIT_CWD=${userDirectory})`, {
      hint: "Run the command again from an existing folder",
      cause: error,
    });
  }
  return Deno.cwd();
}
