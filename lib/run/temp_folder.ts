/**
 * The system's folder for temporary files (`TMPDIR`), checked before a command runs: engines write short-lived files
 * there (pocketsphinx's probe, a recognizer's pieces), and a `TMPDIR` that names a missing or read-only folder
 * failed their steps at run time naming no folder ("No such file or directory (os error 2): tmpdir").
 * @module
 */
import { InputError, systemReason } from "../core/errors.ts";
import { pathTrouble } from "../core/exists.ts";

/**
 * Checks that a file can be made in the temporary folder `TMPDIR` names, when it names one.
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @throws {InputError} Naming `TMPDIR` and its folder when no file can be made there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTempFolder } from "./temp_folder.ts";
 * checkTempFolder(() => undefined);
 * assert.throws(() => checkTempFolder(() => "/no/such/folder"), /TMPDIR names \/no\/such\/folder/);
 * ```
 */
export function checkTempFolder(env: (name: string) => string | undefined = Deno.env.get): void {
  const folder = env("TMPDIR");
  if (folder === undefined || folder === "") return;
  try {
    // Synchronous: one small file, once a command, before anything else runs.
    Deno.removeSync(Deno.makeTempFileSync({ dir: folder, prefix: ".reel-tmpdir-" }));
  } catch (error) {
    // In reel's words where a path's trouble is one (fi22: "Not a directory (os error 20)").
    const trouble = error instanceof Deno.errors.NotFound ? null : pathTrouble(error, `${folder}/x`);
    const why = error instanceof Deno.errors.NotFound
      ? "which does not exist"
      : `where no file can be made (${trouble ?? systemReason(error)})`;
    throw new InputError(`TMPDIR names ${folder}, ${why}`, {
      where: "TMPDIR",
      hint: "Point TMPDIR at a folder that can be written, or unset it",
      cause: error,
    });
  }
}
