/**
 * Whether a file is at any of `paths`, read when a test is declared: its `ignore` is read then (sync for that).
 *
 * @param paths Where the file may be (a program in /usr/bin or /bin).
 * @returns True when one of them is a file.
 */
export function fileThere(...paths: string[]): boolean {
  return paths.some((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  });
}
