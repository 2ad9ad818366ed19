/**
 * Which of a store's own folders this user cannot write in: a render run as another user (with `sudo`, say) leaves
 * folders owned by that user in the store, and every step whose entry went there was made, paid for where it calls
 * a provider, and lost ("Permission denied (os error 13): rename …", once a step).
 * @module
 */
import { dirname, resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import { ownerMark } from "./owner_mark.ts";

/** What a run will write in a store, for a store's `unwritable()`. */
export interface UnwritableOptions {
  /** The keys of the steps to run, or null where not all are known before the run. */
  keys: readonly string[] | null;
  /** The keys whose stored entries the run replaces (`--force`). */
  replaced: readonly string[];
}

/** A folder this user cannot write in, and who owns it (null where the system does not say). */
export interface UnwritableFolder {
  folder: string;
  owner: number | null;
}

/**
 * Where a file made to learn whether a folder can be written goes: named as this process's private files are, so
 * that a render starting beside it leaves it alone (see `owner_mark.ts`).
 *
 * @param dir The folder.
 * @returns Options for `Deno.makeTempFile`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probeFile } from "./writable_folders.ts";
 * assert.equal(probeFile("/tmp").dir, "/tmp");
 * ```
 */
export function probeFile(dir: string): Deno.MakeTempOptions {
  return { dir, prefix: `.${ownerMark()}-reel-probe-` };
}

/**
 * The first of `folders` that exists and that this user cannot make a file in. One owned by this user with its
 * owner's write bit set is taken as writable from its status alone; any other is tried by making a file in it
 * and removing it (groups, access lists and root's rights are the system's to judge). A folder that does not exist
 * is skipped: it is made where it is needed, in a folder checked before.
 *
 * Synchronous: a store checks up to 256 folders of entries before a run, and each asynchronous call is a hop to
 * another thread (about five times the cost of the call itself here).
 *
 * @param folders The folders, in the order to check them.
 * @returns The first that cannot be written, or null.
 * @throws What the system answers other than a denied permission or a missing folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstUnwritable } from "./writable_folders.ts";
 * const dir = Deno.makeTempDirSync();
 * assert.equal(firstUnwritable([dir, `${dir}/none`]), null);
 * Deno.removeSync(dir);
 * ```
 */
export function firstUnwritable(folders: Iterable<string>): UnwritableFolder | null {
  const uid = Deno.uid();
  for (const folder of folders) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(folder);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    if (!info.isDirectory) continue;
    if (uid !== null && info.uid === uid && ((info.mode ?? 0) & 0o200) !== 0) continue;
    try {
      Deno.removeSync(Deno.makeTempFileSync(probeFile(folder)));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      if (!(error instanceof Deno.errors.PermissionDenied)) throw error;
      return { folder, owner: info.uid };
    }
  }
  return null;
}

/**
 * Whether another user owns an unwritable folder (made by a render run as that user, with sudo, say).
 *
 * @param unwritable The folder and its owner.
 * @returns True when the system names an owner other than this user.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownedByAnother } from "./writable_folders.ts";
 * assert.equal(ownedByAnother({ folder: "/x", owner: null }), false);
 * ```
 */
export function ownedByAnother(unwritable: UnwritableFolder): boolean {
  return unwritable.owner !== null && unwritable.owner !== Deno.uid();
}

/**
 * Why this user cannot write in a folder, in a message: whose it is, when another user's.
 *
 * @param unwritable The folder and its owner.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { whyUnwritable } from "./writable_folders.ts";
 * assert.match(whyUnwritable({ folder: "/x", owner: Deno.uid() === 0 ? 1 : 0 }), /^it belongs to/);
 * ```
 */
export function whyUnwritable(unwritable: UnwritableFolder): string {
  if (!ownedByAnother(unwritable)) return "permission denied";
  const whose = unwritable.owner === 0 ? "root" : `user ${unwritable.owner}`;
  return `it belongs to ${whose}, not to this user (made by a render run as ${whose}, with sudo?)`;
}

/**
 * Who owns `path`, or the nearest folder above it that this user may look at (a folder made with `mkdtemp` by
 * another user hides what it holds); null where the system says of none.
 *
 * @param path A file or folder.
 * @returns The owner's user id, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownerOf } from "./writable_folders.ts";
 * const dir = Deno.makeTempDirSync();
 * assert.equal(ownerOf(`${dir}/none`), Deno.uid());
 * assert.equal(ownerOf("no-such-name"), Deno.statSync(".").uid);
 * Deno.removeSync(dir);
 * ```
 */
export function ownerOf(path: string): number | null {
  // Absolute first: a relative name's folders above it are the working folder's (rv39: `out` was read as `ou`).
  for (let at = resolve(path);; at = dirname(at)) {
    try {
      return Deno.statSync(at).uid;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) && !(error instanceof Deno.errors.PermissionDenied)) {
        throw error;
      }
    }
    if (dirname(at) === at) return null;
  }
}

/**
 * The refusal of a folder or file of reel's own that this user may not read or write: whose it is, and the command
 * that gives the folder back (a render run with sudo leaves the store, the output folder or its files root's).
 *
 * @param unwritable The folder or file, and its owner.
 * @param options What was refused (`read`, `write to`), the folder it is in, as messages name it (`cache folder`),
 *   and the folder to give back.
 * @returns The error (exit 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refusedByOwner } from "./writable_folders.ts";
 * const error = refusedByOwner({ folder: "/x/.reel/tmp", owner: Deno.uid() }, {
 *   doing: "write to",
 *   place: "cache folder",
 *   root: "/x/.reel",
 * });
 * assert.equal(error.message, "Cannot write to /x/.reel/tmp in the cache folder: permission denied");
 * ```
 */
export function refusedByOwner(
  unwritable: UnwritableFolder,
  options: { doing: "read" | "write to"; place: string; root: string },
): InputError {
  return new InputError(
    `Cannot ${options.doing} ${unwritable.folder} in the ${options.place}: ${whyUnwritable(unwritable)}`,
    {
      where: unwritable.folder,
      hint: ownedByAnother(unwritable)
        ? `Give the ${options.place} back to your user: ${giveBackCommand(options.root)}`
        : `Let your user read and write in it: chmod -R u+rwX ${shellQuoted(options.root)}`,
    },
  );
}

/**
 * The command that gives a folder another user made, and all it holds, back to this user.
 *
 * @param folder The folder.
 * @returns The command, the folder quoted for a shell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { giveBackCommand } from "./writable_folders.ts";
 * assert.equal(giveBackCommand("/x/it's"), `sudo chown -R "$(id -un)" '/x/it'\\''s'`);
 * ```
 */
export function giveBackCommand(folder: string): string {
  return `sudo chown -R "$(id -un)" ${shellQuoted(folder)}`;
}

/** A path as a shell reads it as one word, whatever it holds. */
function shellQuoted(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`;
}
