/**
 * Removing a path that may already be gone.
 * @module
 */
import { isMissing } from "./exists.ts";

/**
 * Removes `path` (recursively); absence (of it or of a folder on its way) is fine, any other error is thrown.
 *
 * @param path The file or folder.
 */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!isMissing(error)) throw error;
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
    if (!isMissing(error)) throw error;
  }
}
