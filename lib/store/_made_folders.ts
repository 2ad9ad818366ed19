/**
 * Folders a store has made, so that its small synchronous writes do not make them again each time: on this kind of
 * machine a `mkdir -p` of a folder that exists is two system calls of ~30 µs, and every step's scratch folder,
 * staged entry, claim and placed entry needed one.
 * @module
 */

/** Folders made (or found) by this process, each made again when an operation finds it gone. */
export class MadeFolders {
  readonly #made = new Set<string>();

  /**
   * Runs a synchronous operation that writes inside `folder`, making the folder first unless this process made
   * it already. When the operation finds the folder gone (removed meanwhile, e.g. by `reel cache clear` or a
   * user), the folder is made again and the operation runs once more.
   *
   * @param folder The folder the operation writes in.
   * @param operation The operation.
   * @returns What the operation returns.
   * @throws What the operation throws (a second `NotFound` included).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { MadeFolders } from "./_made_folders.ts";
   * const dir = await Deno.makeTempDir();
   * const folders = new MadeFolders();
   * folders.writeIn(`${dir}/a/b`, () => Deno.writeTextFileSync(`${dir}/a/b/x`, "1"));
   * Deno.removeSync(`${dir}/a`, { recursive: true });
   * folders.writeIn(`${dir}/a/b`, () => Deno.writeTextFileSync(`${dir}/a/b/x`, "2"));
   * assert.equal(Deno.readTextFileSync(`${dir}/a/b/x`), "2");
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  writeIn<T>(folder: string, operation: () => T): T {
    if (!this.#made.has(folder)) {
      Deno.mkdirSync(folder, { recursive: true });
      this.#made.add(folder);
    }
    try {
      return operation();
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      Deno.mkdirSync(folder, { recursive: true });
      return operation();
    }
  }
}
