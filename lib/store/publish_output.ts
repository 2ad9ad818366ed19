/**
 * Publishing an artifact into the output folder: a copy made under a temporary name and renamed, so the output
 * folder never holds a partial file.
 * @module
 */
import { Buffer } from "node:buffer";
import { messageOf, systemReason } from "../core/errors.ts";
import { exists, nameTooLong } from "../core/exists.ts";
import { readFull } from "../core/read_full.ts";
import { leftByGoneOwner, ownerMark } from "./owner_mark.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";

/**
 * Places `artifact` at `destination` atomically, replacing what was there (unless it holds these bytes already: then
 * it is left as it is).
 *
 * @param artifact The stored file.
 * @param destination The path in the output folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publishOutput } from "./publish_output.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "x");
 * await publishOutput(`${dir}/a`, `${dir}/b`);
 * assert.ok((await Deno.readTextFile(`${dir}/b`)) === "x");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function publishOutput(artifact: string, destination: string): Promise<void> {
  await publishOutputs([{ artifact, destination }]);
}

/** A file {@linkcode publishOutputs} could not place: where, and the cause (its own message). */
export class PublishError extends Error {
  /** The path in the output folder. */
  readonly destination: string;

  /**
   * @param destination The path that could not be written.
   * @param cause What failed.
   */
  constructor(destination: string, cause: unknown) {
    // Without the call's paths, the store's and a temporary name (fi14: "…(os error 28): copy
    // '/…/artifact.txt' -> '/…/.long.txt.<pid>-….tmp'"): the destination is named by the message that tells it.
    super(systemReason(cause), { cause });
    this.name = "PublishError";
    this.destination = destination;
  }
}

/**
 * Places files that go together (a video and its subtitles) atomically each, and all or none: every one is copied
 * under its temporary name first, then each is renamed into place. A copy that fails (a full disk) leaves every
 * destination as it was. A rename fails only where the folder refuses it (a destination made a folder meanwhile,
 * or made immutable): each file it replaces is kept under a second name (a hard link) until all are placed, so
 * those renamed before the one that failed are put back as they were (fi: a new video was left beside an earlier
 * run's subtitles). Where the system makes no second name (FAT, another user's file under protected hard links),
 * that file stays the new one.
 *
 * A destination that already holds a file's bytes is left as it is (its time and inode too), and said to be.
 *
 * @param files The stored files and their paths in the output folder, in the order they are renamed; one already
 *   copied under its temporary name (see {@linkcode stageOutput}) is only renamed.
 * @returns For each file, whether its destination held its bytes already and was left as it was.
 * @throws {PublishError} Naming the destination that failed, with its cause; no temporary name is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publishOutputs } from "./publish_output.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "x");
 * const a = `${dir}/a`;
 * await publishOutputs([{ artifact: a, destination: `${dir}/b` }, { artifact: a, destination: `${dir}/c` }]);
 * assert.equal(await Deno.readTextFile(`${dir}/c`), "x");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function publishOutputs(
  files: readonly { artifact: string; destination: string; staged?: string }[],
): Promise<boolean[]> {
  // Every file's temporary name first: one copied ahead and not reached when a copy fails is removed too.
  const staged = files.map(({ artifact, destination, staged: copied }) => ({
    artifact,
    temporary: copied ?? temporaryName(destination),
    copied: copied !== undefined,
    destination,
    placed: false,
    unchanged: false,
  }));
  let failed = "";
  // What each file replaces, kept under a second name until all are placed; and the files renamed into place.
  const kept = new Map<(typeof staged)[number], Replaced>();
  const renamed: (typeof staged)[number][] = [];
  try {
    for (const file of staged) {
      failed = file.destination;
      // A destination that holds these bytes already (a render that made nothing new) is left as it is, its time
      // and inode with it: rsync and sync clients see no change.
      file.unchanged = await holdsSameBytes(file.copied ? file.temporary : file.artifact, file.destination);
      if (file.unchanged) {
        if (file.copied) await removeIfExists(file.temporary);
        file.placed = true;
      } else if (!file.copied) await copyStored(file.artifact, file.temporary);
    }
    for (const file of staged) {
      if (file.placed) continue;
      failed = file.destination;
      kept.set(file, await keepReplaced(file.destination));
    }
    for (const file of staged) {
      if (file.placed) continue;
      failed = file.destination;
      await Deno.rename(file.temporary, file.destination);
      file.placed = true;
      renamed.push(file);
    }
  } catch (error) {
    // Those renamed into place go back to what they replaced first (or away, where there was nothing; a file kept
    // without a second name stays the new one), each whatever the others do (rv2): a restore that fails is told
    // after the cause, and its second name is left for a later run to clear, never removed.
    const unrestored: string[] = [];
    for (const file of renamed) {
      const old = kept.get(file);
      try {
        if (old === "none") await removeIfExists(file.destination);
        else if (old !== undefined && old !== "unkept") await Deno.rename(old.kept, file.destination);
      } catch (restore) {
        unrestored.push(`${file.destination} could not be put back: ${messageOf(restore)}`);
      }
      kept.delete(file);
    }
    for (const file of staged) {
      const problem = file.placed ? null : await removedTemporary(file.temporary);
      if (problem !== null) unrestored.push(problem);
    }
    throw new PublishError(
      failed,
      unrestored.length === 0 ? error : new Error(`${messageOf(error)} (and ${unrestored.join("; ")})`, {
        cause: error,
      }),
    );
  } finally {
    for (const old of kept.values()) if (typeof old === "object") await removeIfExists(old.kept);
  }
  return staged.map((file) => file.unchanged);
}

/** What a publish keeps of the file a destination held: its second name, none (nothing was there), or no way back. */
type Replaced = { kept: string } | "none" | "unkept";

