/**
 * Short-lived folders in the system's temporary folder that go with the process: each is removed when its user is
 * done with it, and, should the process end first (`Deno.exit` after a Ctrl-C before the run, which leaves pending
 * work where it stands), when it ends. fi11: a Ctrl-C during pocketsphinx's probe left `/tmp/reel-asr-*` behind.
 * @module
 */

const open = new Set<string>();
let listening = false;

/**
 * Makes a folder in the temporary folder, removed when the returned handle is disposed or the process exits.
 *
 * @param prefix The start of its name (`reel-asr-`).
 * @returns Its path, and its disposal (`await using`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scratchFolder } from "./scratch_folder.ts";
 * let kept: string;
 * {
 *   await using folder = await scratchFolder("reel-example-");
 *   kept = folder.path;
 *   await Deno.writeTextFile(`${folder.path}/a.txt`, "a");
 * }
 * await assert.rejects(Deno.stat(kept), Deno.errors.NotFound);
 * ```
 */
export async function scratchFolder(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  if (!listening) {
    listening = true;
    // At exit nothing asynchronous runs: removed synchronously, whatever is left.
    globalThis.addEventListener("unload", () => {
      for (const path of open) removeSync(path);
    });
  }
  const path = await Deno.makeTempDir({ prefix });
  open.add(path);
  return {
    path,
    [Symbol.asyncDispose]: async () => {
      open.delete(path);
      await Deno.remove(path, { recursive: true }).catch((error) => {
        // Gone already (a cleaner of the temporary folder, or the user).
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    },
  };
}

function removeSync(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch {
    // The process is ending: a folder that cannot be removed now (gone already, or its disk unwritable) is left to
    // the system's cleaner of temporary files, as any other program's would be; nothing is left to tell.
  }
}
