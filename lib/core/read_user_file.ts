/**
 * Reading a file a workflow names (music, an image): a regular file only. `Deno.readFile` of a device reads until
 * memory runs out (`/dev/zero`), of a named pipe waits for a writer that may never come; such a path, and a link
 * that loops, is the user's mistake and is said so in their words.
 * @module
 */
import { isMissing, nameTooLong } from "./exists.ts";

/**
 * Reads a regular file whole.
 *
 * @param path The file.
 * @returns Its bytes.
 * @throws {Deno.errors.NotFound} (or another of Deno's errors) as `Deno.stat` and `Deno.readFile` throw them;
 * {@linkcode NotAFileError} for a device, a pipe or a socket.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotAFileError, readUserFile } from "./read_user_file.ts";
 * await assert.rejects(readUserFile("/dev/zero"), NotAFileError);
 * ```
 */
export async function readUserFile(path: string): Promise<Uint8Array> {
  await statUserFile(path);
  return await Deno.readFile(path);
}

/**
 * Checks that a path names a regular file, for what reads it in its own way (a digest, a child process).
 *
 * @param path The file.
 * @returns Its `Deno.stat`.
 * @throws {Deno.errors.IsADirectory} for a folder, {@linkcode NotAFileError} for a device, a pipe or a socket, and
 * `Deno.stat`'s own errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statUserFile } from "./read_user_file.ts";
 * await assert.rejects(statUserFile("/tmp"), Deno.errors.IsADirectory);
 * ```
 */
export async function statUserFile(path: string): Promise<Deno.FileInfo> {
  const info = await Deno.stat(path);
  if (info.isDirectory) throw new Deno.errors.IsADirectory(`Is a directory: ${path}`);
  if (!info.isFile) throw new NotAFileError(path);
  return info;
}

/** A path that names a device, a pipe or a socket where a file was expected. */
export class NotAFileError extends Error {
  /** @param path The path. */
  constructor(readonly path: string) {
    super(`Not a regular file (a device, a pipe or a socket): ${path}`);
    this.name = "NotAFileError";
  }
}

/**
 * What keeps a file a workflow names from being read, in the user's words, for the failures that are theirs
 * (none, a folder, a link loop, a name too long, no permission, not a regular file); null for any other.
 *
 * @param error What {@linkcode readUserFile} threw.
 * @param what What the file should be, e.g. "music file".
 * @returns The sentence, without the path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unreadableUserFile } from "./read_user_file.ts";
 * assert.equal(unreadableUserFile(new Deno.errors.NotFound("x"), "image"), "Image not found");
 * ```
 */
export function unreadableUserFile(error: unknown, what: string): string | null {
  const noun = `${what[0]!.toUpperCase()}${what.slice(1)}`;
  if (isMissing(error)) {
    return `${noun} not found`;
  }
  if (error instanceof Deno.errors.IsADirectory) return `Expected ${article(what)} ${what}, got a folder`;
  if (error instanceof Deno.errors.PermissionDenied) return `Cannot read the ${what} (permission denied)`;
  if (error instanceof Deno.errors.FilesystemLoop) return `Cannot read the ${what}: its links loop`;
  // fi22: Deno's words and a trace, exit 1.
  if (nameTooLong(error)) {
    return `Cannot read the ${what}: its name is too long`;
  }
  if (error instanceof NotAFileError) {
    return `Expected ${article(what)} ${what}, got a device, a pipe or a socket`;
  }
  return null;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}