/**
 * Keeps the file at `destination` under a temporary name too (a hard link: the destination is not touched), for a
 * publish that fails later to put it back.
 */
async function keepReplaced(destination: string): Promise<Replaced> {
  try {
    // A folder there: its rename fails, said as before, and it is never renamed back.
    if ((await Deno.lstat(destination)).isDirectory) return "unkept";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "none";
    throw error;
  }
  const kept = temporaryName(destination);
  try {
    await Deno.link(destination, kept);
    return { kept };
  } catch {
    // No second name, and no way back (rv): a file system without hard links (FAT), another user's file where
    // the kernel protects hard links, an immutable file (whose rename fails next), a name too long for the link.
    return "unkept";
  }
}

/** Bytes compared at a time by {@linkcode holdsSameBytes}. */
const COMPARED_BYTES = 1 << 20;

/**
 * Whether `destination` is a file (not a link) holding exactly `source`'s bytes: compared a mebibyte at a time,
 * after their sizes. No dearer than the copy it saves: a read of each against a read and a write.
 */
async function holdsSameBytes(source: string, destination: string): Promise<boolean> {
  let sizes: [number, number];
  try {
    const [from, to] = await Promise.all([Deno.stat(source), Deno.lstat(destination)]);
    if (!to.isFile) return false;
    sizes = [from.size, to.size];
  } catch (error) {
    // Not there, or a name too long to be (the copy then says so, as before).
    if (error instanceof Deno.errors.NotFound || nameTooLong(error)) {
      return false;
    }
    throw error;
  }
  if (sizes[0] !== sizes[1]) return false;
  using a = await Deno.open(source, { read: true });
  let opened: Deno.FsFile;
  try {
    opened = await Deno.open(destination, { read: true });
  } catch (error) {
    // One that cannot be read (mode 200) is replaced, as before: the rename needs only the folder.
    if (error instanceof Deno.errors.PermissionDenied) return false;
    throw error;
  }
  using b = opened;
  const [x, y] = [new Uint8Array(COMPARED_BYTES), new Uint8Array(COMPARED_BYTES)];
  for (;;) {
    const [m, n] = await Promise.all([readFull(a, x), readFull(b, y)]);
    if (m !== n) return false;
    if (m === 0) return true;
    // Native memcmp: 100 MiB in 3 ms here, 176 ms in a loop.
    if (Buffer.compare(x.subarray(0, m), y.subarray(0, n)) !== 0) return false;
  }
}

