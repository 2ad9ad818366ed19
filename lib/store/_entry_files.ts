/**
 * Reading the files of store entries: records, folder listings, sizes; and telling which errors mean "absent".
 * Records and sizes are read synchronously: a record is a few hundred bytes and a step reads several, and each
 * call through Deno's asynchronous file system is a thread-pool round trip that costs several times the call.
 * @module
 */
import { isRecord } from "../core/is_record.ts";
import type { ArtifactRecord } from "./step_store.ts";

/** rename(2) onto a folder that holds files fails with ENOTEMPTY (or EEXIST): another writer was first. */
export function isNotEmpty(error: unknown): boolean {
  return error instanceof Error &&
    /ENOTEMPTY|not empty/i.test(`${(error as { code?: string }).code} ${error.message}`);
}

export function notFoundIsFine(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}

/** An entry's record, when it was last used (its time) and its size in bytes (a value-only step's value is in it). */
export function readRecord(path: string): { record: ArtifactRecord; mtime: Date; size: number } | null {
  try {
    const text = Deno.readTextFileSync(path);
    const info = Deno.statSync(path);
    const record: unknown = JSON.parse(text);
    // Damaged (fi4: `null` in it read `.version` of null, and every command on the store crashed): remade.
    if (!isRecord(record) || record.version !== 2) return null;
    return { record: record as unknown as ArtifactRecord, mtime: info.mtime ?? new Date(0), size: info.size };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return null;
    // A folder where the record should be is a damaged entry too.
    if (error instanceof Deno.errors.IsADirectory) return null;
    // A folder that vanished between listing and reading (removed by `cache gc`) reads as absent too.
    if (error instanceof Deno.errors.NotADirectory) return null;
    throw error;
  }
}

/**
 * Whether the record at `path` is of a later version than this reel writes (a record object whose `version` is a
 * number above 2): a later reel's entry in a shared store, which this one does not read and leaves in place.
 */
export function laterRecord(path: string): boolean {
  try {
    const record: unknown = JSON.parse(Deno.readTextFileSync(path));
    return isRecord(record) && typeof record.version === "number" && record.version > 2;
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof Deno.errors.NotFound) return false;
    if (error instanceof Deno.errors.IsADirectory || error instanceof Deno.errors.NotADirectory) return false;
    throw error;
  }
}

/** The names of the folders in a folder (a stray file, a `.DS_Store` say, is not an entry); [] when it is absent. */
export async function listFolders(folder: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(folder))).filter((entry) => entry.isDirectory)
      .map((entry) => entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

export function fileSize(path: string): number | null {
  return fileInfo(path)?.size ?? null;
}

export function fileInfo(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Makes a step's file the store's own before it is kept (and, in a folder store, stamped): a link is replaced by a
 * copy of what it links to (fi5: a symbolic link to /etc/passwd was stored as a link, and the stamp changed that
 * file's time; a hard link shared the user's file with the store). Anything but a file is refused, naming it.
 *
 * @param path The step's file; nothing there is no error (the caller says what a missing file means).
 * @throws {Error} When a folder, a pipe or another thing that is no file is there, or a link leads to none.
 */
export async function ownFile(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (info.isFile && (info.nlink ?? 1) <= 1) return;
  if (!info.isFile && !info.isSymlink) {
    const what = info.isDirectory ? "a folder" : "something that is no file (a pipe?)";
    throw new Error(`The step made ${what} at its output path (${path}), not a file; nothing was stored`);
  }
  // Copied beside it, under a name no step writes, without holding the thread (rv7: a 10 GB link stalled it).
  const copy = `${path}.${crypto.randomUUID()}`;
  try {
    await Deno.copyFile(path, copy);
  } catch (error) {
    await Deno.remove(copy).catch(notFoundIsFine);
    throw new Error(`The step's output path is a link to no file that can be read (${path})`, {
      cause: error,
    });
  }
  await Deno.rename(copy, path);
}
