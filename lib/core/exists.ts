/**
 * Whether a path exists, and whether an error says a file cannot be read at all.
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";

/**
 * Tells whether a file or folder exists; any error other than its absence is thrown.
 *
 * @param path The path.
 * @returns True when it exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exists } from "./exists.ts";
 * assert.equal(await exists("/definitely/not/here"), false);
 * ```
 */
export function exists(path: string): Promise<boolean> {
  // One synchronous stat: the scheduler asks this of every input of every step, and a call through the
  // asynchronous file system costs several times the stat itself (a thread-pool round trip).
  try {
    Deno.statSync(path);
    return Promise.resolve(true);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Promise.resolve(false);
    return Promise.reject(error);
  }
}

/**
 * Tells whether a path leads to a folder (through links); false when nothing is there, any other error thrown.
 * Synchronous: asked of a few paths at a command's start (a font folder's links, `$HOME`).
 *
 * @param path The path.
 * @returns True for a folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFolder } from "./exists.ts";
 * assert.equal(isFolder("/tmp"), true);
 * assert.equal(isFolder("/definitely/not/here"), false);
 * ```
 */
export function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Whether `error` says the file cannot be read at all (missing, not allowed, a folder): what a reader that falls
 * back to ffmpeg or ffprobe hands over, so that the tool names the file and the trouble.
 *
 * @param error What opening or reading the file threw.
 * @returns True for NotFound, PermissionDenied and IsADirectory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isUnreadableFile } from "./exists.ts";
 * assert.ok(isUnreadableFile(new Deno.errors.NotFound("gone")));
 * assert.ok(!isUnreadableFile(new RangeError("not a WAV")));
 * ```
 */
export function isUnreadableFile(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied ||
    error instanceof Deno.errors.IsADirectory;
}

/**
 * For a file system call's `.catch`: null when the path is not there (NotFound), the error thrown again otherwise.
 *
 * @param error What the call threw.
 * @returns Null.
 * @throws The error, when it is not NotFound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notFoundAsNull } from "./exists.ts";
 * assert.equal(await Deno.stat("/no/such/file").catch(notFoundAsNull), null);
 * ```
 */
export function notFoundAsNull(error: unknown): null {
  if (error instanceof Deno.errors.NotFound) return null;
  throw error;
}

/**
 * Whether `error` says a path is not there: NotFound, or NotADirectory (a file where the path needs a folder, as
 * `REEL_FONT_DIR=/etc/passwd` makes `/etc/passwd/DejaVuSans.ttf`).
 *
 * @param error What a file system call threw.
 * @returns True when nothing is at the path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMissing } from "./exists.ts";
 * assert.ok(isMissing(new Deno.errors.NotADirectory("x")));
 * assert.ok(!isMissing(new Deno.errors.PermissionDenied("x")));
 * ```
 */
export function isMissing(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory;
}

/**
 * Whether a file system call failed because the path's name (or one of its parts) is too long for the system:
 * Deno gives that error no class of its own, only the code `ENAMETOOLONG`.
 *
 * @param error What was thrown.
 * @returns True for a name too long.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nameTooLong } from "./exists.ts";
 * let thrown: unknown;
 * try {
 *   Deno.statSync(`/tmp/${"a".repeat(300)}`);
 * } catch (error) {
 *   thrown = error;
 * }
 * assert.ok(nameTooLong(thrown));
 * assert.ok(!nameTooLong(new Deno.errors.NotFound("x")));
 * ```
 */
export function nameTooLong(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "ENAMETOOLONG";
}

/**
 * Why a path cannot be used, in words, from what a file system call on it threw: `not found`, `its links loop`,
 * `its name is too long`, `permission denied`, `it is a folder`, or the file in the way (`a.ts is a file, not a
 * folder`); null for an error that says nothing of the path (fi22: a loop or a long name given as a store, a
 * workflow or a picture stopped reel with Deno's words and its trace).
 *
 * @param error What was thrown.
 * @param path The path the call was given.
 * @returns The words, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathTrouble } from "./exists.ts";
 * assert.equal(pathTrouble(new Deno.errors.FilesystemLoop("x"), "/a"), "its links loop");
 * assert.equal(pathTrouble(new Deno.errors.NotADirectory("x"), "deno.json/x"), "deno.json is a file, not a folder");
 * assert.equal(pathTrouble(new Deno.errors.NotADirectory("x"), "deno.json"), "it is a file, not a folder");
 * assert.equal(pathTrouble(new Error("boom"), "/a"), null);
 * ```
 */
