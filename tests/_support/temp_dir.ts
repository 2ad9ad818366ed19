/**
 * Temporary folders for tests that leave nothing behind in the system's temporary folder.
 *
 * - {@linkcode tempDir}: a folder removed once every test of the file that made it has run (a `Deno.test.afterAll`
 *   hook), for folders that helpers hand out or that outlive one scope.
 * - {@linkcode makeTempFolder}: a folder removed when its `await using` scope ends.
 * @module
 */

const made: string[] = [];

Deno.test.afterAll(async () => {
  for (const path of made.splice(0)) await removeFolder(path);
});

/**
 * Makes a temporary folder that is removed after the last test of the current test file.
 *
 * @param prefix The start of the folder's name, to tell whose it is.
 * @returns The folder's absolute path.
 */
export async function tempDir(prefix = "reel-test-"): Promise<string> {
  const path = await Deno.makeTempDir({ prefix });
  made.push(path);
  return path;
}

/**
 * Makes an empty temporary file, in a folder of its own that {@linkcode tempDir} removes.
 *
 * @param suffix The file's extension, e.g. `.wav`.
 * @returns The file's absolute path.
 */
export async function tempFile(suffix = ""): Promise<string> {
  const path = `${await tempDir()}/file${suffix}`;
  await Deno.writeFile(path, new Uint8Array());
  return path;
}

/**
 * Creates a temporary folder that `await using` removes.
 *
 * @param prefix The start of the folder's name.
 * @returns The folder's path and its disposer.
 */
export async function makeTempFolder(prefix = "reel-test-"): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => removeFolder(path) };
}

async function removeFolder(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    // A test may remove its folder itself.
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
