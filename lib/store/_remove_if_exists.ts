/**
 * Removing a path that may already be gone.
 * @module
 */

/**
 * Removes `path` (recursively); absence is fine, any other error is thrown.
 *
 * @param path The file or folder.
 */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Removes a file (a claim, a claim's temporary) synchronously: an unlink, not a walk; absence is fine, any other
 * error is thrown.
 *
 * @param path The file.
 */
export function removeFileIfExistsSync(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
