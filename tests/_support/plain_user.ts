/**
 * Runs a program as this user without root's rights over files: under root (as CI runs), through `setpriv` with
 * the rights to write in and read any folder dropped, so that folders of another user's are refused as they are to
 * a user without sudo; as anyone else, as it is.
 * @module
 */

/** The rights dropped: to write in and read any folder, and to act as any file's owner. */
const FILE_RIGHTS = "-dac_override,-dac_read_search,-fowner";

/**
 * The program and arguments that run `program` without root's rights over files (as they are for another user).
 *
 * @param program The program.
 * @param args Its arguments.
 * @returns The command to run instead.
 */
export function withoutRootRights(
  program: string,
  args: readonly string[],
): { program: string; args: string[] } {
  if (Deno.uid() !== 0) return { program, args: [...args] };
  return { program: "setpriv", args: [`--bounding-set=${FILE_RIGHTS}`, program, ...args] };
}

/**
 * Runs TypeScript as this user without root's rights over files, and reads what it printed as JSON.
 *
 * @param code A module's code; it imports reel's files by absolute URL and prints one JSON value.
 * @returns The value printed.
 * @throws {Error} With its stderr, when the code fails.
 */
export async function evalWithoutRootRights(code: string): Promise<unknown> {
  const { program, args } = withoutRootRights(Deno.execPath(), ["eval", "--ext=ts", code]);
  const output = await new Deno.Command(program, { args, stdin: "null" }).output();
  const decoder = new TextDecoder();
  if (!output.success) throw new Error(`The code failed:\n${decoder.decode(output.stderr)}`);
  return JSON.parse(decoder.decode(output.stdout));
}

/**
 * Makes `folder` another user's, or, where this user cannot give a folder away, keeps this user out of it: as a
 * render run with sudo leaves a folder, for {@linkcode withoutRootRights}'s programs.
 *
 * @param folder The folder.
 * @returns Puts it back as it was (so that it can be removed).
 */
export async function lockOut(folder: string): Promise<() => Promise<void>> {
  if (Deno.uid() === 0) {
    await Deno.chown(folder, 65534, 65534);
    await Deno.chmod(folder, 0o755);
    return () => Deno.chown(folder, 0, 0);
  }
  await Deno.chmod(folder, 0o555);
  return () => Deno.chmod(folder, 0o755);
}
