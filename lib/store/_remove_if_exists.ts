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
 * Removes a file or a small folder (a claim, a staged entry) synchronously; absence is fine, any other error is
 * thrown.
 *
 * @param path The file or folder.
 */
export function removeIfExistsSync(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
