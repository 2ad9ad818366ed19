/**
 * Publishing an artifact into the output folder: a copy made under a temporary name and renamed, so the output
 * folder never holds a partial file.
 * @module
 */
import { messageOf } from "../core/errors.ts";
import { leftByGoneOwner, ownerMark } from "./owner_mark.ts";
import { removeIfExists } from "./_remove_if_exists.ts";

/**
 * Places `artifact` at `destination` atomically, replacing what was there.
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
  const temporary = temporaryName(destination);
  try {
    // A copy, not a hard link: editing an output must never change the artifact the store serves next time.
    await Deno.copyFile(artifact, temporary);
    await Deno.rename(temporary, destination);
  } catch (error) {
    await removeAfterFailure(temporary, error);
    throw error;
  }
}

/**
 * Removes what a failed publish may have left under the temporary name. A name the file system refuses as too long
 * was never made, like one not found. A cleanup that fails otherwise is told after the error that caused it, never
 * in its place.
 */
async function removeAfterFailure(temporary: string, failure: unknown): Promise<void> {
  try {
    await removeIfExists(temporary);
  } catch (cleanup) {
    if ((cleanup as { code?: unknown }).code === "ENAMETOOLONG") return;
    throw new Error(`${messageOf(failure)} (and ${temporary} could not be removed: ${messageOf(cleanup)})`, {
      cause: failure,
    });
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
