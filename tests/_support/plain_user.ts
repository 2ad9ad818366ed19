/**
 * Runs a program as this user without root's rights over files: under root (as CI runs), through `setpriv` with
 * the rights to write in and read any folder dropped, so that folders of another user's are refused as they are to
 * a user without sudo; as anyone else, as it is.
 * @module
 */

/** The rights dropped: to write in and read any folder, and to act as any file's owner. */
const FILE_RIGHTS = "-dac_override,-dac_read_search,-fowner";

/**
 * Whether programs can run as this user without root's rights over files: always but under root, where `setpriv`
 * must be there and allowed to drop them (a container may have no right to; then the tests that need it are
 * ignored, and say why).
 */
export const ROOT_RIGHTS_DROP: { works: boolean; why: string } = await (async () => {
  if (Deno.uid() !== 0) return { works: true, why: "" };
  const probe = await new Deno.Command("setpriv", {
    args: [`--bounding-set=${FILE_RIGHTS}`, "true"],
    stderr: "piped",
  })
    .output().catch((error: Error) => ({ success: false, stderr: new TextEncoder().encode(error.message) }));
  return { works: probe.success, why: new TextDecoder().decode(probe.stderr).trim() };
})();

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

/** Why reel says this user may not write in a folder {@linkcode lockOut} locked. */
export const LOCKED_OUT_WHY: string = Deno.uid() === 0
  ? "it belongs to user 65534, not to this user (made by a render run as user 65534, with sudo?)"
  : "permission denied";

/**
 * Makes `folder` another user's, or, where this user cannot give a folder away, keeps this user out of it: as a
 * render run with sudo leaves a folder, for {@linkcode withoutRootRights}'s programs.
 *
 * @param folder The folder.
 * @param options `enter`: whether this user may still enter it and read it (a folder `mkdir` made), or not (one
 *   `mkdtemp` made, mode 0700). @default true
 * @returns Puts it back as it was (so that it can be removed).
 */
export async function lockOut(
  folder: string,
  options: { enter?: boolean } = {},
): Promise<() => Promise<void>> {
  const enter = options.enter ?? true;
  if (Deno.uid() === 0) {
    await Deno.chown(folder, 65534, 65534);
    await Deno.chmod(folder, enter ? 0o755 : 0o700);
    return () => Deno.chown(folder, 0, 0);
  }
  await Deno.chmod(folder, enter ? 0o555 : 0o000);
  return () => Deno.chmod(folder, 0o755);
}

/** Whether the tests' being ignored was said. */
let said = false;

/**
 * A test that runs programs without root's rights over files: ignored where they cannot be dropped (see
 * {@linkcode ROOT_RIGHTS_DROP}), which is said once.
 *
 * @param name The test's name.
 * @param fn The test.
 */
export function plainUserTest(name: string, fn: () => Promise<void>): void {
  if (!ROOT_RIGHTS_DROP.works && !said) {
    said = true;
    console.warn(
      `Ignoring the tests run without root's rights over files: setpriv cannot drop them (${ROOT_RIGHTS_DROP.why})`,
    );
  }
  Deno.test({ name, ignore: !ROOT_RIGHTS_DROP.works, fn });
}
