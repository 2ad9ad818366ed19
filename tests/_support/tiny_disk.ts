/**
 * A full disk for a test: a command run with a tiny tmpfs mounted at a folder, in a mount namespace of its own
 * (`unshare -rm`: no root needed; the mount is gone when the command ends).
 * @module
 */

/** Whether this user may make a mount namespace of its own (`unshare -rm`), where a tiny tmpfs can be mounted. */
export const TINY_DISK_MOUNTABLE: boolean =
  (await new Deno.Command("unshare", { args: ["-rm", "true"], stdout: "null", stderr: "null" })
    .output().catch((error) => {
      if (error instanceof Deno.errors.NotFound) return { success: false }; // no unshare
      throw error;
    })).success;

/**
 * Runs `command` with a 64 KiB tmpfs mounted at `folder`.
 *
 * @param folder An empty folder, where the tmpfs is mounted.
 * @param command The program and its arguments.
 * @returns Its exit code, and its stdout and stderr as text.
 */
export async function onTinyDisk(
  folder: string,
  command: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = 'mount -t tmpfs -o size=64k tmpfs "$1" && shift && exec "$@"';
  const output = await new Deno.Command("unshare", {
    args: ["-rm", "sh", "-c", script, "sh", folder, ...command],
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}
