/**
 * A store folder's identity: a random id in its `store-id` file, made once by the first render that uses the
 * folder on a cluster. A worker that mounts the store at a path of its own (`worker --store`) cannot tell from a
 * job's path whether the job's store is the one it mounts: the ids tell (cl: a worker took another store's jobs and
 * wrote their artifacts into its own, and the render failed, "the store lacks it").
 * @module
 */
import { ownerMark } from "./owner_mark.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";

/** The file in a store folder that holds its id. */
export const STORE_ID_FILE = "store-id";

/**
 * Reads a store folder's id, making it first when `make` is true and the folder has none (two renders making it
 * at once agree: it is linked into place whole, and the second reads the first's).
 *
 * @param folder The store folder.
 * @param options `make`: make the id when the folder has none.
 * @returns The id, or null when the folder has none and `make` is false.
 * @throws {Deno.errors.NotFound} When the folder is not there (and the errors of reading and writing in it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storeIdentity } from "./store_identity.ts";
 * const folder = await Deno.makeTempDir();
 * assert.equal(await storeIdentity(folder, { make: false }), null);
 * const id = await storeIdentity(folder, { make: true });
 * assert.equal(await storeIdentity(folder, { make: false }), id);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function storeIdentity(folder: string, options: { make: boolean }): Promise<string | null> {
  const path = `${folder}/${STORE_ID_FILE}`;
  const read = async () => {
    try {
      return (await Deno.readTextFile(path)).trim();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
  };
  const id = await read();
  if (id !== null || !options.make) return id;
  const staged = `${folder}/.${ownerMark()}-${crypto.randomUUID()}-${STORE_ID_FILE}`;
  await Deno.writeTextFile(staged, `${crypto.randomUUID()}\n`);
  try {
    await Deno.link(staged, path);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  } finally {
    await removeIfExists(staged);
  }
  return await read();
}