export function pathTrouble(error: unknown, path: string): string | null {
  if (error instanceof Deno.errors.NotFound) return "not found";
  if (error instanceof Deno.errors.FilesystemLoop) return "its links loop";
  if (nameTooLong(error)) return "its name is too long";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a folder";
  if (error instanceof Deno.errors.NotADirectory) {
    const file = fileInTheWay(path);
    return file === null
      ? "a file is in the way"
      : file === path
      ? "it is a file, not a folder"
      : `${file} is a file, not a folder`;
  }
  return null;
}

/**
 * Where a file stands on `path` instead of a folder: `path` itself when it is no folder, else the nearest folder
 * named above it that is a file (`a.ts` of `a.ts/b/c`); null when none is (nothing there, or folders all the way).
 * Synchronous, as it is asked once, of a path a command was refused.
 *
 * @param path The path.
 * @returns The path of the file in the way, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileInTheWay } from "./exists.ts";
 * assert.equal(fileInTheWay("deno.json/x/y.ts"), "deno.json");
 * assert.equal(fileInTheWay("deno.json"), "deno.json");
 * assert.equal(fileInTheWay("lib/no-such/y.ts"), null);
 * ```
 */
export function fileInTheWay(path: string): string | null {
  for (let at = path; at !== "" && at !== "/" && at !== "."; at = dirname(at)) {
    try {
      if (!Deno.statSync(at).isDirectory) return at;
    } catch (error) {
      // Not there (or under a file): the file in the way is above it. A folder this user may not look into hides
      // what is below it: nothing is known to be in the way.
      if (error instanceof Deno.errors.PermissionDenied) return null;
      if (!isMissing(error)) throw error;
    }
  }
  return null;
}

/**
 * The real path of what is at `path` (links and `..` resolved), or null when nothing is there; any other error is
 * thrown. Synchronous: a render's output check asks it of each file its plan names, once, at its start (a call
 * through the asynchronous file system costs several times the system call).
 *
 * @param path The path.
 * @returns The real path, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realPathOrNull } from "./exists.ts";
 * assert.equal(realPathOrNull("/tmp/../tmp"), Deno.realPathSync("/tmp"));
 * assert.equal(realPathOrNull("/definitely/not/here"), null);
 * ```
 */
export function realPathOrNull(path: string): string | null {
  try {
    return Deno.realPathSync(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/**
 * The folder itself when it exists, else the nearest one above it that does: where it would be made.
 *
 * @param folder The folder.
 * @returns An existing folder's absolute path.
 * @throws {Deno.errors.NotADirectory} When a file stands there, or at the nearest existing path above it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nearestFolder } from "./exists.ts";
 * assert.equal(await nearestFolder("/tmp/no/such/folder"), "/tmp");
 * ```
 */
export async function nearestFolder(folder: string): Promise<string> {
  for (let path = resolve(folder);; path = dirname(path)) {
    const found = await Deno.stat(path).catch((error) => {
      if (!isMissing(error) || path === dirname(path)) throw error;
      return null;
    });
    if (found === null) continue;
    if (found.isDirectory) return path;
    throw new Deno.errors.NotADirectory(`${path} is not a folder`);
  }
}

/**
 * A path's information, or null where there is nothing (nothing there, or a file where a folder of the path is:
 * a folder of `LD_LIBRARY_PATH` may be a file too; links that loop; a name too long). Synchronous: for the few
 * stats of a start.
 *
 * @param path The path.
 * @returns Its information, or null.
 * @throws What `stat` throws otherwise (`PermissionDenied`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statOrNull } from "./exists.ts";
 * assert.equal(statOrNull("/no/such/file"), null);
 * assert.equal(statOrNull("/etc/hostname/x"), null);
 * ```
 */
export function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch (error) {
    // Nor does a path whose links loop or whose name is too long name a file (fi22: REEL_FONT_DIR at a loop
    // stopped a render with Deno's words and a trace).
    if (isMissing(error) || error instanceof Deno.errors.FilesystemLoop) return null;
    if (nameTooLong(error)) return null;
    throw error;
  }
}

/**
 * A folder by its real path, made or not yet: the real path of the nearest folder of it that is there, then the
 * rest (a link to it, `out` and `./out`: one folder; rv27: a folder not made yet was named through the link).
 *
 * @param folder The folder.
 * @returns Its real absolute path.
 * @throws {Deno.errors.NotADirectory} When a file stands there, or at the nearest existing path above it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realFolder } from "./exists.ts";
 * assert.equal(await realFolder("/tmp/no/such/../folder"), `${Deno.realPathSync("/tmp")}/no/folder`);
 * ```
 */
export async function realFolder(folder: string): Promise<string> {
  const absolute = resolve(folder);
  const nearest = await nearestFolder(absolute);
  return join(await Deno.realPath(nearest), relative(nearest, absolute));
}
