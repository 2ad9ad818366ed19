/**
 * Finding external programs on PATH or through an environment variable, and telling one file of a program from
 * another at the same path.
 * @module
 */

/**
 * Looks for an executable file named `name` in the folders of `PATH`.
 *
 * @param name The program's name, e.g. `ffmpeg`.
 * @returns Its absolute path, or null when it is not on PATH.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findOnPath } from "./find_binary.ts";
 * assert.ok((await findOnPath("sh")) !== null);
 * ```
 */
export async function findOnPath(name: string): Promise<string | null> {
  const folders = (Deno.env.get("PATH") ?? "").split(":").filter((folder) => folder !== "");
  for (const folder of folders) {
    const candidate = `${folder}/${name}`;
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * Tells whether `path` is a regular file with an execute bit.
 *
 * @param path The file to check.
 * @returns True when it can be run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isExecutableFile } from "./find_binary.ts";
 * assert.ok(!(await isExecutableFile("/no/such/file")));
 * ```
 */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return false;
    throw error;
  }
}

/**
 * What tells one file of a program from another at the same path: its size, times and inode, so that an upgrade
 * reads as a new file. Null when the file cannot be read (running it will say why).
 *
 * @param program The executable's path.
 * @returns e.g. `"7432:1700000000000:1700000000000:1234"`, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { programFileIdentity } from "./find_binary.ts";
 * assert.equal(await programFileIdentity("/no/such/program"), null);
 * ```
 */
export async function programFileIdentity(program: string): Promise<string | null> {
  const info = await Deno.stat(program).catch(() => null);
  return info === null ? null : `${info.size}:${info.mtime?.getTime()}:${info.ctime?.getTime()}:${info.ino}`;
}