/**
 * Copies an artifact under a temporary name beside its destination ahead of its publishing (see
 * {@linkcode publishOutputs}' `staged`): an output held until the one it goes with is published no longer needs its
 * store entry then (a store cleared by hand meanwhile).
 *
 * @param artifact The stored file.
 * @param destination The path in the output folder it will be renamed to.
 * @returns The temporary name, which a later run clears away if this one is killed.
 * @throws {PublishError} Naming the destination, with its cause; no temporary name is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publishOutputs, stageOutput } from "./publish_output.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "x");
 * const staged = await stageOutput(`${dir}/a`, `${dir}/b`);
 * await Deno.remove(`${dir}/a`);
 * await publishOutputs([{ artifact: `${dir}/a`, destination: `${dir}/b`, staged }]);
 * assert.equal(await Deno.readTextFile(`${dir}/b`), "x");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function stageOutput(artifact: string, destination: string): Promise<string> {
  const temporary = temporaryName(destination);
  try {
    await copyStored(artifact, temporary);
  } catch (error) {
    await removeAfterFailure(temporary, error);
    throw new PublishError(destination, error);
  }
  return temporary;
}

/** A copy, not a hard link: editing an output must never change the artifact the store serves next time. */
async function copyStored(artifact: string, temporary: string): Promise<void> {
  try {
    await Deno.copyFile(artifact, temporary);
  } catch (error) {
    // Said as what it is: the output folder is fine, the store's file is gone (before: "Cannot write out/a.vtt").
    if (error instanceof Deno.errors.NotFound && !(await exists(artifact))) {
      throw new Error(`its stored file ${artifact} is gone (removed from the store while the render ran)`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Removes what a failed publish may have left under the temporary name. A name the file system refuses as too long
 * was never made, like one not found. A cleanup that fails otherwise is told after the error that caused it, never
 * in its place.
 */
async function removeAfterFailure(temporary: string, failure: unknown): Promise<void> {
  const problem = await removedTemporary(temporary);
  if (problem !== null) throw new Error(`${messageOf(failure)} (and ${problem})`, { cause: failure });
}

/** Removes a temporary name; what went wrong, in words, or null (a name too long to be made was never made). */
async function removedTemporary(temporary: string): Promise<string | null> {
  try {
    await removeIfExists(temporary);
    return null;
  } catch (cleanup) {
    if (nameTooLong(cleanup)) return null;
    return `${temporary} could not be removed: ${messageOf(cleanup)}`;
  }
}

/**
 * Removes the temporary names a killed run left in an output folder (`.<name>.<pid>-<random>.tmp` of processes
 * that no longer run).
 *
 * @param folder The output folder.
 * @returns How many files were removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeStaleOutputs } from "./publish_output.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await removeStaleOutputs(dir), 0);
 * await Deno.remove(dir);
 * ```
 */
export async function removeStaleOutputs(folder: string): Promise<number> {
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(folder)) {
      const match = /^\..+\.(\d+(?:-h[0-9a-f]{8})?)-[0-9a-f]{8}\.tmp$/.exec(entry.name);
      if (match === null || !(await leftByGoneOwner(match[1]!, `${folder}/${entry.name}`))) continue;
      await removeIfExists(`${folder}/${entry.name}`);
      removed++;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}

/**
 * The temporary name a file is written under before it is renamed into place in an output folder:
 * `.<name>.<pid>-h<host>-<random>.tmp`, which {@linkcode removeStaleOutputs} recognizes once that process is gone.
 *
 * @param destination The file's final path.
 * @returns The temporary path beside it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { temporaryName } from "./publish_output.ts";
 * assert.match(temporaryName("out/a.mp4"), /^out\/\.a\.mp4\.\d+-h[0-9a-f]{8}-[0-9a-f]{8}\.tmp$/);
 * ```
 */
export function temporaryName(destination: string): string {
  const slash = destination.lastIndexOf("/");
  const random = crypto.randomUUID().slice(0, 8);
  return `${destination.slice(0, slash + 1)}.${destination.slice(slash + 1)}.${ownerMark()}-${random}.tmp`;
}
